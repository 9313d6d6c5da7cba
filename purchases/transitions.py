"""Running one django-fsm transition with the checks every service needs, and auditing it."""

from django.contrib.auth.models import AbstractBaseUser
from django_fsm import can_proceed, has_transition_perm

from core.exceptions import RoleNotAllowed, TransitionNotAllowed

from .audit import SYSTEM, audit_record


def transition_label(method) -> str:
    """The button label of a transition, or its name in words."""
    meta = getattr(method, "_django_fsm", None)
    if meta is not None:
        for transition in meta.transitions.values():
            label = (transition.custom or {}).get("label")
            if label:
                return label
    return method.__name__.replace("_", " ").capitalize()


def state_field_name(method) -> str:
    """The state field a transition moves (`status`, or e.g. `partner_status`)."""
    field = method._django_fsm.field
    return field if isinstance(field, str) else field.name


def run_transition(
    instance,
    name: str,
    *,
    user: AbstractBaseUser | None,
    purchase,
    reason: str = "",
    args: tuple = (),
    actor_label: str = SYSTEM,
) -> bool:
    """Run `instance.<name>(*args)`, save, and audit it; False if the state did not change.

    `user=None` means the system or the partner runs it, without a role check. The caller
    holds the row lock (select_for_update) inside a transaction.
    """
    method = getattr(instance, name)
    label = transition_label(method)
    field = state_field_name(method)
    if not can_proceed(method):
        state = getattr(instance, f"get_{field}_display")()
        raise TransitionNotAllowed(f"{instance}: cannot {label.lower()} while {state}.")
    if user is not None and not has_transition_perm(method, user):
        raise RoleNotAllowed(f"{instance}: your role may not {label.lower()}.")
    from_state = getattr(instance, field)
    method(*args)
    to_state = getattr(instance, field)
    if to_state == from_state:
        return False
    instance.save()
    audit_record(
        purchase=purchase,
        subject=instance,
        action=label,
        user=user,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        actor_label=actor_label,
    )
    return True
