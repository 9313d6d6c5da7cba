"""Parcels that come back: returned to origin or by the customer; what the stock, the credit note,
the cash to collect and the refunds make of them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from catalog.models import StockMovement
from core.exceptions import InvalidInput, RoleNotAllowed, TransitionNotAllowed
from deliveries.intake import scans_receive
from deliveries.models import ScanSource
from deliveries.schemas import ScanIn
from purchases import services as purchase_services
from purchases.crediting import units_credited
from purchases.models import (
    CreditNote,
    Invoice,
    PaymentMethod,
    Purchase,
    Refund,
    RefundStatus,
)
from purchases.services import purchase_cancel
from returns import services
from returns.models import ReturnKind, ReturnStatus
from returns.rules import Disposition
from shipments import services as shipment_services
from shipments.models import DeliveryStatus
from tests import factories

pytestmark = pytest.mark.django_db


def parcel_of(staff, agent, awb="12345678901", **purchase):
    shipment = factories.handed_over_shipment(staff, agent, awb=awb, **purchase)
    # Paid as the checkout would have it: the lines and the shipping (the factory adds lines only).
    Purchase.objects.filter(pk=shipment.purchase_id).update(
        paid_at=None if shipment.cod_amount else timezone.now(),
        grand_total=F("grand_total") + F("shipping_charge"),
    )
    shipment.purchase.refresh_from_db()
    return shipment


def courier_says(agent, awb, *statuses):
    start = timezone.now()  # just after the handover, a second apart
    scans = [
        ScanIn.model_validate(
            {"awb": awb, "status": status, "at": (start + dt.timedelta(seconds=n)).isoformat()}
        )
        for n, status in enumerate(statuses, 1)
    ]
    scans_receive(agent=agent, scans=scans, source=ScanSource.COMMAND)


def all_back(shipment, sellable=None, damaged=0, note=""):
    line = shipment.lines.get()
    return {line.item_id: Disposition(line.quantity - damaged, damaged, note)}


def test_a_prepaid_parcel_returned_to_origin_goes_back_to_stock_and_is_credited_and_refunded(
    store, staff, agent
):
    shipment = parcel_of(staff, agent, quantity=2, shipping_charge=Decimal("49.00"))
    item = shipment.lines.get().item
    product = item.product
    on_hand = type(product).objects.get(pk=product.pk).on_hand
    courier_says(agent, "12345678901", "undelivered", "rto")

    parcel = services.return_to_origin_receive(
        shipment_id=shipment.pk,
        user=staff,
        dispositions=all_back(shipment, damaged=1, note="Box crushed"),
    )

    assert (parcel.kind, parcel.status) == (ReturnKind.RTO, ReturnStatus.RECEIVED)
    item.refresh_from_db()
    assert (item.rto_quantity, item.returned_quantity) == (2, 0)
    product.refresh_from_db()
    assert product.on_hand == on_hand + 1
    moves = list(StockMovement.objects.order_by("id").values_list("kind", "quantity"))
    assert moves[-2:] == [("returned", 2), ("written_off", -1)]
    invoice = Invoice.objects.get()
    note = CreditNote.objects.get()
    assert note.grand_total == invoice.grand_total  # goods and shipping: nothing reached them
    assert Refund.objects.get().amount == shipment.purchase.grand_total  # all they paid
    shipment.refresh_from_db()
    assert shipment.delivery_status == DeliveryStatus.RTO_DELIVERED


def test_cash_on_delivery_returned_to_origin_is_written_off_and_owes_no_refund(store, staff, agent):
    shipment = parcel_of(staff, agent, payment_method=PaymentMethod.COD)
    assert shipment.cod_amount > 0
    courier_says(agent, "12345678901", "rto")

    services.return_to_origin_receive(
        shipment_id=shipment.pk, user=staff, dispositions=all_back(shipment)
    )

    shipment.refresh_from_db()
    assert shipment.cod_written_off_at is not None
    assert CreditNote.objects.count() == 1 and not Refund.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="received back already"):
        services.arrival_find("12345678901")


def test_a_delivered_parcel_is_not_received_as_returned_to_origin(store, staff, agent):
    shipment = parcel_of(staff, agent)
    courier_says(agent, "12345678901", "delivered")

    with pytest.raises(TransitionNotAllowed, match="record the customer's return"):
        services.arrival_find(" 1234 5678 901 ")
    assert not CreditNote.objects.exists()
    assert shipment.pk


def test_customer_returns_credit_each_unit_once_and_never_more_than_invoiced(store, staff, agent):
    shipment = parcel_of(
        staff, agent, quantity=3, shipping_charge=Decimal("49.00"), discount=Decimal("10.00")
    )
    item = shipment.lines.get().item
    courier_says(agent, "12345678901", "out_for_delivery", "delivered")

    for awb in ("RV0001", "RV0002", "RV0003"):
        parcel = services.customer_return_record(
            shipment_id=shipment.pk,
            user=staff,
            quantities={item.pk: 1},
            reason="Colour not as shown",
            reverse_awb=awb.lower(),
        )
        assert services.arrival_find(awb).parcel_return == parcel
        services.return_receive(
            return_id=parcel.pk, user=staff, dispositions={item.pk: Disposition(1, 0)}
        )
    with pytest.raises(InvalidInput, match="0 of this parcel can be returned, not 1"):
        services.customer_return_record(
            shipment_id=shipment.pk, user=staff, quantities={item.pk: 1}, reason="Again"
        )

    invoice = Invoice.objects.get()
    notes = [note.content for note in CreditNote.objects.order_by("id")]
    assert units_credited(notes, item.line_number) == 3
    goods = Decimal(next(line for line in invoice.content["lines"] if line["sku"])["total"])
    credited = sum(Decimal(line["total"]) for note in notes for line in note["lines"])
    assert credited == goods  # the shipping was delivered: not given back
    item.refresh_from_db()
    assert (item.returned_quantity, item.rto_quantity) == (3, 0)
    assert sum(refund.amount for refund in Refund.objects.all()) <= shipment.purchase.grand_total


def test_a_cancellation_and_returns_on_one_purchase_credit_the_line_exactly_once(
    store, staff, owner, agent
):
    purchase = factories.purchase_with_items(status="fraud_approved", quantity=3)
    purchase.items.update(discount=Decimal("10.00"))
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    item = purchase.items.get()
    purchase_cancel(
        purchase_id=purchase.pk, user=owner, reason="Out of one", item_quantities={item.pk: 1}
    )
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="22222222222")
    shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    courier_says(agent, "22222222222", "delivered")
    parcel = services.customer_return_record(
        shipment_id=shipment.pk, user=staff, quantities={item.pk: 2}, reason="Too small"
    )
    services.return_receive(
        return_id=parcel.pk, user=staff, dispositions={item.pk: Disposition(2, 0)}
    )

    invoiced = next(line for line in Invoice.objects.get().content["lines"] if line["sku"])
    notes = [note.content for note in CreditNote.objects.order_by("id")]
    for amount in ("taxable_value", "total"):
        given_back = sum(Decimal(line[amount]) for note in notes for line in note["lines"])
        assert given_back == Decimal(invoiced[amount])


def test_the_owner_records_a_refund_paid_once_with_its_reference(store, staff, owner, agent):
    shipment = parcel_of(staff, agent)
    courier_says(agent, "12345678901", "rto")
    services.return_to_origin_receive(
        shipment_id=shipment.pk, user=staff, dispositions=all_back(shipment)
    )
    refund = Refund.objects.get()

    with pytest.raises(RoleNotAllowed):
        services.refund_record_paid(refund_id=refund.pk, user=staff, reference="UTR1")
    with pytest.raises(InvalidInput, match="Enter the refund's reference"):
        services.refund_record_paid(refund_id=refund.pk, user=owner, reference="  ")
    services.refund_record_paid(refund_id=refund.pk, user=owner, reference="HDFCN52026120212345")
    refund.refresh_from_db()
    assert (refund.status, refund.reference, refund.refunded_by) == (
        RefundStatus.REFUNDED,
        "HDFCN52026120212345",
        owner,
    )
    with pytest.raises(TransitionNotAllowed, match="paid already"):
        services.refund_record_paid(refund_id=refund.pk, user=owner, reference="again")


def test_damaged_units_need_a_note_and_every_unit_must_be_accounted_for(store, staff, agent):
    shipment = parcel_of(staff, agent, quantity=2)
    courier_says(agent, "12345678901", "rto")
    item_id = shipment.lines.get().item_id

    with pytest.raises(InvalidInput, match="together, all of them"):
        services.return_to_origin_receive(
            shipment_id=shipment.pk, user=staff, dispositions={item_id: Disposition(1, 0)}
        )
    with pytest.raises(InvalidInput, match="what is wrong with the damaged"):
        services.return_to_origin_receive(
            shipment_id=shipment.pk, user=staff, dispositions={item_id: Disposition(1, 1)}
        )
    assert (
        not CreditNote.objects.exists()
        and not StockMovement.objects.filter(kind="returned").exists()
    )
