"""Manage Shipments' delivery tabs: Action needed (failed deliveries waiting for the store's
answer, oldest first), In Transit, Delivered and RTO (newest handover first), their counts and
rows.

Like Fulfill Shipments (shipments/queue.py) the counts are capped (core.panel.capped_counts, all
tabs in one query) and pages are read without counting. A tab of several statuses is read one
status at a time along the index (delivery_status, -handed_over_at), each as far as the page needs,
and the keys merged here: an `IN (...)` of three statuses sorts every parcel in transit first
(9 ms at 100,000 purchases, against 0.1 ms a status). The rows are read as values in one query.
"""

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.india import format_inr
from core.panel import COUNT_CAP, Page, capped_counts, page_number
from core.templatetags.money import IST_FORMAT
from shipments.models import ON_THE_WAY_STATES, RTO_STATES, DeliveryStatus, Shipment, tracking_url
from shipments.queue_rows import RowUrls

from .models import DeliveryInstruction

S = DeliveryStatus


@dataclass(frozen=True)
class DeliveryTab:
    slug: str
    label: str
    statuses: tuple[str, ...]  # empty for Action needed, which is not one status
    hint: str

    def queryset(self) -> QuerySet:
        if not self.statuses:
            return Shipment.objects.awaiting_ndr_answer()
        return Shipment.objects.filter(delivery_status__in=self.statuses)


TABS = [
    DeliveryTab(
        "action",
        "Action needed",
        (),
        "The courier could not deliver these. Call the customer, then ask the courier to try "
        "again or to bring the parcel back; oldest first.",
    ),
    DeliveryTab(
        "transit",
        "In Transit",
        tuple(ON_THE_WAY_STATES),
        "On the way, out for delivery, or to be tried again; newest handover first.",
    ),
    DeliveryTab("delivered", "Delivered", (S.DELIVERED,), "Delivered; newest handover first."),
    DeliveryTab(
        "rto", "RTO", tuple(RTO_STATES), "Coming back to the store, or back; newest handover first."
    ),
]
TABS_BY_SLUG = {tab.slug: tab for tab in TABS}


def tab_for(value: str | None) -> DeliveryTab | None:
    """The delivery tab `?tab=` names, or None for the list of all shipments."""
    return TABS_BY_SLUG.get((value or "").strip().lower())


def tab_counts() -> dict[str, int]:
    """Each tab's count, counted no further than COUNT_CAP + 1 ("1,000+"), in one query."""
    return capped_counts({tab.slug: tab.queryset() for tab in TABS}, cap=COUNT_CAP + 1)


# -- Pages ---------------------------------------------------------------------------------------


def page_keys(tab: DeliveryTab, raw_number, per_page: int) -> Page:
    """The keys of one page of the tab, in order, and whether another page follows."""
    number = page_number(raw_number)
    start, wanted = (number - 1) * per_page, number * per_page + 1
    if not tab.statuses:
        keys = list(
            tab.queryset().order_by("ndr_at", "id").values_list("pk", flat=True)[start:wanted]
        )
    else:
        streams = [
            Shipment.objects.filter(delivery_status=status, handed_over_at__isnull=False)
            .order_by("-handed_over_at", "-id")
            .values_list("handed_over_at", "pk")[:wanted]
            for status in tab.statuses
        ]
        merged = heapq.merge(*(list(stream) for stream in streams), reverse=True)
        keys = [pk for _, pk in islice(merged, start, wanted)]
    return Page(
        rows=keys[:per_page], number=number, per_page=per_page, has_next=len(keys) > per_page
    )


# -- Rows ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class DeliveryRow:
    """A handed-over parcel as a delivery tab shows it, every cell ready to print."""

    pk: int
    reference: str
    url: str
    purchase_number: str
    purchase_url: str
    courier: str
    awb: str
    tracking_url: str
    customer: str
    mobile: str  # the customer's
    email: str
    recipient: str  # the ship-to name and mobile, when not the customer's own
    recipient_mobile: str
    city: str
    pin_code: str
    cod: str  # "₹1,234.00", or "" when prepaid
    status: str
    status_label: str
    scanned: str  # when the scan that set the status was made (IST)
    handed_over: str
    delivered: str
    failed_attempts: int
    ndr_reason: str
    ndr_at: str
    waiting: str  # since the failed attempt: "40 min", "26 h"
    overdue: bool  # waiting a day or more: couriers return what nobody answers
    awaits_answer: bool
    answered: bool  # failed, and the store answered: the courier's next scan moves it


