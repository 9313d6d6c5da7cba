"""Writing the append-only timeline that every state change and printed document leaves."""

from django.contrib.auth.models import AbstractBaseUser

from .models import AuditEntry, Purchase

SYSTEM = "system"
INFIBEAM = "Infibeam"


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
