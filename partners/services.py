"""Applying Infibeam's reports to partner items, and refusing the ones that cannot be applied.

Each event runs in its own transaction with its purchase locked, so one bad event never undoes
the good ones beside it, and the caller is told what became of every event.
"""

import json
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.exceptions import RoleNotAllowed
from core.journal import DatabaseJournal
from core.permissions import CONFIGURE
from purchases.audit import INFIBEAM
from purchases.models import Item, Purchase
from purchases.step import Step

from . import feed, rules
from .exceptions import FeedRefused
from .models import (
    PartnerEvent,
    PartnerFeedSettings,
    RejectedPartnerEvent,
    RejectionReason,
    new_secret,
)

logger = logging.getLogger(__name__)

PAYLOAD_LIMIT = 10_000

APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"


@dataclass(frozen=True)
class EventResult:
    """What became of one event, as the partner is told."""

    event_id: str | None
    result: str
    reason: str | None = None
    detail: str = ""

    def as_json(self) -> dict:
        data = {"event_id": self.event_id, "result": self.result, "reason": self.reason}
        if self.detail:
            data["detail"] = self.detail
        return data


@dataclass(frozen=True)
class FeedOutcome:
    """The HTTP status and JSON body to answer a feed request with."""

    http_status: int
    body: dict = field(default_factory=dict)


# -- the feed endpoint -----------------------------------------------------------------------


def partner_feed_receive(
    *, body: bytes, timestamp: str | None, signature: str | None, source: str
) -> FeedOutcome:
    """Check a signed batch and apply its events one by one; refusals are recorded.

    Deliberately not atomic as a whole: every event commits or fails on its own.
    """
    try:
        feed.check_signature(
            secret=PartnerFeedSettings.objects.current().secret,
            timestamp=timestamp,
            signature=signature,
            body=body,
            now=timezone.now(),
        )
        events = feed.parse_batch(body)
    except FeedRefused as refusal:
        return partner_request_refuse(refusal=refusal, body=body, source=source)
    results = partner_events_apply(events=events, received_via="api", source=source)
    return FeedOutcome(http_status=batch_http_status(results), body=batch_summary(results))


def partner_request_refuse(*, refusal: FeedRefused, body: bytes, source: str) -> FeedOutcome:
    """Record a refused request in the rejected list and say why, machine-readably."""
    _record(
        reason=refusal.reason,
        detail=refusal.message,
        payload=body.decode("utf-8", "replace"),
        received_via="api",
        source=source,
    )
    return FeedOutcome(
        http_status=refusal.http_status,
        body={
            "status": REJECTED,
            "reason": refusal.reason,
            "detail": refusal.message,
            "results": [],
        },
    )


def batch_http_status(results: list[EventResult]) -> int:
    """200 when nothing was rejected, 207 when some were, 422 when all were."""
    rejected = sum(result.result == REJECTED for result in results)
    if not rejected:
        return 200
    return 422 if rejected == len(results) else 207


def batch_summary(results: list[EventResult]) -> dict:
    counts = {
        kind: sum(r.result == kind for r in results) for kind in (APPLIED, DUPLICATE, REJECTED)
    }
    status = (
        "ok"
        if not counts[REJECTED]
        else ("rejected" if counts[REJECTED] == len(results) else "partial")
    )
    return {
        "status": status,
        "applied": counts[APPLIED],
        "duplicates": counts[DUPLICATE],
        "rejected": counts[REJECTED],
        "results": [result.as_json() for result in results],
    }


# -- applying events -------------------------------------------------------------------------


def partner_events_apply(*, events: list, received_via: str, source: str = "") -> list[EventResult]:
    """Apply each event in its own transaction; one result per event, in the same order."""
    return [
        partner_event_apply(event=event, received_via=received_via, source=source)
        for event in events
    ]