COLUMNS = (
    "pk",
    "reference",
    "awb",
    "cod_amount",
    "agent__name",
    "agent__tracking_url_template",
    "purchase_id",
    "purchase__number",
    "purchase__customer__name",
    "purchase__customer__mobile",
    "purchase__customer__email",
    "purchase__shipping_address__name",
    "purchase__shipping_address__mobile",
    "purchase__shipping_address__city",
    "purchase__shipping_address__pin_code",
    "delivery_status",
    "delivery_scanned_at",
    "handed_over_at",
    "delivered_at",
    "failed_attempts",
    "ndr_reason",
    "ndr_at",
    "awaits_ndr_answer",
)
LABELS = dict(DeliveryStatus.choices)
ANSWER_WITHIN_HOURS = 24


def waiting_label(moment: datetime | None, now: datetime) -> str:
    """How long a failed delivery has waited, in hours (a courier gives about a day)."""
    if not moment:
        return ""
    minutes = max(int((now - moment).total_seconds() // 60), 0)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


def delivery_rows(keys: list[int], urls: RowUrls) -> list[DeliveryRow]:
    """The rows of `keys`, in their order, in one query."""
    found = {
        row.pk: row
        for row in Shipment.objects.filter(pk__in=keys).values_list(*COLUMNS, named=True)
    }
    now, india = timezone.now(), timezone.get_current_timezone()

    def shown(moment: datetime | None) -> str:
        return moment.astimezone(india).strftime(IST_FORMAT) if moment else ""

    rows = []
    for pk in keys:
        row = found.get(pk)
        if row is None:  # gone between the two queries: it cannot be, shipments are never deleted
            continue
        mobile = row.purchase__customer__mobile
        recipient_mobile = row.purchase__shipping_address__mobile
        recipient = row.purchase__shipping_address__name
        awb = row.awb or ""
        rows.append(
            DeliveryRow(
                pk=row.pk,
                reference=row.reference,
                url=urls.shipment_url(row.pk),
                purchase_number=row.purchase__number,
                purchase_url=urls.purchase_url(row.purchase_id),
                courier=row.agent__name,
                awb=awb,
                tracking_url=tracking_url(row.agent__tracking_url_template, awb) if awb else "",
                customer=row.purchase__customer__name,
                mobile=mobile,
                email=row.purchase__customer__email,
                recipient="" if recipient == row.purchase__customer__name else recipient,
                recipient_mobile="" if recipient_mobile == mobile else recipient_mobile,
                city=row.purchase__shipping_address__city,
                pin_code=row.purchase__shipping_address__pin_code,
                cod=format_inr(row.cod_amount) if row.cod_amount else "",
                status=row.delivery_status,
                status_label=LABELS.get(row.delivery_status, ""),
                # A parcel starts In Transit at its handover: no scan yet to show.
                scanned=""
                if row.delivery_scanned_at == row.handed_over_at
                else shown(row.delivery_scanned_at),
                handed_over=shown(row.handed_over_at),
                delivered=shown(row.delivered_at),
                failed_attempts=row.failed_attempts,
                ndr_reason=row.ndr_reason,
                ndr_at=shown(row.ndr_at),
                waiting=waiting_label(row.ndr_at, now),
                overdue=bool(row.ndr_at)
                and (now - row.ndr_at).total_seconds() >= ANSWER_WITHIN_HOURS * 3600,
                awaits_answer=row.awaits_ndr_answer,
                answered=row.delivery_status == S.UNDELIVERED and not row.awaits_ndr_answer,
            )
        )
    return rows


# -- The reattempts to send ----------------------------------------------------------------------


def reattempts_waiting() -> list[dict]:
    """Per courier, how many reattempts wait to be sent to it: [{agent, name, count}], by name."""
    return list(
        DeliveryInstruction.objects.reattempts_unsent()
        .values("shipment__agent", "shipment__agent__name")
        .annotate(count=Count("pk"))
        .order_by("shipment__agent__name")
    )


def tab_url(slug: str) -> str:
    return reverse("shipments:shipment-list") + f"?tab={slug}"
