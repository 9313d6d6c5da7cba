"""The rows of the Fulfill Shipments queue, every cell ready to print.

A queue row shows a purchase (or shipment) with its customer, address, items and amount. Reading
them as model instances and formatting them in the template cost about a quarter of a millisecond a
row, so a page of 25 rows took 40 % longer than a page of 7 (`make bench`). Here each page is read
with two narrow value queries (the rows, then their items) and every cell is formatted once; the
templates shipments/partials/queue_*_rows.html show them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.india import format_inr
from core.panel import detail_url_prefix
from core.templatetags.money import IST_FORMAT, weight
from purchases.models import Item, PaymentMethod, PurchaseKind

from .models import ShipmentItem, pattern_in_words, tracking_url


def age_label(moment: datetime | None, now: datetime) -> str:
    """How long ago, in the one unit a work queue needs: 40 min, 5 h, 3 d."""
    if not moment:
        return ""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


@dataclass(frozen=True, slots=True)
class RowUrls:
    """URL prefixes a row appends its key to ('/purchases/' + '12/'): reversing a URL for every
    row would cost more than the rest of the row."""

    purchase: str
    shipment: str
    split: str
    action: str

    def purchase_url(self, pk: int) -> str:
        return f"{self.purchase}{pk}/"

    def shipment_url(self, pk: int) -> str:
        return f"{self.shipment}{pk}/"


def row_urls() -> RowUrls:
    return RowUrls(
        purchase=detail_url_prefix("purchases:purchase-detail"),
        shipment=detail_url_prefix("shipments:shipment-detail"),
        split=detail_url_prefix("shipments:split"),
        action=reverse("shipments:fulfil-action"),
    )


@dataclass(slots=True)
class PurchaseRow:
    """A purchase waiting for fraud review, an invoice or a courier."""

    pk: str  # the key as text, placed in names, ids and URLs
    number: str
    url: str
    placed: str
    age: str
    customer: str
    city: str
    pin_code: str
    items: str  # one line an item: "Cotton kurta × 2 (1 to ship)"
    has_partner_items: bool
    amount: str
    is_cod: bool
    action_url: str  # the step's action on this row alone
    split_url: str


@dataclass(slots=True)
class ShipmentRow:
    """A shipment waiting for its slip and AWB, or for the courier."""

    pk: str
    reference: str
    url: str
    purchase_number: str
    purchase_url: str
    courier: str
    awb: str
    awb_hint: str  # the courier's AWB pattern, shown as the input's tooltip
    tracking_url: str
    placed: str
    age: str
    customer: str
    city: str
    pin_code: str
    items: str
    weight: str
    amount: str
    is_cod: bool
    slip_printed: str  # when, in IST; "" until printed
    action_url: str
    refused_awb: str = ""  # typed in its AWB box and refused: shown again to be corrected


PURCHASE_COLUMNS = (
    "pk",
    "number",
    "placed_at",
    "customer__name",
    "shipping_address__city",
    "shipping_address__pin_code",
    "kind",
    "grand_total",
    "payment_method",
)
SHIPMENT_COLUMNS = (
    "pk",
    "reference",
    "awb",
    "weight_grams",
    "cod_amount",
    "slip_printed_at",
    "agent__name",
    "agent__awb_pattern",
    "agent__tracking_url_template",
    "purchase_id",
    "purchase__number",
    "purchase__placed_at",
    "purchase__grand_total",
    "purchase__payment_method",
    "purchase__customer__name",
    "purchase__shipping_address__city",
    "purchase__shipping_address__pin_code",
)


class _Clock:
    """Now and the time zone shown, looked up once a page rather than once a cell."""

    def __init__(self):
        self.now, self.india = timezone.now(), timezone.get_current_timezone()

    def shown(self, moment: datetime | None) -> str:
        """As the `ist` filter shows it."""
        return moment.astimezone(self.india).strftime(IST_FORMAT) if moment else ""

    def ship_to(self, placed_at: datetime, customer: str, city: str, pin_code: str) -> dict:
        """The cells every queue row has: when the purchase was placed, to whom it goes."""
        return {
            "placed": self.shown(placed_at),
            "age": age_label(placed_at, self.now),
            "customer": customer,
            "city": city,
            "pin_code": pin_code,
        }


def _items_by_parent(lines) -> dict[int, str]:
    """(parent key, text) pairs as each parent's text, one line an item."""
    by_parent: dict[int, list[str]] = {}
    for parent, text in lines:
        by_parent.setdefault(parent, []).append(text)
    return {parent: "\n".join(texts) for parent, texts in by_parent.items()}