def partner_event_apply(*, event: object, received_via: str, source: str = "") -> EventResult:
    """Apply one decoded event, or record why not; never raises for bad input."""
    event_id = _event_id_of(event)
    try:
        report = feed.parse_event(event, now=timezone.now())
        return _apply(report, received_via=received_via)
    except FeedRefused as refusal:
        _record_event(event, refusal=refusal, received_via=received_via, source=source)
        return EventResult(event_id, REJECTED, refusal.reason, refusal.message)
    except (DatabaseError, ConcurrentTransition):
        logger.exception("Partner event %r could not be applied", event_id)
        refusal = FeedRefused(RejectionReason.RETRY_LATER, "A temporary failure; send it again.")
        try:
            _record_event(event, refusal=refusal, received_via=received_via, source=source)
        except DatabaseError:
            logger.exception("Could not record the refusal of partner event %r", event_id)
        return EventResult(event_id, REJECTED, refusal.reason, refusal.message)


def partner_line_refuse(*, raw_line: str, refusal: FeedRefused, source: str) -> EventResult:
    """Record a line of a feed file that is not even an event (e.g. not JSON)."""
    _record(
        reason=refusal.reason,
        detail=refusal.message,
        payload=raw_line,
        received_via="file",
        source=source,
    )
    return EventResult(None, REJECTED, refusal.reason, refusal.message)


def _apply(report: feed.PartnerReport, *, received_via: str) -> EventResult:
    known = _known_fingerprint(report.event_id)
    if known is not None:
        return _duplicate(report, known)
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update().filter(number=report.purchase_number).first()
        )
        if purchase is None:
            raise FeedRefused(
                RejectionReason.UNKNOWN_PURCHASE, f"There is no purchase {report.purchase_number}."
            )
        # Asked again under the lock: a concurrent request with this id may have committed.
        known = _known_fingerprint(report.event_id)
        if known is not None:
            return _duplicate(report, known)
        items = list(purchase.items.select_for_update().order_by("line_number"))
        item = _item_named(report, items, purchase)
        _check_applicable(report, item, purchase)
        try:
            with transaction.atomic():
                PartnerEvent.objects.create(
                    event_id=report.event_id,
                    fingerprint=report.fingerprint,
                    purchase=purchase,
                    item=item,
                    kind=report.kind,
                    quantity=report.quantity,
                    reason=report.reason,
                    occurred_at=report.occurred_at,
                    received_via=received_via,
                )
        except IntegrityError:
            # The same event id was applied by a concurrent request that committed first.
            return _duplicate(report, _known_fingerprint(report.event_id))
        _move(report, item=item, items=items, purchase=purchase)
    return EventResult(report.event_id, APPLIED)


def _known_fingerprint(event_id: str) -> str | None:
    return (
        PartnerEvent.objects.filter(event_id=event_id).values_list("fingerprint", flat=True).first()
    )


def _duplicate(report: feed.PartnerReport, known: str | None) -> EventResult:
    if known is not None and known != report.fingerprint:
        raise FeedRefused(
            RejectionReason.EVENT_ID_REUSED,
            f"Event {report.event_id} was already applied with different content; "
            "a new report needs a new event_id.",
        )
    return EventResult(report.event_id, DUPLICATE)


def _item_named(report: feed.PartnerReport, items: list[Item], purchase: Purchase) -> Item:
    matches = items
    if report.line is not None:
        matches = [item for item in matches if item.line_number == report.line]
    if report.sku is not None:
        matches = [item for item in matches if item.sku == report.sku]
    named = " ".join(
        part for part in (f"line {report.line}" if report.line else "", report.sku or "") if part
    )
    if not matches:
        raise FeedRefused(
            RejectionReason.UNKNOWN_ITEM, f"{purchase} has no item {named}.", purchase=purchase
        )
    if len(matches) > 1:
        raise FeedRefused(
            RejectionReason.AMBIGUOUS_ITEM,
            f"{purchase} has {len(matches)} lines with SKU {report.sku}; name the line too.",
            purchase=purchase,
        )
    return matches[0]


