"""partner_events_apply on its own: concurrency, races, failures, rotation of the secret."""

import threading

import pytest
from django.db import OperationalError, connection, connections

from core.exceptions import RoleNotAllowed
from partners import services
from partners.models import PartnerEvent, PartnerFeedSettings, RejectedPartnerEvent
from purchases.models import Item, ItemStatus, PartnerStatus, Purchase, PurchaseStatus
from tests import factories
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db


def apply(*events, via="api"):
    return [
        (r.result, r.reason)
        for r in services.partner_events_apply(events=list(events), received_via=via)
    ]


def test_event_ids_are_remembered_with_what_they_said(partner_purchase):
    assert apply(event(partner_purchase, 1, event_id="e-1")) == [("applied", None)]
    recorded = PartnerEvent.objects.get()
    assert (recorded.event_id, recorded.item.line_number, recorded.kind, recorded.quantity) == (
        "e-1",
        1,
        "handed_over",
        1,
    )
    assert recorded.received_via == "api"


def test_same_event_twice_in_one_batch_is_applied_once(partner_purchase):
    same = event(partner_purchase, 1, event_id="e-1")
    assert apply(same, same) == [("applied", None), ("duplicate", None)]
    assert Item.objects.get(purchase=partner_purchase, line_number=1).handed_over_quantity == 1


def test_event_at_the_same_time_as_the_last_one_is_applied(partner_purchase):
    at = "2026-01-01T10:00:00+05:30"
    assert apply(
        event(partner_purchase, 1, event_id="t-1", at=at),
        event(partner_purchase, 1, "cancelled", 1, event_id="t-2", at="2026-01-01T04:30:00Z"),
    ) == [("applied", None), ("applied", None)]


def test_out_of_order_is_per_item(partner_purchase):
    assert apply(
        event(partner_purchase, 1, event_id="o-1", at="2026-01-02T00:00:00Z"),
        event(partner_purchase, 2, event_id="o-2", at="2026-01-01T00:00:00Z"),
        event(partner_purchase, 1, event_id="o-3", at="2026-01-01T00:00:00Z"),
    ) == [("applied", None), ("applied", None), ("rejected", "out_of_order")]


def test_lost_race_on_the_event_id_is_a_duplicate(partner_purchase, monkeypatch):
    """Two requests with one event id: the loser hits the unique constraint and says duplicate."""
    same = event(partner_purchase, 1, event_id="race-1")
    apply(same)
    monkeypatch.setattr(
        services, "_known_fingerprint", _first_call_none(services._known_fingerprint)
    )
    assert apply(same) == [("duplicate", None)]
    assert Item.objects.get(purchase=partner_purchase, line_number=1).handed_over_quantity == 1
    assert PartnerEvent.objects.count() == 1


def _first_call_none(real):
    calls = []

    def known(event_id):
        calls.append(event_id)
        return None if len(calls) == 1 else real(event_id)

    return known


def test_database_failure_is_a_retry_later_refusal_not_a_crash(partner_purchase, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_move", broken)
    assert apply(event(partner_purchase, 1, event_id="db-1")) == [("rejected", "retry_later")]
    assert not PartnerEvent.objects.exists()  # rolled back with the rest of the event
    assert RejectedPartnerEvent.objects.get().reason == "retry_later"
    monkeypatch.undo()
    assert apply(event(partner_purchase, 1, event_id="db-1")) == [("applied", None)]


@pytest.mark.parametrize(
    "status", [PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN, PurchaseStatus.FRAUD_DENIED]
)
def test_a_report_about_a_purchase_not_placed_is_refused(store, status):
    """Nothing of a purchase in checkout, awaiting payment or refused may ship: the report is
    refused with its code, listed for the owner, and changes nothing."""
    purchase = factories.purchase_with_items(own=0, partner=1, quantity=2, status=status)
    assert apply(event(purchase, 1, event_id=f"np-{status}")) == [
        ("rejected", "purchase_not_placed")
    ]
    item = purchase.items.get()
    assert item.handed_over_quantity == 0
    rejected = RejectedPartnerEvent.objects.get(event_id=f"np-{status}")
    assert rejected.reason == "purchase_not_placed" and purchase.number in rejected.detail
    purchase.refresh_from_db()
    assert purchase.status == status


def test_events_from_a_file_are_marked_so(partner_purchase):
    apply(event(partner_purchase, 1, event_id="f-1"), via="file")
    assert PartnerEvent.objects.get().received_via == "file"


def test_purchase_without_awaiting_mark_still_follows(store):
    """Purchases made before partner_status was set (''), e.g. by an import, follow all the same."""
    purchase = factories.purchase_with_items(own=0, partner=1, quantity=1)
    Purchase.objects.filter(pk=purchase.pk).update(partner_status=PartnerStatus.NONE)
    apply(event(purchase, 1, event_id="n-1"))
    purchase.refresh_from_db()
    assert (purchase.status, purchase.partner_status) == (
        PurchaseStatus.COMPLETE,
        PartnerStatus.COMPLETE,
    )


def test_partner_part_moves_while_own_part_is_invoiced(store, staff, agent):
    """A mixed purchase past invoicing: the partner's handover makes it Partially Complete."""
    from purchases.services import purchase_issue_invoice

    purchase = factories.purchase_with_items(
        own=1, partner=1, quantity=1, status=PurchaseStatus.FRAUD_APPROVED
    )
    purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    partner_line = purchase.items.get(fulfilled_by="infibeam").line_number
    apply(event(purchase, partner_line, event_id="i-1"))
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PARTIALLY_COMPLETE
    assert purchase.partner_status == PartnerStatus.COMPLETE
    assert list(Purchase.objects.awaiting_agent()) == [purchase]  # own item still to ship


def test_only_the_owner_rotates_the_secret(store, owner, staff, viewer):
    old = PartnerFeedSettings.objects.current().secret
    for user in (staff, viewer):
        with pytest.raises(RoleNotAllowed):
            services.partner_feed_rotate_secret(user=user)
    assert PartnerFeedSettings.objects.current().secret == old
    rotated = services.partner_feed_rotate_secret(user=owner)
    assert rotated.secret != old and len(rotated.secret) == 64
    assert rotated.rotated_by == owner


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real row locks and concurrent commits need PostgreSQL",
)
@pytest.mark.parametrize("same_event", [True, False])
def test_concurrent_requests_apply_one_unit_once(same_event):
    """Eight threads at once: one event id, or eight ids for a single unit. One applies."""
    factories.StoreProfileFactory()
    purchase = factories.purchase_with_items(own=0, partner=1, quantity=1)
    barrier = threading.Barrier(8)
    results = []

    def send(n):
        try:
            barrier.wait()
            event_id = "same" if same_event else f"unit-{n}"
            results.extend(
                (r.result, r.reason)
                for r in services.partner_events_apply(
                    events=[event(purchase, 1, event_id=event_id)], received_via="api"
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(("applied", None)) == 1
    expected_other = ("duplicate", None) if same_event else ("rejected", "excess_quantity")
    assert results.count(expected_other) == 7
    item = Item.objects.get(purchase=purchase)
    assert (item.handed_over_quantity, item.status) == (1, ItemStatus.COMPLETE)
    assert PartnerEvent.objects.count() == 1