def _own_item_lines(purchase_ids: list[int], *, show_unassigned: bool) -> dict[int, str]:
    """Each purchase's own items, "Cotton kurta × 2" (with "(1 to ship)" when asked), one query."""
    items = (
        Item.objects.own()
        .filter(purchase_id__in=purchase_ids)
        .with_unassigned_quantity()
        .order_by("line_number")
        .values_list("purchase_id", "name", "quantity", "unassigned")
    )
    return _items_by_parent(
        (
            purchase,
            f"{name} × {quantity} ({unassigned} to ship)"
            if show_unassigned and unassigned != quantity
            else f"{name} × {quantity}",
        )
        for purchase, name, quantity, unassigned in items
    )


def _shipment_lines(shipment_ids: list[int]) -> dict[int, str]:
    """Each shipment's lines, "Cotton kurta × 2", in one query."""
    lines = (
        ShipmentItem.objects.filter(shipment_id__in=shipment_ids)
        .order_by("item__line_number")
        .values_list("shipment_id", "item__name", "quantity")
    )
    return _items_by_parent(
        (shipment, f"{name} × {quantity}") for shipment, name, quantity in lines
    )


def purchase_rows(
    purchases: QuerySet, urls: RowUrls, *, show_unassigned: bool
) -> list[PurchaseRow]:
    """The rows of `purchases` (a page, already ordered), with their own items; two queries."""
    found = list(purchases.values_list(*PURCHASE_COLUMNS, named=True))
    lines = _own_item_lines([row.pk for row in found], show_unassigned=show_unassigned)
    clock = _Clock()
    return [
        PurchaseRow(
            pk=str(row.pk),
            number=row.number,
            url=urls.purchase_url(row.pk),
            **clock.ship_to(
                row.placed_at,
                row.customer__name,
                row.shipping_address__city,
                row.shipping_address__pin_code,
            ),
            items=lines.get(row.pk, ""),
            has_partner_items=row.kind != PurchaseKind.OWN,
            amount=format_inr(row.grand_total),
            is_cod=row.payment_method == PaymentMethod.COD,
            action_url=f"{urls.action}?only={row.pk}",
            split_url=f"{urls.split}{row.pk}/",
        )
        for row in found
    ]


def _awb_hint(courier: str, pattern: str) -> str:
    """The input's tooltip: what the courier's AWBs look like."""
    return f"{courier} AWB: {pattern_in_words(pattern) or pattern}" if pattern else ""


def shipment_rows(shipments: QuerySet, urls: RowUrls) -> list[ShipmentRow]:
    """The rows of `shipments` (a page, already ordered), with their lines; two queries."""
    found = list(shipments.values_list(*SHIPMENT_COLUMNS, named=True))
    lines = _shipment_lines([row.pk for row in found])
    clock = _Clock()
    rows = []
    for row in found:
        is_cod = row.purchase__payment_method == PaymentMethod.COD
        awb = row.awb or ""
        rows.append(
            ShipmentRow(
                pk=str(row.pk),
                reference=row.reference,
                url=urls.shipment_url(row.pk),
                purchase_number=row.purchase__number,
                purchase_url=urls.purchase_url(row.purchase_id),
                courier=row.agent__name,
                awb=awb,
                awb_hint=_awb_hint(row.agent__name, row.agent__awb_pattern),
                tracking_url=tracking_url(row.agent__tracking_url_template, awb) if awb else "",
                **clock.ship_to(
                    row.purchase__placed_at,
                    row.purchase__customer__name,
                    row.purchase__shipping_address__city,
                    row.purchase__shipping_address__pin_code,
                ),
                items=lines.get(row.pk, ""),
                weight=weight(row.weight_grams),
                amount=format_inr(row.cod_amount if is_cod else row.purchase__grand_total),
                is_cod=is_cod,
                slip_printed=clock.shown(row.slip_printed_at),
                action_url=f"{urls.action}?only={row.pk}",
            )
        )
    return rows
