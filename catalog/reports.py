"""PROMOTIONS: the discounts given on purchase lines, read from the items as they were sold."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from purchases.models import NOT_SOLD_STATES, Item

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def discounted_items(*, start: dt.date | None = None, end: dt.date | None = None):
    """Lines sold with a discount on purchases placed from `start` to `end` (IST, both included)."""
    items = (
        Item.objects.filter(discount__gt=0)
        .exclude(purchase__status__in=NOT_SOLD_STATES)
        .select_related("purchase", "purchase__customer")
        .annotate(
            gross_value=ExpressionWrapper(F("unit_price") * F("quantity"), output_field=MONEY),
            taxable=ExpressionWrapper(
                F("unit_price") * F("quantity") - F("discount"), output_field=MONEY
            ),
        )
        .order_by("-purchase__placed_at", "-purchase_id", "line_number")
    )
    if start:
        items = items.filter(purchase__placed_at__gte=_start_of(start))
    if end:
        items = items.filter(purchase__placed_at__lt=_start_of(end + dt.timedelta(days=1)))
    return items


def discount_totals(items) -> dict:
    """Lines, purchases, units, gross value, discount and taxable value of `items`, in one query."""
    zero = Value(Decimal("0"), output_field=MONEY)
    return items.order_by().aggregate(
        lines=Count("pk"),
        purchases=Count("purchase", distinct=True),
        units=Coalesce(Sum("quantity"), 0),
        total_gross=Coalesce(Sum(F("unit_price") * F("quantity"), output_field=MONEY), zero),
        total_discount=Coalesce(Sum("discount"), zero),
        total_taxable=Coalesce(
            Sum(F("unit_price") * F("quantity") - F("discount"), output_field=MONEY), zero
        ),
    )
