"""The Fulfill Shipments work queue: one step per tab, its rows and cheap counts.

Counts are capped (COUNT over a LIMITed subquery, all tabs in one query) so a tab bar costs the same
whether the store has a thousand purchases or a million; rows are paged without counting.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Prefetch, QuerySet

from core.panel import page_number
from purchases.models import Purchase

from .models import Shipment, ShipmentItem
from .queue_rows import RowUrls, purchase_rows, shipment_rows

COUNT_CAP = 1000


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


def capped_counts(querysets: dict[str, QuerySet], cap: int = COUNT_CAP) -> dict[str, int]:
    """How many rows each queryset has, up to `cap`, all counted in one query."""
    parts, params = [], []
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().values("pk")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        values = cursor.fetchone()
    return dict(zip(querysets, values, strict=True))


def step_counts() -> dict[str, int]:
    return capped_counts({step.slug: step.queryset() for step in STEPS})


@dataclass
class Page:
    """One page of rows fetched without counting them all: per_page + 1 rows tell if more follow."""

    rows: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


def page_of(
    queryset: QuerySet, page: str | None, per_page: int, *, build: Callable[[QuerySet], list] = list
) -> Page:
    """One page of an ordered queryset. The page's keys are chosen first by a narrow subquery, then
    only those rows are read, in the same order, by `build` (which adds joins, prefetches or reads
    values)."""
    number = page_number(page)
    offset = (number - 1) * per_page
    keys = queryset.values("pk")[offset : offset + per_page + 1]
    rows = build(
        queryset.model._default_manager.filter(pk__in=keys).order_by(*queryset.query.order_by)
    )
    return Page(
        rows=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page
    )
