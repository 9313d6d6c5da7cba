"""How a purchase's state follows its items and shipments (see purchases/README.md)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, Sum

from .audit import SYSTEM
from .models import FOLLOWING_STATES, FulfilmentProgress, Item, PartnerStatus, Purchase
from .transitions import run_transition


def fulfilment_progress(purchase: Purchase) -> FulfilmentProgress:
    """Count what has been ordered, assigned, handed over and cancelled, in two queries."""
    from shipments.models import ShipmentStatus

    totals = purchase.items.aggregate(
        ordered=Sum("quantity", default=0),
        handed_over=Sum("handed_over_quantity", default=0),
        cancelled=Sum("cancelled_quantity", default=0),
    )
    own = list(purchase.items.own())
    awaiting_awb = purchase.shipments.aggregate(
        n=Count("id", filter=Q(status=ShipmentStatus.AGENT_ASSIGNED))
    )["n"]
    return FulfilmentProgress(
        ordered=totals["ordered"],
        handed_over=totals["handed_over"],
        cancelled=totals["cancelled"],
        own_unassigned=sum(item.unassigned_quantity for item in own),
        own_unsettled=sum(item.open_quantity for item in own),
        shipments_awaiting_awb=awaiting_awb,
    )


def partner_status_of(items: list[Item]) -> str:
    """The partner part's state implied by its items' handed-over and cancelled quantities."""
    if not items:
        return PartnerStatus.NONE
    ordered = sum(item.quantity for item in items)
    handed_over = sum(item.handed_over_quantity for item in items)
    cancelled = sum(item.cancelled_quantity for item in items)
    if handed_over + cancelled >= ordered:
        return PartnerStatus.COMPLETE if handed_over else PartnerStatus.CANCELLED
    if handed_over:
        return PartnerStatus.PARTIALLY_COMPLETE
    return PartnerStatus.AWAITING


def purchase_follow_fulfilment(
    *,
    purchase: Purchase,
    user: AbstractBaseUser | None,
    reason: str = "",
    actor_label: str = SYSTEM,
) -> bool:
    """Move a locked purchase to the state its items and shipments imply; audit it if it moved."""
    if purchase.status not in FOLLOWING_STATES:
        return False
    progress = fulfilment_progress(purchase)
    if purchase.derive_status(progress) == purchase.status:
        return False
    return run_transition(
        purchase,
        "follow_fulfilment",
        user=user,
        purchase=purchase,
        args=(progress,),
        reason=reason,
        actor_label=actor_label,
    )
