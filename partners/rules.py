"""What one of Infibeam's reports does to a partner item, the partner part and the purchase: the
rule, in memory (see purchases/rules.py). The feed (services.py) checks and records the event, then
calls it with a DatabaseJournal; the demo builder calls it for its partner items."""

import datetime as dt

from purchases.audit import INFIBEAM, audit_entry
from purchases.fulfilment import follow_fulfilment, partner_status_of
from purchases.journal import Journal
from purchases.models import Item, Purchase
from purchases.transitions import run_transition
from shipments.models import Shipment

from .models import ReportKind


def apply_report(
    *,
    purchase: Purchase,
    item: Item,
    kind: str,
    quantity: int,
    event_id: str,
    reason: str,
    occurred_at: dt.datetime,
    items: list[Item],
    shipments: list[Shipment],
    at: dt.datetime,
    journal: Journal,
) -> None:
    """Count the units handed over or cancelled, then let the item, the partner part and the
    purchase follow, each entry written "by Infibeam"."""
    if kind == ReportKind.HANDED_OVER:
        item.hand_over(quantity)
        action = f"Handed over to the logistics agent × {quantity}"
    else:
        item.cancel(quantity)
        action = f"Cancelled by the partner × {quantity}"
    item.last_reported_at = occurred_at
    journal.update(item)
    note = f"Event {event_id}" + (f": {reason}" if reason else "")
    journal.audit(
        audit_entry(
            purchase=purchase,
            subject=item,
            action=action,
            user=None,
            at=at,
            reason=note,
            actor_label=INFIBEAM,
        )
    )
    follow = {
        "purchase": purchase,
        "user": None,
        "at": at,
        "journal": journal,
        "reason": note,
        "actor_label": INFIBEAM,
    }
    run_transition(item, "follow_quantities", **follow)
    run_transition(purchase, "follow_partner_reports", args=(partner_status_of(items),), **follow)
    follow_fulfilment(items=items, shipments=shipments, **follow)
