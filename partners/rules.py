"""What one of Infibeam's reports does to a partner item, the partner part and the purchase: the
rule, in memory (see purchases/rules.py). The feed (services.py) checks and records the event, then
calls it with a journal that saves; the demo builder calls it for its partner items."""

import datetime as dt

from purchases.fulfilment import partner_status_of
from purchases.models import Item
from purchases.step import Step

from .models import ReportKind


def apply_report(
    step: Step,
    *,
    item: Item,
    kind: str,
    quantity: int,
    event_id: str,
    reason: str,
    occurred_at: dt.datetime,
) -> None:
    """Count the units handed over or cancelled, then let the item, the partner part and the
    purchase follow. `step` is Infibeam's: no user, and the timeline says "by Infibeam"."""
    if kind == ReportKind.HANDED_OVER:
        item.hand_over(quantity)
        action = f"Handed over to the logistics agent × {quantity}"
    else:
        item.cancel(quantity)
        action = f"Cancelled by the partner × {quantity}"
    item.last_reported_at = occurred_at
    step.update(item)
    note = f"Event {event_id}" + (f": {reason}" if reason else "")
    step.note(item, action, reason=note)
    step.move(item, "follow_quantities", reason=note)
    step.move(
        step.purchase, "follow_partner_reports", reason=note, args=(partner_status_of(step.items),)
    )
    step.follow(reason=note)
