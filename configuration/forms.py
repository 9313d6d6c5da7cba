"""Forms of the CONFIGURATION and CUSTOMIZATION pages (Owner only)."""

import re

from django import forms

from shipments.models import ShippingAgent
from webstore.india import GstState, is_valid_gstin, normalise_gstin, normalise_mobile

from .models import StoreProfile
from .numbering import INVOICE_NUMBER_MAX_LENGTH, max_prefix_length, number_preview

# Letters and digits only; how many fit is max_prefix_length(), checked beside it.
PREFIX_RE = re.compile(r"^[A-Z0-9]+$")


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


class ShippingAgentForm(forms.ModelForm):
    class Meta:
        model = ShippingAgent
        fields = ["name", "code", "tracking_url_template", "awb_pattern", "collects_cod", "active"]
        labels = {"tracking_url_template": "Tracking URL"}
        help_texts = {
            "code": "Short and unique, e.g. BLUEDART; capitals, digits, - and _.",
            "tracking_url_template": "Put {awb} where the AWB number goes, e.g. "
            "https://www.delhivery.com/track/package/{awb}",
            "awb_pattern": "Optional. A regular expression every AWB of this courier matches, "
            "e.g. [0-9]{11} for eleven digits. AWBs that do not match are refused.",
            "active": "Inactive couriers keep their shipments but cannot be assigned new ones.",
        }

    def clean_code(self) -> str:
        code = (self.cleaned_data["code"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9_-]{2,20}", code):
            raise forms.ValidationError("Use 2 to 20 capital letters, digits, - or _.")
        return code

    def clean_tracking_url_template(self) -> str:
        return (self.cleaned_data["tracking_url_template"] or "").strip()

    def clean_awb_pattern(self) -> str:
        return (self.cleaned_data["awb_pattern"] or "").strip()
