"""Many staff pressing the same buttons at the same instant, on PostgreSQL.

Each test releases THREADS threads at once (a barrier), each with its own database connection,
against services that promise one effect per real change. Afterwards the invariants of
harness.invariant_violations() must hold, no backend may be left waiting on a lock, and every
thread that did not win must have been told why (an ActionRefused, never a raw database error).
"""

import pytest
from django.core import mail

from catalog import services as stock_services
from core.exceptions import InvalidInput, TransitionNotAllowed
from core.journal import DatabaseJournal
from purchases import services as purchase_services
from purchases.models import AuditEntry, Invoice, Purchase, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import Shipment, ShipmentStatus
from tests import factories

from .figures import record
from .harness import (
    THREADS,
    assert_every_refusal_has_a_reason,
    hammer,
    invariant_violations,
    postgres_only,
    raw_errors,
    waiting_backends,
)

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(db):
    factories.StoreProfileFactory()
    return factories.owner(), factories.staff()


def shipped_purchase(user, agent, awb: str, *, items: int = 1) -> tuple[Purchase, list[Shipment]]:
    """An invoiced purchase, one shipment per item, each with AWB and slip: ready to hand over."""
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=items)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=user)
    shipments = []
    for n, item in enumerate(purchase.items.order_by("line_number")):
        shipment = shipment_services.shipment_create(
            purchase_id=purchase.pk,
            user=user,
            agent_id=agent.pk,
            quantities={item.pk: item.quantity},
        )
        shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=user, awb=f"{awb}{n}")
        shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=user)
        shipments.append(shipment)
    return purchase, shipments


def check_aftermath(surface: str, outcomes, *, broke: int = 0) -> None:
    """Record the figure, then assert the promises every concurrent test shares."""
    leaks = raw_errors(outcomes)
    problems = invariant_violations()
    waiting = waiting_backends()
    record(
        surface,
        attempts=len(outcomes),
        broke=broke + len(leaks) + (1 if problems or waiting else 0),
    )
    assert not waiting, f"backends left waiting on locks: {waiting}"
    assert not problems, "invariants broken:\n" + "\n".join(problems)
    assert_every_refusal_has_a_reason(outcomes)


def test_same_purchase_invoiced_once(people):
    owner, staff = people
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)

    outcomes = hammer(
        lambda i: purchase_services.purchase_issue_invoice(
            purchase_id=purchase.pk, user=owner if i % 2 else staff
        )
    )

    winners = [o for o in outcomes if o.succeeded]
    invoices = Invoice.objects.filter(purchase=purchase)
    broke = abs(len(winners) - 1) + abs(invoices.count() - 1)
    check_aftermath("issue invoice, same purchase", outcomes, broke=broke)
    assert len(winners) == 1 and invoices.count() == 1
    assert invoices.get().sequence == 1
    assert all(isinstance(o.refusal, TransitionNotAllowed) for o in outcomes if not o.succeeded)
    assert "while Invoiced" in next(o for o in outcomes if o.refusal).refusal.message
    assert AuditEntry.objects.filter(purchase=purchase, action="Invoice issued").count() == 1
    assert (
        AuditEntry.objects.filter(purchase=purchase, to_state=PurchaseStatus.INVOICED).count() == 1
    )


def test_different_purchases_get_consecutive_numbers_even_when_some_roll_back(people, monkeypatch):
    owner, _ = people
    purchases = [
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(THREADS)
    ]
    # A quarter of the threads crash after taking their number, before committing: the number
    # must go back to the series, or the year's invoices would have a gap.
    doomed = {p.pk for p in purchases[::4]}
    real_audit = DatabaseJournal.audit

    def audit_or_crash(journal, entry):
        real_audit(journal, entry)
        if entry.action == "Invoice issued" and entry.purchase_id in doomed:
            raise RuntimeError("simulated crash after the number was taken")

    monkeypatch.setattr(DatabaseJournal, "audit", audit_or_crash)

    outcomes = hammer(
        lambda i: purchase_services.purchase_issue_invoice(purchase_id=purchases[i].pk, user=owner)
    )

    crashed = [o for o in outcomes if o.error is not None]
    assert {purchases[o.thread].pk for o in crashed} == doomed
    assert all("simulated crash" in str(o.error) for o in crashed)
    survivors = [o for o in outcomes if o.error is None]
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    broke = len([o for o in survivors if not o.succeeded]) + (
        sequences != list(range(1, len(survivors) + 1))
    )
    check_aftermath("issue invoice, different purchases (¼ roll back)", survivors, broke=broke)
    assert sequences == list(range(1, THREADS - len(doomed) + 1))
    assert not Invoice.objects.filter(purchase__in=doomed).exists()
    assert set(Purchase.objects.filter(pk__in=doomed).values_list("status", flat=True)) == {
        PurchaseStatus.FRAUD_APPROVED
    }