def _check_applicable(report: feed.PartnerReport, item: Item, purchase: Purchase) -> None:
    if not purchase.is_placed():
        raise FeedRefused(
            RejectionReason.NOT_PLACED,
            f"{purchase} is {purchase.get_status_display()}: nothing of it may be shipped or "
            "reported until it is confirmed.",
            purchase=purchase,
        )
    if item.is_own():
        raise FeedRefused(
            RejectionReason.OWN_ITEM,
            f"{purchase} line {item.line_number} ({item.sku}) is the store's own product, "
            "not Infibeam's.",
            purchase=purchase,
        )
    if item.last_reported_at is not None and report.occurred_at < item.last_reported_at:
        raise FeedRefused(
            RejectionReason.OUT_OF_ORDER,
            f"{purchase} line {item.line_number} already has a report from "
            f"{timezone.localtime(item.last_reported_at).isoformat()}; this event is older "
            "and was not applied.",
            purchase=purchase,
        )
    settled = item.handed_over_quantity + item.cancelled_quantity + item.assigned_quantity
    if settled + report.quantity > item.quantity:
        raise FeedRefused(
            RejectionReason.EXCESS_QUANTITY,
            f"{purchase} line {item.line_number}: {item.quantity} bought, {settled} already "
            f"handed over or cancelled; {report.quantity} more is too many.",
            purchase=purchase,
        )


def _move(report: feed.PartnerReport, *, item: Item, items: list[Item], purchase: Purchase) -> None:
    """Count the units, then let the item, the partner part and the purchase follow."""
    shipments = list(purchase.shipments.all())
    step = Step(purchase, items, shipments, None, timezone.now(), DatabaseJournal(), INFIBEAM)
    rules.apply_report(
        step,
        item=item,
        kind=report.kind,
        quantity=report.quantity,
        event_id=report.event_id,
        reason=report.reason,
        occurred_at=report.occurred_at,
    )


# -- the rejected list -----------------------------------------------------------------------


def _event_id_of(event: object) -> str | None:
    if isinstance(event, dict) and isinstance(event.get("event_id"), str):
        return event["event_id"]
    return None


def _record_event(event: object, *, refusal: FeedRefused, received_via: str, source: str) -> None:
    number = event.get("purchase") if isinstance(event, dict) else None
    _record(
        reason=refusal.reason,
        detail=refusal.message,
        payload=json.dumps(event, ensure_ascii=False, indent=1),
        received_via=received_via,
        source=source,
        event_id=_event_id_of(event) or "",
        purchase_number=number if isinstance(number, str) else "",
        purchase=refusal.purchase,
    )


def _record(
    *,
    reason: str,
    detail: str,
    payload: str,
    received_via: str,
    source: str,
    event_id: str = "",
    purchase_number: str = "",
    purchase: Purchase | None = None,
) -> RejectedPartnerEvent:
    if purchase is None and purchase_number:
        purchase = Purchase.objects.filter(number=_safe(purchase_number, 100)).first()
    return RejectedPartnerEvent.objects.create(
        reason=reason,
        detail=_safe(detail, 2000),
        payload=_safe(payload, PAYLOAD_LIMIT),
        received_via=received_via,
        source=_safe(source, 300),
        event_id=_safe(event_id, 100),
        purchase_number=_safe(purchase_number, 100),
        purchase=purchase,
    )


def _safe(text: str, limit: int) -> str:
    """Text any database stores: no NUL, no lone surrogates, cut to `limit` characters."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return text[:limit]


# -- configuration ---------------------------------------------------------------------------


@transaction.atomic
def partner_feed_rotate_secret(*, user: AbstractBaseUser) -> PartnerFeedSettings:
    """Replace the shared secret; requests signed with the old one are refused from now on."""
    if not user.has_perm(CONFIGURE):
        raise RoleNotAllowed("Your role may not change the partner feed's secret.")
    PartnerFeedSettings.objects.current()
    feed_settings = PartnerFeedSettings.objects.select_for_update().get(pk=1)
    feed_settings.secret = new_secret()
    feed_settings.rotated_at = timezone.now()
    feed_settings.rotated_by = user
    feed_settings.save()
    return feed_settings
