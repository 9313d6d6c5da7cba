"""A purchase as a channel is told about it: its state and where its parcels are."""

from django.utils import timezone

from purchases.models import Purchase


def purchase_out(purchase: Purchase) -> dict:
    """JSON of schemas.PurchaseOut, in two queries at most."""
    shipments = purchase.shipments.select_related("agent").order_by("created_at", "id")
    return {
        "number": purchase.number,
        "reference": purchase.external_reference,
        "status": purchase.status,
        "status_label": purchase.get_status_display(),
        "partner_status": purchase.partner_status,
        "payment_method": purchase.payment_method,
        "paid": purchase.paid_at is not None,
        "amount": str(purchase.grand_total),
        "placed_at": timezone.localtime(purchase.placed_at).isoformat(),
        "shipments": [
            {
                "reference": shipment.reference,
                "courier": shipment.agent.name,
                "awb": shipment.awb,
                "tracking_url": shipment.tracking_url,
                "status": shipment.status,
                "handed_over_at": timezone.localtime(shipment.handed_over_at).isoformat()
                if shipment.handed_over_at
                else None,
            }
            for shipment in shipments
        ],
    }