def test_same_shipment_handed_over_once_with_one_email(people, agent):
    owner, staff = people
    purchase, [shipment] = shipped_purchase(staff, agent, "5000000000")
    audit_before = AuditEntry.objects.count()
    mail.outbox.clear()

    outcomes = hammer(
        lambda i: shipment_services.shipment_hand_over(
            shipment_id=shipment.pk, user=owner if i % 2 else staff
        )
    )

    winners = [o for o in outcomes if o.succeeded]
    handovers = AuditEntry.objects.filter(
        subject="shipment", subject_id=shipment.pk, action="Hand over"
    )
    broke = abs(len(winners) - 1) + abs(handovers.count() - 1) + abs(len(mail.outbox) - 1)
    check_aftermath("hand over, same shipment", outcomes, broke=broke)
    assert len(winners) == 1
    assert handovers.count() == 1
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    shipment.refresh_from_db()
    purchase.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE
    assert purchase.status == PurchaseStatus.COMPLETE
    # the shipment, its item and the purchase each moved once
    assert AuditEntry.objects.count() - audit_before == 3
    assert all(isinstance(o.refusal, TransitionNotAllowed) for o in outcomes if not o.succeeded)


def test_shipments_of_one_purchase_handed_over_at_once(people, agent):
    _, staff = people
    purchase, shipments = shipped_purchase(staff, agent, "6000000000", items=3)
    mail.outbox.clear()

    # every shipment gets THREADS / 3 threads; all of them lock the same purchase
    outcomes = hammer(
        lambda i: shipment_services.shipment_hand_over(shipment_id=shipments[i % 3].pk, user=staff)
    )

    winners = [o for o in outcomes if o.succeeded]
    purchase.refresh_from_db()
    broke = abs(len(winners) - 3) + abs(len(mail.outbox) - 3)
    check_aftermath("hand over, 3 shipments of one purchase", outcomes, broke=broke)
    assert sorted(o.result.pk for o in winners) == sorted(s.pk for s in shipments)
    assert len(mail.outbox) == 3
    assert purchase.status == PurchaseStatus.COMPLETE
    assert (
        AuditEntry.objects.filter(
            subject="purchase", subject_id=purchase.pk, to_state=PurchaseStatus.COMPLETE
        ).count()
        == 1
    )


def test_same_awb_on_two_shipments_of_one_agent_recorded_once(people, agent):
    _, staff = people
    first, second = (
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(2)
    )
    shipments = []
    for purchase in (first, second):
        purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
        shipments.append(
            shipment_services.shipment_create(
                purchase_id=purchase.pk, user=staff, agent_id=agent.pk
            )
        )
    awb = "77777777777"

    outcomes = hammer(
        lambda i: shipment_services.shipment_record_awb(
            shipment_id=shipments[i % 2].pk, user=staff, awb=awb
        )
    )

    holders = list(Shipment.objects.filter(awb=awb))
    recorded = AuditEntry.objects.filter(action=f"AWB recorded: {awb}")
    broke = abs(len(holders) - 1) + abs(recorded.count() - 1)
    check_aftermath("record the same AWB on two shipments", outcomes, broke=broke)
    assert len(holders) == 1 and recorded.count() == 1
    loser = next(s for s in shipments if s.pk != holders[0].pk)
    loser_outcomes = [o for o in outcomes if shipments[o.thread % 2].pk == loser.pk]
    assert all(isinstance(o.refusal, InvalidInput) for o in loser_outcomes)
    assert all("already recorded" in o.refusal.message for o in loser_outcomes)
    # the winner's other threads found the AWB already there: no second change, no second entry
    assert all(o.succeeded for o in outcomes if o not in loser_outcomes)


