"""The rows of the Fulfill Shipments queue, every cell ready to print.

A queue row shows a purchase (or shipment) with its customer, address, items and amount. Reading
them as model instances and formatting them in the template cost about a quarter of a millisecond a
row, so a page of 25 rows took 40 % longer than a page of 7 (`make bench`). Here each page is read
with two narrow value queries (the rows, then their items) and every cell is formatted once;
queue_html.py makes each <tr> of them.

The fields made here from numbers (keys, URLs, dates, ages, amounts, weights) hold nothing HTML
interprets. The text fields (numbers and references, names, addresses, items, couriers, AWBs, the
tracking URL) are as people and partners typed them: queue_html.py escapes each.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.india import format_inr
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


def _shown(moment: datetime | None, india) -> str:
    """The `ist` filter with the time zone looked up once a page, not once a cell."""
    return moment.astimezone(india).strftime(IST_FORMAT) if moment else ""


def _items_by_parent(lines) -> dict[int, list[str]]:
    by_parent: dict[int, list[str]] = {}
    for parent, text in lines:
        by_parent.setdefault(parent, []).append(text)
    return by_parent


def purchase_rows(
    purchases: QuerySet, urls: RowUrls, *, show_unassigned: bool
) -> list[PurchaseRow]:
    """The rows of `purchases` (a page, already ordered), with their own items; two queries."""
    found = list(
        purchases.values_list(
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
    )
    items = (
        Item.objects.own()
        .filter(purchase_id__in=[row[0] for row in found])
        .with_unassigned_quantity()
        .order_by("line_number")
        .values_list("purchase_id", "name", "quantity", "unassigned")
    )
    lines = _items_by_parent(
        (
            purchase,
            f"{name} × {quantity} ({unassigned} to ship)"
            if show_unassigned and unassigned != quantity
            else f"{name} × {quantity}",
        )
        for purchase, name, quantity, unassigned in items
    )
    now, india = timezone.now(), timezone.get_current_timezone()
    return [
        PurchaseRow(
            pk=str(pk),
            number=number,
            url=urls.purchase_url(pk),
            placed=_shown(placed_at, india),
            age=age_label(placed_at, now),
            customer=customer,
            city=city,
            pin_code=pin_code,
            items="\n".join(lines.get(pk, ())),
            has_partner_items=kind != PurchaseKind.OWN,
            amount=format_inr(grand_total),
            is_cod=payment_method == PaymentMethod.COD,
            action_url=f"{urls.action}?only={pk}",
            split_url=f"{urls.split}{pk}/",
        )
        for (
            pk,
            number,
            placed_at,
            customer,
            city,
            pin_code,
            kind,
            grand_total,
            payment_method,
        ) in found
    ]


def shipment_rows(shipments: QuerySet, urls: RowUrls) -> list[ShipmentRow]:
    """The rows of `shipments` (a page, already ordered), with their lines; two queries."""
    found = list(
        shipments.values_list(
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
    )
    lines = _items_by_parent(
        (shipment, f"{name} × {quantity}")
        for shipment, name, quantity in ShipmentItem.objects.filter(
            shipment_id__in=[row[0] for row in found]
        )
        .order_by("item__line_number")
        .values_list("shipment_id", "item__name", "quantity")
    )
    now, india = timezone.now(), timezone.get_current_timezone()
    rows = []
    for (
        pk,
        reference,
        awb,
        weight_grams,
        cod_amount,
        slip_printed_at,
        courier,
        awb_pattern,
        tracking_template,
        purchase_pk,
        purchase_number,
        placed_at,
        grand_total,
        payment_method,
        customer,
        city,
        pin_code,
    ) in found:
        is_cod = payment_method == PaymentMethod.COD
        rows.append(
            ShipmentRow(
                pk=str(pk),
                reference=reference,
                url=urls.shipment_url(pk),
                purchase_number=purchase_number,
                purchase_url=urls.purchase_url(purchase_pk),
                courier=courier,
                awb=awb or "",
                awb_hint=f"{courier} AWB: {pattern_in_words(awb_pattern) or awb_pattern}"
                if awb_pattern
                else "",
                tracking_url=tracking_url(tracking_template, awb) if awb else "",
                placed=_shown(placed_at, india),
                age=age_label(placed_at, now),
                customer=customer,
                city=city,
                pin_code=pin_code,
                items="\n".join(lines.get(pk, ())),
                weight=weight(weight_grams),
                amount=format_inr(cod_amount if is_cod else grand_total),
                is_cod=is_cod,
                slip_printed=_shown(slip_printed_at, india),
                action_url=f"{urls.action}?only={pk}",
            )
        )
    return rows
