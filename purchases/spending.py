"""What each customer bought: purchases placed and what they came to, less what was cancelled."""

from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum

from core.india import to_paise

from .models import NOT_SOLD_STATES, Item, Purchase

# What counts as spent: purchases placed, and neither refused nor cancelled.
SPENT = Sum("grand_total", filter=~Q(status__in=NOT_SOLD_STATES))


def amounts_cancelled(customer_ids) -> dict[int, Decimal]:
    """What the items cancelled on each customer's purchases still counted as spent were worth,
    tax included (own items, before or after invoicing, and Infibeam's): spending is SPENT less
    this. One query, for the few cancelled lines."""
    counted = Purchase.objects.filter(customer__in=customer_ids).exclude(status__in=NOT_SOLD_STATES)
    fields = ("unit_price", "quantity", "discount", "gst_rate", "cancelled_quantity")
    rows = Item.objects.filter(
        purchase__in=counted.values("pk"), cancelled_quantity__gt=0
    ).values_list("purchase__customer", *fields)
    totals: dict[int, Decimal] = {}
    for customer, *values in rows:
        item = Item(**dict(zip(fields, values, strict=True)))
        worth = item.value_of(item.cancelled_quantity)
        totals[customer] = totals.get(customer, Decimal("0")) + worth
    return {customer: to_paise(total) for customer, total in totals.items()}


def attach_purchase_totals(customers) -> None:
    """Set purchase_count, amount_spent, first_placed_at and last_placed_at on each customer, in
    two queries."""
    customers = list(customers)
    ids = [c.pk for c in customers]
    totals = {
        row["customer"]: row
        for row in Purchase.objects.filter(customer__in=ids)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"), spent=SPENT, first=Min("placed_at"), last=Max("placed_at"))
    }
    cancelled = amounts_cancelled(ids)
    for customer in customers:
        row = totals.get(customer.pk, {})
        customer.purchase_count = row.get("n", 0)
        spent = row.get("spent") or Decimal("0")
        customer.amount_spent = spent - cancelled.get(customer.pk, Decimal("0"))
        customer.first_placed_at = row.get("first")
        customer.last_placed_at = row.get("last")
