"""Random event sequences against one purchase: its state is always what its applied events imply.

The expected outcome is modelled here from the documented rules alone (docs/partner-feed.md),
without calling the store's code: ids seen, per-item order, quantities bought.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.models import PartnerEvent
from partners.services import partner_events_apply
from purchases.models import AuditEntry, Item, Purchase
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, tzinfo=UTC)

reports = st.fixed_dictionaries(
    {
        "line": st.integers(1, 3),
        "kind": st.sampled_from(["handed_over", "cancelled"]),
        "quantity": st.integers(1, 4),
        "minute": st.integers(0, 30),
    }
)


@st.composite
def scenarios(draw):
    """Quantities bought, whether line 3 is the store's own, and the events in arrival order."""
    bought = draw(st.lists(st.integers(1, 4), min_size=3, max_size=3))
    own_line_3 = draw(st.booleans())
    pool = draw(st.lists(reports, min_size=1, max_size=10))
    # Arrival order: any of the pool's events, any number of times (duplicates, reordering).
    order = draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=25))
    # Now and then an id is reused for other content.
    reuse = draw(st.lists(st.tuples(st.integers(0, len(pool) - 1), reports), max_size=2))
    arrivals = [(f"ev-{i}", pool[i]) for i in order]
    for i, other in reuse:
        position = draw(st.integers(0, len(arrivals)))
        arrivals.insert(position, (f"ev-{i}", other))
    return bought, own_line_3, arrivals


@dataclass
class Model:
    bought: list[int]
    own_line_3: bool
    handed: list[int] = field(default_factory=lambda: [0, 0, 0])
    cancelled: list[int] = field(default_factory=lambda: [0, 0, 0])
    last: list = field(default_factory=lambda: [None, None, None])
    seen: dict = field(default_factory=dict)

    def receive(self, event_id: str, report: dict) -> tuple[str, str | None]:
        key = tuple(sorted(report.items()))
        if event_id in self.seen:
            return (
                ("duplicate", None)
                if self.seen[event_id] == key
                else ("rejected", "event_id_reused")
            )
        i = report["line"] - 1
        at = START + timedelta(minutes=report["minute"])
        if self.own_line_3 and report["line"] == 3:
            return "rejected", "own_item"
        if self.last[i] is not None and at < self.last[i]:
            return "rejected", "out_of_order"
        if self.handed[i] + self.cancelled[i] + report["quantity"] > self.bought[i]:
            return "rejected", "excess_quantity"
        self.seen[event_id] = key
        counter = self.handed if report["kind"] == "handed_over" else self.cancelled
        counter[i] += report["quantity"]
        self.last[i] = at
        return "applied", None

    def item_status(self, i: int) -> str:
        if self.handed[i] + self.cancelled[i] == self.bought[i]:
            return "complete" if self.handed[i] else "cancelled"
        return "partially_complete" if self.handed[i] else "pending"

    def partner_lines(self) -> list[int]:
        return [0, 1] if self.own_line_3 else [0, 1, 2]

    def partner_status(self) -> str:
        lines = self.partner_lines()
        handed = sum(self.handed[i] for i in lines)
        settled = sum(self.handed[i] + self.cancelled[i] for i in lines)
        if settled == sum(self.bought[i] for i in lines):
            return "complete" if handed else "cancelled"
        return "partially_complete" if handed else "awaiting"

    def purchase_status(self) -> str:
        if self.own_line_3:
            return "confirmed"  # the own item awaits fraud review whatever the partner does
        return {"awaiting": "confirmed"}.get(self.partner_status(), self.partner_status())


def as_event(purchase_number: str, event_id: str, report: dict) -> dict:
    data = {
        "event_id": event_id,
        "purchase": purchase_number,
        "line": report["line"],
        "kind": report["kind"],
        "quantity": report["quantity"],
        "occurred_at": (START + timedelta(minutes=report["minute"])).isoformat(),
    }
    if report["kind"] == "cancelled":
        data["reason"] = "Partner could not fulfil"
    return data


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios(), batch_size=st.integers(1, 6))
def test_state_is_always_what_the_applied_events_imply(store, scenario, batch_size):
    bought, own_line_3, arrivals = scenario
    with transaction.atomic():
        purchase = factories.PurchaseFactory(kind="mixed" if own_line_3 else "infibeam")
        for line, quantity in enumerate(bought, start=1):
            fulfilled_by = "own" if own_line_3 and line == 3 else "infibeam"
            factories.add_item(purchase, quantity=quantity, fulfilled_by=fulfilled_by)
        Purchase.objects.filter(pk=purchase.pk).update(partner_status="awaiting")

        model = Model(bought=bought, own_line_3=own_line_3)
        events = [as_event(purchase.number, event_id, report) for event_id, report in arrivals]
        for start in range(0, len(events), batch_size):
            batch = events[start : start + batch_size]
            results = partner_events_apply(events=batch, received_via="api")
            expected = [model.receive(e, r) for e, r in arrivals[start : start + batch_size]]
            assert [(r.result, r.reason) for r in results] == expected

            purchase = Purchase.objects.get(pk=purchase.pk)
            items = list(Item.objects.filter(purchase=purchase).order_by("line_number"))
            assert [i.handed_over_quantity for i in items] == model.handed
            assert [i.cancelled_quantity for i in items] == model.cancelled
            assert [i.last_reported_at for i in items] == model.last
            partner = model.partner_lines()
            assert [items[i].status for i in partner] == [model.item_status(i) for i in partner]
            assert purchase.partner_status == model.partner_status()
            assert purchase.status == model.purchase_status()

        assert PartnerEvent.objects.filter(purchase=purchase).count() == len(model.seen)
        reported = AuditEntry.objects.filter(purchase=purchase, subject="item", from_state="")
        assert reported.count() == len(model.seen)
        assert set(reported.values_list("actor_name", flat=True)) <= {"Infibeam"}
        transaction.set_rollback(True)
