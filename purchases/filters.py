"""Manage Purchases' filters: every one is a URL parameter, answered by an index.

A parameter that does not make sense (an unknown state, a date that is not a date) is reported by
the form and left out of the filtering; it never breaks the page.
"""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from shipments.models import ShippingAgent

from .forms import PurchaseFilterForm
from .models import PartnerStatus, PaymentMethod, Purchase, PurchaseKind, PurchaseStatus

SORTS = {
    "-placed": ("Newest first", ["-placed_at", "-id"]),
    "placed": ("Oldest first", ["placed_at", "id"]),
    "-amount": ("Highest amount first", ["-grand_total", "-id"]),
    "amount": ("Lowest amount first", ["grand_total", "id"]),
}
DEFAULT_SORT = "-placed"
PARTNER_STATES = [choice for choice in PartnerStatus.choices if choice[0]]


def start_of_day(day) -> datetime:
    """Midnight at the start of `day` in the panel's time zone (IST), as an aware moment."""
    return timezone.make_aware(datetime.combine(day, time.min))


def amount_filter(lookup: str, label: str) -> django_filters.NumberFilter:
    """A bound of the purchase's total, in rupees and paise."""
    return django_filters.NumberFilter(
        field_name="grand_total",
        lookup_expr=lookup,
        label=label,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )


class PurchaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Purchase or invoice number, name, email, mobile or AWB",
                "autocomplete": "off",
            }
        ),
    )
    state = django_filters.ChoiceFilter(
        field_name="status", choices=PurchaseStatus.choices, label="State", widget=forms.HiddenInput
    )
    kind = django_filters.ChoiceFilter(
        choices=PurchaseKind.choices, label="Fulfilled by", empty_label="Any"
    )
    partner = django_filters.ChoiceFilter(
        field_name="partner_status",
        choices=PARTNER_STATES,
        label="Partner state",
        empty_label="Any",
    )
    payment = django_filters.ChoiceFilter(
        field_name="payment_method",
        choices=PaymentMethod.choices,
        label="Payment",
        empty_label="Any",
    )
    agent = django_filters.ModelChoiceFilter(
        queryset=ShippingAgent.objects.all(), method="shipped_by", label="Agent", empty_label="Any"
    )
    placed_after = django_filters.DateFilter(
        method="placed_on_or_after",
        label="Placed from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    placed_before = django_filters.DateFilter(
        method="placed_on_or_before",
        label="Placed to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount_min = amount_filter("gte", "Amount from ₹")
    amount_max = amount_filter("lte", "Amount to ₹")
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        label="Sort",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
    )

    class Meta:
        model = Purchase
        fields = []
        form = PurchaseFilterForm

    def search(self, queryset, name, value):
        return queryset.search(value)

    def shipped_by(self, queryset, name, value):
        return queryset.shipped_by(value)

    def placed_on_or_after(self, queryset, name, value):
        return queryset.filter(placed_at__gte=start_of_day(value))

    def placed_on_or_before(self, queryset, name, value):
        return queryset.filter(placed_at__lt=start_of_day(value + timedelta(days=1)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])

    @property
    def qs(self):
        queryset = super().qs
        if not queryset.query.order_by:
            queryset = queryset.order_by(*SORTS[DEFAULT_SORT][1])
        return queryset

    def narrowed(self) -> bool:
        """True when something other than the state tab and the sort narrows the list."""
        if not self.is_bound:
            return False
        cleaned = getattr(self.form, "cleaned_data", {})
        return any(
            cleaned.get(name) not in (None, "")
            for name in self.filters
            if name not in ("state", "sort")
        )
