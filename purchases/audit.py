"""Writing the append-only timeline that every state change and printed document leaves."""

from django.contrib.auth.models import AbstractBaseUser

from .models import AuditEntry, Purchase

SYSTEM = "system"
INFIBEAM = "Infibeam"

# The moves nobody presses (the checkout, the system, the partner feed, or another action run them:
# a shipment ships when its slip and AWB are both there) have no button
# label, so their entries store the transition's name in words ("Follow quantities", see
# transitions.transition_label). Stored entries stay as written; the timeline shows these words:
# stored action -> (when Infibeam's report caused it, otherwise).
AUTOMATIC_ACTION_WORDS = {
    "Freeze for payment": ("Payment started", "Payment started"),
    "Confirm": ("Purchase confirmed", "Purchase confirmed"),
    "Follow quantities": (
        "Updated from Infibeam's report",
        "Updated from the quantities handed over or cancelled",
    ),
    "Follow partner reports": ("Updated from Infibeam's report", "Updated from Infibeam's report"),
    "Follow fulfilment": ("Updated from Infibeam's report", "Updated from its items and shipments"),
    "Ship": ("Shipped", "Shipped: slip printed and AWB recorded"),
    "Cancel": ("Shipment cancelled", "Shipment cancelled"),  # with its purchase's items
}


def actor_name(user: AbstractBaseUser | None, default: str = SYSTEM) -> str:
    if user is None:
        return default
    return user.get_full_name() or user.get_username()


def audit_record(
    *,
    purchase: Purchase,
    subject: object,
    action: str,
    user: AbstractBaseUser | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    actor_label: str = SYSTEM,
) -> AuditEntry:
    """Append one entry to the purchase's timeline."""
    return AuditEntry.objects.create(
        purchase=purchase,
        subject=subject._meta.model_name,
        subject_id=subject.pk,
        subject_label=str(subject),
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_name=actor_name(user, actor_label),
        reason=reason,
    )


def action_in_words(entry: AuditEntry) -> str:
    """What a timeline entry says happened, in words a store owner reads (not a transition name)."""
    words = AUTOMATIC_ACTION_WORDS.get(entry.action)
    if words is None:
        return entry.action
    by_partner, otherwise = words
    return by_partner if entry.actor_name == INFIBEAM else otherwise
