"""Forms of the purchase pages: the list's filters and the actions' input."""

from django import forms

from channels.models import SalesChannel
from core.panel import DAY_OUT_OF_RANGE, day_in_range

from .models import REASON_MAX_LENGTH
from .services import open_quantities_signature


class PurchaseFilterForm(forms.Form):
    """The filter form django-filter builds; adds the checks that span two fields."""

    def clean(self):
        cleaned = super().clean()
        for name in ("placed_after", "placed_before"):
            day = cleaned.get(name)
            if not day_in_range(day):
                self.add_error(name, DAY_OUT_OF_RANGE)
        after, before = cleaned.get("placed_after"), cleaned.get("placed_before")
        if after and before and after > before:
            self.add_error("placed_before", "The end date is before the start date.")
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "The highest amount is below the lowest.")
        return cleaned


class TransitionForm(forms.Form):
    """One transition of a purchase, by name, with the reason some transitions need."""

    transition = forms.CharField(max_length=50)
    reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH)


class CancelForm(forms.Form):
    """Cancel a whole purchase's open own items, or chosen quantities of them.

    `open_items` are the own items still open when the page was drawn; `seen` is what the page
    showed of them, so a second submit of the same page (a double click, a retry) is recognised.
    """

    WHOLE, ITEMS = "whole", "items"

    reason = forms.CharField(max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(
        choices=[(WHOLE, "Everything not yet handed over"), (ITEMS, "Only the quantities below")],
        initial=WHOLE,
        widget=forms.RadioSelect,
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, open_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_items = list(open_items)
        for item in self.open_items:
            self.fields[self.quantity_field(item)] = forms.IntegerField(
                label=f"{item.sku} {item.name}",
                required=False,
                min_value=0,
                max_value=item.open_quantity,
                # Typing a quantity chooses "Only the quantities below" (static/js/panel.js).
                widget=forms.NumberInput(
                    attrs={"class": "quantity", "data-chooses": f"[name=scope][value={self.ITEMS}]"}
                ),
            )
        if not self.is_bound:
            self.initial["seen"] = open_quantities_signature(self.open_items)

    @staticmethod
    def quantity_field(item) -> str:
        return f"quantity_{item.pk}"

    def quantity_rows(self):
        """(item, bound field) for the template's table of open items."""
        return [(item, self[self.quantity_field(item)]) for item in self.open_items]

    def clean(self):
        cleaned = super().clean()
        if self._errors:
            return cleaned
        typed = any(cleaned.get(self.quantity_field(item)) for item in self.open_items)
        if cleaned.get("scope") == self.ITEMS and not typed:
            raise forms.ValidationError("Enter how many of which items to cancel.")
        if cleaned.get("scope") == self.WHOLE and typed:
            # Quantities typed under "everything" are a slip of the hand: cancelling everything
            # cannot be undone, so nothing is done until the choice is clear.
            raise forms.ValidationError(
                "You typed quantities but chose “Everything not yet handed over”. Choose “Only "
                "the quantities below” to cancel just those, or clear them; nothing was cancelled."
            )
        return cleaned

    def item_quantities(self) -> dict[int, int] | None:
        """Item id → quantity to cancel; None to cancel everything still open."""
        if self.cleaned_data.get("scope") != self.ITEMS:
            return None
        return {
            item.pk: self.cleaned_data.get(self.quantity_field(item)) or 0
            for item in self.open_items
            if self.cleaned_data.get(self.quantity_field(item))
        }


class PurchaseImportForm(forms.Form):
    """A channel and its file of orders, to preview (the view reads and checks the file)."""

    channel = forms.ModelChoiceField(
        queryset=SalesChannel.objects.active(),
        empty_label="Choose a channel…",
        help_text="Where the orders came from: each order's reference is unique per channel.",
    )
    file = forms.FileField(
        label="File of orders",
        help_text="CSV (UTF-8) or Excel .xlsx, a row per order line; at most 2 MB and 5,000 rows.",
    )