def test_fraud_approved_once_even_against_a_denial(people):
    owner, staff = people
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)

    def approve_or_deny(i):
        if i % 3 == 0:
            return purchase_services.purchase_deny_fraud(
                purchase_id=purchase.pk, user=owner, reason="Address does not exist"
            )
        return purchase_services.purchase_approve_fraud(purchase_id=purchase.pk, user=staff)

    outcomes = hammer(approve_or_deny)

    winners = [o for o in outcomes if o.succeeded]
    reviews = AuditEntry.objects.filter(purchase=purchase, from_state=PurchaseStatus.CONFIRMED)
    broke = abs(len(winners) - 1) + abs(reviews.count() - 1)
    check_aftermath("approve / deny fraud, same purchase", outcomes, broke=broke)
    assert len(winners) == 1 and reviews.count() == 1
    purchase.refresh_from_db()
    assert purchase.status == reviews.get().to_state
    assert all(isinstance(o.refusal, TransitionNotAllowed) for o in outcomes if not o.succeeded)


def test_cancel_racing_hand_over_leaves_one_consistent_outcome(people, agent):
    owner, staff = people
    purchase, [shipment] = shipped_purchase(staff, agent, "8000000000")
    mail.outbox.clear()

    def cancel_or_hand_over(i):
        if i % 2:
            return purchase_services.purchase_cancel(
                purchase_id=purchase.pk, user=owner, reason="Customer called to cancel"
            )
        return shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)

    outcomes = hammer(cancel_or_hand_over)

    purchase.refresh_from_db()
    shipment.refresh_from_db()
    winners = [o for o in outcomes if o.succeeded]
    consistent = (purchase.status, shipment.status) in (
        (PurchaseStatus.COMPLETE, ShipmentStatus.COMPLETE),
        (PurchaseStatus.CANCELLED, ShipmentStatus.CANCELLED),
    )
    broke = abs(len(winners) - 1) + (not consistent)
    check_aftermath("cancel racing hand over", outcomes, broke=broke)
    assert len(winners) == 1, [o.result for o in winners]
    assert consistent, (purchase.status, shipment.status)
    assert len(mail.outbox) == (1 if shipment.status == ShipmentStatus.COMPLETE else 0)
    credit_notes = purchase.invoices.get().credit_notes.count()
    assert credit_notes == (1 if purchase.status == PurchaseStatus.CANCELLED else 0)


def test_invoice_racing_cancel_never_leaves_an_invoice_without_a_credit_note(people):
    owner, staff = people
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)

    def invoice_or_cancel(i):
        if i % 2:
            return purchase_services.purchase_cancel(
                purchase_id=purchase.pk, user=owner, reason="Out of stock"
            )
        return purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)

    outcomes = hammer(invoice_or_cancel)

    purchase.refresh_from_db()
    invoice = purchase.invoices.first()
    settled = purchase.status == PurchaseStatus.CANCELLED and (
        invoice is None or invoice.credit_notes.count() == 1
    )
    broke = (not settled) + (purchase.invoices.count() > 1)
    check_aftermath("issue invoice racing cancel", outcomes, broke=broke)
    # cancel always wins in the end (it also runs after the invoice), and an invoice issued
    # before it is cancelled by exactly one credit note
    assert settled, (purchase.status, invoice)


