"""Purchases, shipments and handover batches in the states the document tests print from, built
through the real services so invoices and slips carry what staff would see."""

from purchases import services as purchase_services
from purchases.models import PaymentMethod, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import HandoverBatch
from tests import factories


def invoiced_purchase(user, **kwargs):
    """A purchase with its tax invoice issued (two own items of two units unless told)."""
    kwargs.setdefault("own", 2)
    kwargs.setdefault("quantity", 2)
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, **kwargs)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=user)
    purchase.refresh_from_db()
    return purchase


def shipment_for(user, agent, *, awb=None, cod=False, printed=False, **kwargs):
    """An invoiced purchase's whole shipment with `agent`, maybe with its AWB and slip printed."""
    if cod:
        kwargs["payment_method"] = PaymentMethod.COD
    purchase = invoiced_purchase(user, **kwargs)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=user, agent_id=agent.pk
    )
    if awb:
        shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=user, awb=awb)
    if printed:
        shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=user)
    shipment.refresh_from_db()
    return shipment


def handover_batch(user, agent, shipments, **kwargs):
    """A handover batch of `agent` holding `shipments` (each must have its AWB), handed over."""
    batch = HandoverBatch.objects.create(agent=agent, opened_by=user, **kwargs)
    for shipment in shipments:
        if not shipment.slip_printed_at:
            shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=user)
        shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=user, batch=batch)
    return batch
