"""The Fulfill Shipments work queue: one step per tab, its rows and cheap counts.

Counts are capped (core.panel.capped_counts: all tabs in one query) so a tab bar costs the same
whether the store has a thousand purchases or a million; rows are paged without counting.
"""

from dataclasses import dataclass
from typing import Literal

from django.db.models import Prefetch, QuerySet

from core.panel import COUNT_CAP, capped_counts
from purchases.models import Purchase

from .models import Shipment, ShipmentItem
from .queue_rows import RowUrls, purchase_rows, shipment_rows


@dataclass(frozen=True)
class Step:
    slug: str
    label: str
    kind: Literal["purchase", "shipment"]
    action_hint: str

    def queryset(self) -> QuerySet:
        return {
            "review": Purchase.objects.awaiting_fraud_review,
            "invoice": Purchase.objects.awaiting_invoice,
            "assign": Purchase.objects.awaiting_agent,
            "print": Shipment.objects.awaiting_slip_or_awb,
            "handover": Shipment.objects.awaiting_handover,
        }[self.slug]()

    def rows(self) -> QuerySet:
        """The step's rows, oldest first (only keys: `build_rows` reads what a row shows)."""
        if self.kind == "purchase":
            return self.queryset().order_by("placed_at", "id")
        return self.queryset().order_by("created_at", "id")

    def build_rows(self, page: QuerySet, urls: RowUrls) -> list:
        """A page of the step's rows, every cell ready to print, in a fixed number of queries."""
        if self.kind == "purchase":
            return purchase_rows(page, urls, show_unassigned=self.slug == "assign")
        return shipment_rows(page, urls)


def decorate_shipments(queryset: QuerySet) -> QuerySet:
    """Shipments with everything Manage Shipments shows of them."""
    lines = Prefetch(
        "lines",
        queryset=ShipmentItem.objects.select_related("item").order_by("item__line_number"),
        to_attr="line_list",
    )
    return queryset.for_list().select_related("purchase__customer").prefetch_related(lines)


STEPS = [
    Step("review", "Review fraud", "purchase", "Approve or deny the fraud check."),
    Step("invoice", "To invoice", "purchase", "Issue the GST tax invoice."),
    Step(
        "assign",
        "To assign agent",
        "purchase",
        "Choose a courier; split a purchase into shipments.",
    ),
    Step(
        "print", "To print and record AWB", "shipment", "Print the address slip and record the AWB."
    ),
    Step("handover", "To hand over", "shipment", "Hand the parcels to the courier, or scan them."),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
# The dashboard's cards link to ?step=1..5.
STEPS_BY_SLUG.update({str(number): step for number, step in enumerate(STEPS, start=1)})


def step_for(value: str | None) -> Step:
    return STEPS_BY_SLUG.get((value or "").strip().lower(), STEPS[0])


def step_counts() -> dict[str, int]:
    """Each tab's count, counted no further than COUNT_CAP + 1 (shown as "1,000+"), in one query."""
    return capped_counts({step.slug: step.queryset() for step in STEPS}, cap=COUNT_CAP + 1)