def test_one_user_handing_over_many_parcels_to_one_courier_fills_one_batch(people, agent):
    from shipments.handover import shipment_hand_over_in_batch
    from shipments.models import HandoverBatch

    _, staff = people
    shipments = [
        shipped_purchase(staff, agent, f"9{n:03d}000000")[1][0] for n in range(THREADS // 2)
    ]
    mail.outbox.clear()

    # two threads per parcel: the double scan must be refused, and all parcels go in one batch
    outcomes = hammer(
        lambda i: shipment_hand_over_in_batch(shipment_id=shipments[i // 2].pk, user=staff)
    )

    batches = HandoverBatch.objects.filter(agent=agent, opened_by=staff)
    winners = [o for o in outcomes if o.succeeded]
    broke = abs(batches.count() - 1) + abs(len(winners) - len(shipments))
    check_aftermath("hand over in batch: one user, one courier", outcomes, broke=broke)
    assert batches.count() == 1
    assert len(winners) == len(shipments) and len(mail.outbox) == len(shipments)
    assert set(batches.get().shipments.values_list("pk", flat=True)) == {s.pk for s in shipments}


def partner_purchase():
    """A purchase with one Infibeam line of 5 units, awaiting the partner."""
    return factories.purchase_with_items(
        status=PurchaseStatus.CONFIRMED, own=0, partner=1, quantity=5
    )


def partner_event(purchase, event_id: str, quantity: int = 1, minute: int = 0) -> dict:
    return {
        "event_id": event_id,
        "purchase": purchase.number,
        "line": 1,
        "kind": "handed_over",
        "quantity": quantity,
        "occurred_at": f"2026-01-05T10:{minute:02d}:00+05:30",
    }


def test_same_partner_event_from_many_threads_is_applied_once(people):
    services = pytest.importorskip("partners.services")
    from partners.models import PartnerEvent

    purchase = partner_purchase()
    event = partner_event(purchase, "IB-EVT-1", quantity=2)

    outcomes = hammer(lambda i: services.partner_event_apply(event=dict(event), received_via="api"))

    verdicts = [o.result.result for o in outcomes if o.succeeded]
    item = purchase.items.get()
    applied = PartnerEvent.objects.filter(event_id="IB-EVT-1").count()
    broke = (
        abs(verdicts.count("applied") - 1) + abs(applied - 1) + abs(item.handed_over_quantity - 2)
    )
    check_aftermath("partner event, same id from every thread", outcomes, broke=broke)
    assert verdicts.count("applied") == 1
    assert verdicts.count("duplicate") == THREADS - 1
    assert applied == 1 and item.handed_over_quantity == 2
    assert (
        AuditEntry.objects.filter(purchase=purchase, subject="item", actor_name="Infibeam")
        .filter(action__startswith="Handed over")
        .count()
        == 1
    )


def test_distinct_partner_events_never_count_more_than_was_bought(people):
    services = pytest.importorskip("partners.services")

    purchase = partner_purchase()  # 5 units; every thread reports 1 more at the same instant

    outcomes = hammer(
        lambda i: services.partner_event_apply(
            event=partner_event(purchase, f"IB-EVT-{i}"), received_via="api"
        )
    )

    verdicts = [o.result for o in outcomes if o.succeeded]
    applied = [v for v in verdicts if v.result == "applied"]
    item = purchase.items.get()
    purchase.refresh_from_db()
    broke = abs(len(applied) - 5) + (item.handed_over_quantity != 5)
    check_aftermath("partner events, 24 distinct for 5 units", outcomes, broke=broke)
    assert len(applied) == 5 and item.handed_over_quantity == 5
    assert all(v.reason == "excess_quantity" for v in verdicts if v.result != "applied")
    assert purchase.status == PurchaseStatus.COMPLETE


def test_stock_received_and_counted_at_once_loses_no_unit(people):
    owner, staff = people
    product = factories.ProductFactory(on_hand=10)

    def change(i: int):
        if i == THREADS - 1:  # one count among the receipts: it sets on hand, whenever it runs
            return stock_services.stock_count(
                product_id=product.pk, user=owner, on_hand=100, reason="stock take"
            )
        return stock_services.stock_receive(
            product_id=product.pk, user=staff, quantity=1, reason=f"parcel {i}"
        )

    outcomes = hammer(change)
    product.refresh_from_db()
    movements = list(product.stock_movements.order_by("id"))
    # Replayed in the order they committed, the movements tell on hand step by step.
    replayed = 10
    for movement in movements:
        replayed += movement.quantity
        assert movement.on_hand_after == replayed
    counted_at = next(n for n, m in enumerate(movements) if m.kind == "counted")
    broke = int(product.on_hand != replayed) + int(len(movements) != THREADS)
    check_aftermath("stock: 23 receipts and a count at once", outcomes, broke=broke)
    assert len(movements) == THREADS and all(o.succeeded for o in outcomes)
    assert product.on_hand == 100 + (THREADS - 1 - counted_at)
