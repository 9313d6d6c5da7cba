"""Forms of the CONFIGURATION and CUSTOMIZATION pages (Owner only)."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.india import GstState, is_valid_gstin, normalise_gstin, normalise_mobile
from shipments.models import ShippingAgent, tracking_url

from .models import StoreProfile
from .numbering import INVOICE_NUMBER_MAX_LENGTH, max_prefix_length, number_preview

# Letters and digits only; how many fit is max_prefix_length(), checked beside it.
PREFIX_RE = re.compile(r"^[A-Z0-9]+$")
# A group holding a repetition, itself repeated: ( ... + ... )+ , ( ... {2} ... )* and so on.
NESTED_REPEAT = re.compile(r"\([^()]*(?:[+*]|\{\d+,?\d*\})[^()]*\)\s*(?:[+*]|\{\d+,?\d*\})")


class StoreProfileForm(forms.ModelForm):
    """The supplier particulars printed on invoices and slips issued from now on."""

    # Longer than stored, so that spaces, dashes and +91 can be typed and are then removed.
    gstin = forms.CharField(
        label="GSTIN", max_length=20, help_text="15 characters; the first two are the state code."
    )
    pin_code = forms.CharField(label="PIN code", max_length=8)
    phone = forms.CharField(
        label="Mobile", max_length=16, help_text="Ten digits; +91 and spaces are removed."
    )
    eway_bill_threshold = forms.DecimalField(
        label="E-way bill needed from (between states), ₹",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Goods worth this much or more, tax included; empty: ₹50,000, the law's limit.",
    )
    eway_bill_intra_state_threshold = forms.DecimalField(
        label="E-way bill needed from (within the state), ₹",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Your state's limit for moves within it; empty: ₹50,000.",
    )

    class Meta:
        model = StoreProfile
        fields = [
            "legal_name",
            "display_name",
            "gstin",
            "state",
            "address_line1",
            "address_line2",
            "city",
            "pin_code",
            "phone",
            "email",
            "eway_bill_threshold",
            "eway_bill_intra_state_threshold",
        ]
        labels = {
            "legal_name": "Legal name (as registered for GST)",
            "display_name": "Display name",
            "address_line1": "Pickup and return address",
            "address_line2": "Address, second line",
        }

    def clean_gstin(self) -> str:
        return normalise_gstin(self.cleaned_data["gstin"])

    def clean_pin_code(self) -> str:
        return (self.cleaned_data["pin_code"] or "").replace(" ", "")

    def clean_phone(self) -> str:
        return normalise_mobile(self.cleaned_data["phone"])

    def clean_eway_bill_threshold(self):
        return _or_the_law(self.cleaned_data["eway_bill_threshold"])

    def clean_eway_bill_intra_state_threshold(self):
        return _or_the_law(self.cleaned_data["eway_bill_intra_state_threshold"])

    def clean(self):
        cleaned = super().clean()
        gstin, state = cleaned.get("gstin"), cleaned.get("state")
        if gstin and state and is_valid_gstin(gstin) and gstin[:2] != state:
            # is_valid_gstin knows its state code
            self.add_error(
                "state",
                f"The GSTIN {gstin} is registered in {GstState(gstin[:2]).label} ({gstin[:2]}), "
                f"not {GstState(state).label} ({state}).",
            )
        return cleaned


EWAY_BILL_LIMIT = Decimal("50000.00")  # CGST rule 138(1)


def _or_the_law(limit: Decimal | None) -> Decimal:
    return EWAY_BILL_LIMIT if limit is None else limit


class DocumentPrefixesForm(forms.ModelForm):
    """The letters that start the invoice and credit note numbers issued from now on."""

    # Wider than the model allows, so a long prefix gets the explanation below, not a bare limit.
    invoice_prefix = forms.CharField(
        label="Invoice prefix", max_length=20, help_text="Capital letters and digits, e.g. WS."
    )
    credit_note_prefix = forms.CharField(
        label="Credit note prefix", max_length=20, help_text="Capital letters and digits, e.g. CN."
    )

    class Meta:
        model = StoreProfile
        fields = ["invoice_prefix", "credit_note_prefix"]

    def _clean_prefix(self, name: str) -> str:
        prefix = (self.cleaned_data[name] or "").strip().upper()
        longest = max_prefix_length()
        if not PREFIX_RE.match(prefix) or len(prefix) > longest:
            raise forms.ValidationError(
                f"Use 1 to {longest} capital letters or digits, nothing else: a number such as "
                f"{number_preview('WS', sequence=124)} may have {INVOICE_NUMBER_MAX_LENGTH} "
                "characters at most."
            )
        return prefix

    def clean_invoice_prefix(self) -> str:
        return self._clean_prefix("invoice_prefix")

    def clean_credit_note_prefix(self) -> str:
        return self._clean_prefix("credit_note_prefix")

    def clean(self):
        cleaned = super().clean()
        invoice, note = cleaned.get("invoice_prefix"), cleaned.get("credit_note_prefix")
        if invoice and invoice == note:
            # Both series count from 1 each year: one prefix would print the same number twice.
            self.add_error(
                "credit_note_prefix",
                "Choose a prefix other than the invoices' one: with the same prefix, a credit note "
                "and an invoice would carry the same number.",
            )
        return cleaned


class ShippingAgentForm(forms.ModelForm):
    class Meta:
        model = ShippingAgent
        fields = [
            "name",
            "code",
            "tracking_url_template",
            "awb_pattern",
            "collects_cod",
            "transporter_id",
            "active",
        ]
        labels = {"tracking_url_template": "Tracking URL"}
        help_texts = {
            "code": "Short and unique, e.g. BLUEDART; capitals, digits, - and _.",
            "tracking_url_template": "Put {awb} where the AWB number goes, e.g. "
            "https://www.delhivery.com/track/package/{awb}",
            "awb_pattern": "Optional. A regular expression every AWB of this courier matches, "
            "e.g. [0-9]{11} for eleven digits. AWBs that do not match are refused.",
            "active": "Inactive couriers keep their shipments but cannot be assigned new ones.",
            "transporter_id": "Optional. The courier's GSTIN or transporter ID (15 characters), "
            "filled into the e-way bills of its parcels.",
        }

    def clean_code(self) -> str:
        code = (self.cleaned_data["code"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9_-]{2,20}", code):
            raise forms.ValidationError("Use 2 to 20 capital letters, digits, - or _.")
        return code

    def clean_name(self) -> str:
        name = " ".join((self.cleaned_data["name"] or "").split())
        others = ShippingAgent.objects.exclude(pk=self.instance.pk).filter(name__iexact=name)
        if others.exists():
            raise forms.ValidationError(
                f"There is already a courier called {name}: the lists would not tell them apart."
            )
        return name

    def clean_tracking_url_template(self) -> str:
        template = (self.cleaned_data["tracking_url_template"] or "").strip()
        if "{awb}" not in template or not template.startswith(("https://", "http://")):
            return template  # the model's validator says what is missing
        try:  # with an AWB in its place, the address must be one a browser can open
            URLValidator(schemes=["http", "https"])(tracking_url(template, "1234567890"))
        except ValidationError:
            raise forms.ValidationError(
                "This is not a web address a browser can open, e.g. "
                "https://www.delhivery.com/track/package/{awb}"
            ) from None
        return template

    def clean_awb_pattern(self) -> str:
        pattern = (self.cleaned_data["awb_pattern"] or "").strip()
        if NESTED_REPEAT.search(pattern):
            # (a+)+ and the like take exponential time on some inputs: one AWB typed could keep
            # the server busy for hours.
            raise forms.ValidationError(
                "Do not repeat a group that itself repeats, such as (A+)+ or ([0-9]{2})*: write "
                "what one AWB looks like, e.g. [0-9]{11} or SF[0-9]{10}."
            )
        return pattern
