"""What a courier's scan and the store's answer to a failed delivery do to a handed-over shipment:
the rules, in memory (as `purchases/rules.py`: they take a `Step`, change objects, and tell its
journal; the services lock and load, the demo builder calls the same rules).

A delivery status only moves forward (FORWARD): a scan older than the one the status came from is
kept as history and moves nothing, so a late "in transit" never undoes "delivered". The purchase's
own state does not change: Complete stays Complete.
"""

from django.utils import timezone

from core.exceptions import TransitionNotAllowed
from purchases.audit import audit_entry
from purchases.step import Step
from shipments.models import DeliveryStatus, Shipment

from .models import DeliveryInstruction, NdrAnswer, TrackingScan

S = DeliveryStatus
# From each delivery status, the ones a newer scan may move it to. Undelivered may go out for
# delivery again (a reattempt) or fail again (another attempt); the ends move no more.
AFTER_DELIVERY_ATTEMPT = {S.DELIVERED, S.UNDELIVERED, S.RTO_IN_TRANSIT, S.RTO_DELIVERED, S.LOST}
FORWARD: dict[str, set[str]] = {
    S.IN_TRANSIT: {S.OUT_FOR_DELIVERY, *AFTER_DELIVERY_ATTEMPT},
    S.OUT_FOR_DELIVERY: AFTER_DELIVERY_ATTEMPT,
    S.UNDELIVERED: {S.OUT_FOR_DELIVERY, *AFTER_DELIVERY_ATTEMPT},
    S.RTO_IN_TRANSIT: {S.RTO_DELIVERED, S.LOST},
    S.DELIVERED: set(),
    S.RTO_DELIVERED: set(),
    S.LOST: set(),
}


def apply_scan(step: Step, *, shipment: Shipment, scan: TrackingScan) -> None:
    """Record `scan` (unsaved, of `shipment`, handed over) and move the delivery status when it
    is newer than the status and a step forward; `scan.moved` and `scan.outcome` say what it
    did. A failed delivery (Undelivered) counts an attempt and waits for the store's answer."""
    scan.shipment = shipment
    current = shipment.delivery_status
    if shipment.delivery_scanned_at and scan.scanned_at < shipment.delivery_scanned_at:
        scan.outcome = "Older than the scan the status came from: kept, changes nothing."
    elif scan.status == current and not _another_attempt(shipment, scan):
        scan.outcome = f"Still {scan.get_status_display()}."
    elif scan.status not in FORWARD[current] and scan.status != current:
        scan.outcome = (
            f"Already {shipment.get_delivery_status_display()}: "
            f"a parcel does not go back to {scan.get_status_display()}."
        )
    else:
        _move(step, shipment, scan)
        scan.moved = True
        scan.outcome = f"Now {scan.get_status_display()}."
    step.add(scan)


def _another_attempt(shipment: Shipment, scan: TrackingScan) -> bool:
    """A newer failed delivery on one that failed: another attempt, unless the courier numbers
    it as one already counted."""
    if scan.status != S.UNDELIVERED:
        return False
    return not scan.attempt or scan.attempt > shipment.failed_attempts


def _move(step: Step, shipment: Shipment, scan: TrackingScan) -> None:
    before = shipment.delivery_status
    shipment.delivery_status = scan.status
    shipment.delivery_scanned_at = scan.scanned_at
    shipment.awaits_ndr_answer = scan.status == S.UNDELIVERED
    if scan.status == S.UNDELIVERED:
        shipment.failed_attempts = max(shipment.failed_attempts + 1, scan.attempt or 0)
        shipment.ndr_reason = scan.reason or "No reason given"
        shipment.ndr_at = scan.scanned_at
    if scan.status == S.DELIVERED:
        shipment.delivered_at = scan.scanned_at
    step.update(shipment)
    words = scan.get_status_display()
    if scan.status == S.UNDELIVERED:
        words = f"Delivery attempt {shipment.failed_attempts} failed"
    step.journal.audit(
        audit_entry(
            purchase=step.purchase,
            subject=shipment,
            action=scan_words(words, scan),
            user=None,
            at=scan.scanned_at,
            state_field="delivery_status",
            from_state=before,
            to_state=scan.status,
            reason=scan.reason if scan.status == S.UNDELIVERED else "",
            actor_label=step.actor_label,
        )
    )


def scan_words(words: str, scan: TrackingScan) -> str:
    """'Out for Delivery · Indiranagar, scanned 02 Dec 2026, 09:10' (the store may learn of a
    scan hours after it was made)."""
    where = f" · {scan.location}" if scan.location else ""
    return f"{words}{where}, scanned {timezone.localtime(scan.scanned_at):%d %b %Y, %H:%M}"


def answer_failed_delivery(
    step: Step, *, shipment: Shipment, instruction: DeliveryInstruction
) -> None:
    """The store's answer to the courier's last failed attempt: try again (with what changed), or
    bring it back. The status moves on the courier's next scan, not on the answer."""
    if not shipment.awaits_ndr_answer:
        raise TransitionNotAllowed(
            f"{shipment}: no failed delivery is waiting for an answer "
            f"(it is {shipment.get_delivery_status_display() or 'not handed over'})."
        )
    shipment.awaits_ndr_answer = False
    step.update(shipment)
    instruction.shipment = shipment
    instruction.failed_attempts = shipment.failed_attempts
    instruction.ndr_reason = shipment.ndr_reason
    instruction.given_by = step.user
    instruction.given_at = step.at
    step.add(instruction)
    step.note(shipment, instruction_words(instruction), reason=instruction.note)


def instruction_words(instruction: DeliveryInstruction) -> str:
    """'Reattempt asked: new mobile 98450 12345, deliver on 04 Dec 2026' and the like."""
    if instruction.answer == NdrAnswer.RETURN_TO_ORIGIN:
        return "Return to origin asked"
    changes = []
    if instruction.new_mobile:
        changes.append(f"new mobile {instruction.new_mobile}")
    if instruction.new_address_line:
        changes.append(f"address line “{instruction.new_address_line}”")
    if instruction.deliver_on:
        changes.append(f"deliver on {instruction.deliver_on:%d %b %Y}")
    return "Reattempt asked" + (": " + ", ".join(changes) if changes else "")
