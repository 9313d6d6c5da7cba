"""Forms of the CATALOG and PROMOTIONS pages."""

import datetime as dt
import re
from decimal import Decimal

from django import forms

from core.panel import DAY_OUT_OF_RANGE, day_in_range
from core.tables import TableUploadForm

from .models import FulfilledBy, Product
from .services import MAX_UNITS, REASON_MAX_LENGTH
from .stock_csv import read_stock_csv

MAX_WEIGHT_GRAMS = 1_000_000  # a tonne: couriers take far less in one parcel
SKU_RE = re.compile(r"[A-Z0-9][A-Z0-9_./-]*")


class ProductForm(forms.ModelForm):
    """An own product; Infibeam's products come from the partner and never reach this form."""

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "hsn_code",
            "gst_rate",
            "price",
            "weight_grams",
            "active",
            "allows_backorder",
        ]
        labels = {"weight_grams": "Weight (grams)", "price": "Price (₹, before GST)"}
        help_texts = {
            "hsn_code": "4, 6 or 8 digits, as on the GST rate schedule.",
            "weight_grams": "Per unit, packed; used to weigh shipments.",
            "active": "Inactive products stay on purchases already placed but are not sold.",
        }

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip().upper()
        if not SKU_RE.fullmatch(sku):
            raise forms.ValidationError(
                "Use capital letters, digits and - _ / . only (it is printed on invoices and "
                "typed in searches): for example KH-TEX-803."
            )
        return sku

    def clean_weight_grams(self) -> int:
        weight = self.cleaned_data["weight_grams"]
        if weight < 1:
            raise forms.ValidationError("A product weighs at least 1 gram; shipments are weighed.")
        if weight > MAX_WEIGHT_GRAMS:
            raise forms.ValidationError(
                f"A product weighs {MAX_WEIGHT_GRAMS // 1000:,} kg at most (the weight is grams)."
            )
        return weight

    def clean_hsn_code(self) -> str:
        return self.cleaned_data["hsn_code"].replace(" ", "").strip()

    def clean_price(self) -> Decimal:
        price = self.cleaned_data["price"]
        if price < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return price

    def save(self, commit=True):
        self.instance.fulfilled_by = FulfilledBy.OWN
        return super().save(commit)


def reason_field(example: str, **kwargs) -> forms.CharField:
    """Why stock changes, as a StockMovement keeps it."""
    return forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": f"e.g. {example}"}),
        **kwargs,
    )


class ReceiveStockForm(forms.Form):
    quantity = forms.IntegerField(label="Units received", min_value=1, max_value=MAX_UNITS)
    reason = reason_field("invoice 4411 from the weaver", label="Why")


class CountStockForm(forms.Form):
    on_hand = forms.IntegerField(label="Units on the shelf", min_value=0, max_value=MAX_UNITS)
    reason = reason_field("stock take, two torn", label="Why")


class StockFileForm(TableUploadForm):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "One row per product: sku, units on the shelf, and a reason if you like (≤ 1 MB, "
            "5,000 rows; comma, semicolon or tab; a header row is optional)."
        ),
    )
    reason = reason_field("March stock take", label="Reason for rows without one", required=False)
    read = staticmethod(read_stock_csv)


class ProductFilterForm(forms.Form):
    q = forms.CharField(label="SKU or name", required=False, max_length=100)
    fulfilled_by = forms.ChoiceField(
        label="Fulfilled by", required=False, choices=[("", "Anyone"), *FulfilledBy.choices]
    )
    active = forms.ChoiceField(
        label="Active",
        required=False,
        choices=[("", "All"), ("yes", "Active"), ("no", "Inactive")],
    )

    def filter(self, queryset):
        """The products matching the valid fields; invalid ones are shown as errors and ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        queryset = queryset.search(data.get("q", ""))
        if data.get("fulfilled_by"):
            queryset = queryset.filter(fulfilled_by=data["fulfilled_by"])
        if data.get("active"):
            queryset = queryset.filter(active=data["active"] == "yes")
        return queryset


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class DateRangeForm(forms.Form):
    """From and to dates (both included, in India's time); either may be left empty."""

    start = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    end = forms.DateField(label="To", required=False, widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if not (day_in_range(start) and day_in_range(end)):
            raise forms.ValidationError(DAY_OUT_OF_RANGE)
        if start and end and start > end:
            raise forms.ValidationError("The From date is after the To date.")
        return cleaned

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")
