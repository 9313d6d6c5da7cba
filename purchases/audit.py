"""The append-only timeline that every state change and printed document leaves.

An entry says in words what happened, as the owner reads it on the purchase page: a button's label
("Issue invoice"), or for a move nobody presses the words its transition declares
(`custom={"timeline": ...}`, "Updated from its items and shipments"); every move Infibeam's report
causes reads "Updated from Infibeam's report".
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import AuditEntry, Purchase

SYSTEM = "system"
INFIBEAM = "Infibeam"
BY_PARTNER = "Updated from Infibeam's report"


def actor_name(user: AbstractBaseUser | None, default: str = SYSTEM) -> str:
    if user is None:
        return default
    return user.get_full_name() or user.get_username()


def audit_entry(
    *,
    purchase: Purchase,
    subject: object,
    action: str,
    user: AbstractBaseUser | None,
    at: dt.datetime,
    state_field: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    actor_label: str = SYSTEM,
) -> AuditEntry:
    """One entry of the purchase's timeline, not saved yet."""
    # Keys rather than objects: the demo builder makes a million of these, and the related-object
    # descriptors cost a third of each.
    return AuditEntry(
        purchase_id=purchase.pk,
        subject=subject._meta.model_name,
        subject_id=subject.pk,
        subject_label=str(subject),
        action=action,
        state_field=state_field,
        from_state=from_state,
        to_state=to_state,
        actor_id=None if user is None else user.pk,
        actor_name=actor_name(user, actor_label),
        reason=reason,
        created_at=at,
    )


def audit_record(
    *, purchase: Purchase, subject: object, action: str, user: AbstractBaseUser | None, **details
) -> AuditEntry:
    """Append one entry to the purchase's timeline now."""
    entry = audit_entry(
        purchase=purchase, subject=subject, action=action, user=user, at=timezone.now(), **details
    )
    entry.save(force_insert=True)
    return entry
