"""What a purchase's state follows: its items' quantities and its shipments (purchases/README.md).
Pure functions of objects in memory; `Step.follow` (step.py) moves the purchase by them."""

from collections.abc import Iterable

from shipments.models import Shipment, ShipmentStatus

from .models import FulfilmentProgress, Item, PartnerStatus


def progress_of(items: Iterable[Item], shipments: Iterable[Shipment]) -> FulfilmentProgress:
    """What has been ordered, assigned, handed over and cancelled, from all of a purchase's items
    and shipments."""
    ordered = handed_over = cancelled = own_unassigned = own_unsettled = 0
    for item in items:
        ordered += item.quantity
        handed_over += item.handed_over_quantity
        cancelled += item.cancelled_quantity
        if item.is_own():
            own_unsettled += item.open_quantity
            own_unassigned += item.unassigned_quantity
    return FulfilmentProgress(
        ordered=ordered,
        handed_over=handed_over,
        cancelled=cancelled,
        own_unassigned=own_unassigned,
        own_unsettled=own_unsettled,
        shipments_awaiting_awb=sum(
            1 for shipment in shipments if shipment.status == ShipmentStatus.AGENT_ASSIGNED
        ),
    )


def partner_status_of(items: Iterable[Item]) -> str:
    """The partner part's state implied by its items' handed-over and cancelled quantities."""
    partner = [item for item in items if not item.is_own()]
    if not partner:
        return PartnerStatus.NONE
    ordered = sum(item.quantity for item in partner)
    handed_over = sum(item.handed_over_quantity for item in partner)
    cancelled = sum(item.cancelled_quantity for item in partner)
    if handed_over + cancelled >= ordered:
        return PartnerStatus.COMPLETE if handed_over else PartnerStatus.CANCELLED
    if handed_over:
        return PartnerStatus.PARTIALLY_COMPLETE
    return PartnerStatus.AWAITING
