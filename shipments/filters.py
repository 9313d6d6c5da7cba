"""Manage Shipments' filters, kept in the URL. Every filter matches an index (see Shipment.Meta)."""

import django_filters
from django import forms
from django.db.models import Q

from core.panel import DAY_OUT_OF_RANGE, day_in_range
from purchases.models import Purchase

from .models import Shipment, ShipmentStatus, ShippingAgent
from .services import normalise_awb


def _date_range_widget(*names: str):
    """Two date inputs, each with its own accessible name (one <label> cannot name both)."""
    widget = django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    for part, name in zip(widget.widgets, names, strict=True):
        part.attrs["aria-label"] = name
    return widget


class ShipmentFilterForm(forms.Form):
    """The filter form django-filter builds, with the date range kept to days people mean."""

    def clean(self):
        cleaned = super().clean()
        created = cleaned.get("created")
        if created and not (day_in_range(created.start) and day_in_range(created.stop)):
            self.add_error("created", DAY_OUT_OF_RANGE)
        return cleaned


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="AWB or purchase number",
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "AWB, purchase or shipment"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label="State", choices=ShipmentStatus.choices, empty_label="Any state"
    )
    agent = django_filters.ModelChoiceFilter(
        label="Courier", queryset=ShippingAgent.objects.all(), empty_label="Any courier"
    )
    created = django_filters.DateFromToRangeFilter(
        label="Created (from – to)",
        field_name="created_at",
        widget=_date_range_widget("Created from", "Created to"),
    )
    has_awb = django_filters.BooleanFilter(
        label="AWB",
        method="filter_has_awb",
        widget=forms.Select(choices=[("", "Any"), ("true", "Recorded"), ("false", "Not recorded")]),
    )

    class Meta:
        model = Shipment
        fields = ["q", "status", "agent", "created", "has_awb"]
        form = ShipmentFilterForm

    def search(self, queryset, name, value):
        """Exact AWB, shipment reference or purchase number: each one an indexed lookup."""
        code = normalise_awb(value)
        if not code:
            return queryset
        purchases = Purchase.objects.filter(number=code).values("pk")
        return queryset.filter(Q(awb=code) | Q(reference=code) | Q(purchase_id__in=purchases))

    def filter_has_awb(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(awb__isnull=not value)
