"""Running one django-fsm transition with the checks every action needs, and writing it down."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django_fsm import can_proceed, has_transition_perm

from core.exceptions import RoleNotAllowed, TransitionNotAllowed
from core.journal import Journal

from .audit import BY_PARTNER, INFIBEAM, SYSTEM, audit_entry


@dataclass(frozen=True)
class TransitionText:
    field: str  # the state field it moves
    timeline: str  # what its timeline entry says
    verb: str  # what a refusal says could not be done: "cannot <verb> while Cancelled"


@functools.cache
def transition_text(model: type, name: str) -> TransitionText:
    """A transition's words: its button label, or for a move nobody presses the words it declares
    (`custom={"timeline": ...}`) and its name as the verb."""
    meta = getattr(model, name)._django_fsm
    field = meta.field if isinstance(meta.field, str) else meta.field.name
    for transition in meta.transitions.values():
        custom = transition.custom or {}
        if custom.get("label"):
            return TransitionText(field, custom["label"], custom["label"].lower())
        if custom.get("timeline"):
            return TransitionText(field, custom["timeline"], name.replace("_", " "))
    raise LookupError(f"{model.__name__}.{name} has neither a label nor timeline words.")


def run_transition(
    instance,
    name: str,
    *,
    purchase,
    user: AbstractBaseUser | None,
    at: dt.datetime,
    journal: Journal,
    reason: str = "",
    args: tuple = (),
    actor_label: str = SYSTEM,
) -> bool:
    """Run `instance.<name>(*args)` and write it down; False if the state did not change.

    `user=None` means the system or the partner runs it, without a role check. A service calling
    this holds the row lock (select_for_update) inside a transaction.
    """
    text = transition_text(type(instance), name)
    method = getattr(instance, name)
    if not can_proceed(method):
        state = getattr(instance, f"get_{text.field}_display")()
        raise TransitionNotAllowed(f"{instance}: cannot {text.verb} while {state}.")
    if user is not None and not has_transition_perm(method, user):
        raise RoleNotAllowed(f"{instance}: your role may not {text.verb}.")
    from_state = getattr(instance, text.field)
    method(*args)
    to_state = getattr(instance, text.field)
    if to_state == from_state:
        return False
    journal.update(instance)
    journal.audit(
        audit_entry(
            purchase=purchase,
            subject=instance,
            action=BY_PARTNER if actor_label == INFIBEAM else text.timeline,
            user=user,
            at=at,
            state_field=text.field,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            actor_label=actor_label,
        )
    )
    return True
