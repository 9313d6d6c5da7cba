"""Payment events from a channel's gateway move its purchases: started → Frozen, captured →
Confirmed and paid, failed or expired → Cancelled with its stock released.

Each event is applied once (its id is unique per channel). A state only moves forward: an event
that comes after a later one (a late "started", a "failed" after the capture) is kept and does
nothing. An event about an order not received yet waits, and is applied when the order arrives
(intake calls `apply_waiting_payments`). Cash-on-delivery purchases take no payment events.
"""

import hashlib
import json

from django.db import IntegrityError, transaction

from purchases import rules
from purchases.models import Purchase, PurchaseStatus
from purchases.notifications import send_confirmation_email
from purchases.services import locked_step
from purchases.step import Step

from .answers import purchase_out
from .models import PaymentEvent, PaymentEventKind, ReceivedVia, SalesChannel
from .refusals import Answer, OrderRefused, refusal_record
from .schemas import PaymentEventIn

NOT_PAID_YET = (PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN)


def fingerprint_of(event: PaymentEventIn) -> str:
    """The same event sent again has the same fingerprint; another one under its id does not."""
    text = json.dumps(event.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def payment_event_receive(
    *, channel: SalesChannel, reference: str, event: PaymentEventIn, payload: str = ""
) -> Answer:
    """Apply one payment event to the purchase of `reference`, keep it until that purchase
    arrives, or say why not (recorded)."""
    try:
        with transaction.atomic():
            known = _known(channel, event)
            if known is not None:
                return Answer(200, {"result": "duplicate", "outcome": known.outcome})
            return _receive(channel, reference, event)
    except OrderRefused as refusal:
        return refusal_record(
            channel=channel,
            via=ReceivedVia.API,
            refusal=refusal,
            reference=reference,
            payload=payload,
        )
    except IntegrityError:  # the same event id, applied by a request that committed meanwhile
        known = _known(channel, event)
        if known is None:
            raise
        return Answer(200, {"result": "duplicate", "outcome": known.outcome})


def _known(channel: SalesChannel, event: PaymentEventIn) -> PaymentEvent | None:
    known = PaymentEvent.objects.filter(channel=channel, event_id=event.event_id).first()
    if known is not None and known.fingerprint != fingerprint_of(event):
        raise OrderRefused(
            "event_id_reused",
            f"Event {event.event_id} was received before with other content; a new event needs "
            "a new event_id.",
            http_status=409,
        )
    return known


def _receive(channel: SalesChannel, reference: str, event: PaymentEventIn) -> Answer:
    purchase = (
        Purchase.objects.select_for_update()
        .filter(channel=channel, external_reference=reference)
        .first()
    )
    record = PaymentEvent(
        channel=channel,
        event_id=event.event_id,
        external_reference=reference,
        kind=event.kind,
        amount=event.amount,
        fingerprint=fingerprint_of(event),
        occurred_at=event.occurred_at,
    )
    if purchase is None:
        record.save()
        return Answer(202, {"result": "waiting", "outcome": "Kept until the order arrives."})
    step = locked_step(purchase, None, actor_label=channel.name)
    record.purchase = purchase
    record.outcome = apply_payment(step, record)
    record.applied_at = step.at
    record.save()
    body = {"result": "applied", "outcome": record.outcome, "purchase": purchase_out(purchase)}
    return Answer(200, body)


def apply_waiting_payments(step: Step) -> None:
    """Apply, oldest first, the events that came before their order (which `step` just placed);
    one that cannot apply is kept with why."""
    purchase = step.purchase
    waiting = PaymentEvent.objects.select_for_update().filter(
        channel=purchase.channel, external_reference=purchase.external_reference, purchase=None
    )
    for record in waiting.order_by("occurred_at", "id"):
        record.purchase = purchase
        try:
            record.outcome = apply_payment(step, record)
        except OrderRefused as refusal:
            record.outcome = f"Refused: {refusal.message}"[:200]
        record.applied_at = step.at
        record.save()


def apply_payment(step: Step, event: PaymentEvent) -> str:
    """What one event does to the purchase, said in a sentence; OrderRefused when it must not."""
    purchase = step.purchase
    if purchase.is_cash_on_delivery():
        raise OrderRefused(
            "cash_on_delivery", f"{purchase} is cash on delivery: it takes no payment.", (), 409
        )
    if event.amount != purchase.grand_total:
        raise OrderRefused(
            "amount_mismatch",
            f"The event is for {event.amount}; {purchase} comes to {purchase.grand_total}.",
            [{"field": "amount", "code": "amount_mismatch", "message": "Not the order's amount."}],
        )
    if event.kind == PaymentEventKind.STARTED:
        if purchase.status != PurchaseStatus.IN_CHECKOUT:
            return f"No change: {purchase} is past the start of payment."
        rules.start_payment(step)
        return "Payment started."
    if event.kind == PaymentEventKind.CAPTURED:
        if purchase.status == PurchaseStatus.CANCELLED:
            raise OrderRefused(
                "purchase_cancelled",
                f"{purchase} was cancelled (its payment failed or expired): refund this capture.",
                (),
                409,
            )
        if purchase.paid_at is not None or purchase.status not in NOT_PAID_YET:
            return f"No change: {purchase} is already paid."
        rules.pay(step, paid_at=event.occurred_at)
        transaction.on_commit(lambda: send_confirmation_email.enqueue(purchase_id=purchase.pk))
        return "Paid: the purchase is confirmed."
    if purchase.status not in NOT_PAID_YET:
        return f"No change: {purchase} is {purchase.get_status_display()}."
    reason = f"{event.get_kind_display()} (event {event.event_id})"
    rules.abandon(step, reason=reason)
    return "Cancelled: the payment did not go through; its stock is released."
