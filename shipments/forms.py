"""Forms of the shipment pages. They check what was typed; the services decide what may happen."""

from django import forms
from django.core.exceptions import ValidationError

from core.india import normalise_mobile, validate_mobile
from core.tables import TableUploadForm

from .awb_csv import read_awb_csv
from .models import ShippingAgent
from .services import AWB_TYPED_MAX_LENGTH


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agent: ShippingAgent) -> str:
        return agent.name if agent.collects_cod else f"{agent.name} (prepaid only)"


class AwbCsvForm(TableUploadForm):
    file = forms.FileField(
        label="CSV file",
        help_text="One line per parcel: purchase or shipment reference, agent code, AWB (≤ 1 MB).",
    )
    read = staticmethod(read_awb_csv)


class SplitShipmentForm(forms.Form):
    """Which quantity of each own item goes into the new shipment, and with which courier."""

    agent = AgentChoiceField(queryset=ShippingAgent.objects.none(), empty_label="Choose a courier…")

    def __init__(self, *args, items, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.items = [item for item in items if item.unassigned_quantity > 0]
        for item in self.items:
            self.fields[self.field_name(item)] = forms.IntegerField(
                label=f"{item.name} ({item.sku})",
                min_value=0,
                max_value=item.unassigned_quantity,
                initial=item.unassigned_quantity,
            )

    @staticmethod
    def field_name(item) -> str:
        return f"qty-{item.pk}"

    def clean(self):
        cleaned = super().clean()
        if (
            self.items
            and not self.errors
            and not any(cleaned.get(self.field_name(i)) for i in self.items)
        ):
            raise ValidationError("Put at least one item in the shipment.")
        return cleaned

    def quantities(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[self.field_name(item)] for item in self.items}

    def item_rows(self):
        return [(item, self[self.field_name(item)]) for item in self.items]


class ScanForm(forms.Form):
    code = forms.CharField(
        label="Scan the slip's barcode (AWB or shipment reference)",
        max_length=100,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )


class HandoverFinishForm(forms.Form):
    pickup_person = forms.CharField(label="Pickup person", max_length=100, strip=True)
    pickup_mobile = forms.CharField(
        label="Mobile",
        max_length=20,  # room for +91 and spaces, as people write it
        strip=True,
        validators=[lambda value: validate_mobile(normalise_mobile(value))],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class ChangeAgentForm(forms.Form):
    agent = AgentChoiceField(
        queryset=ShippingAgent.objects.active(), empty_label=None, label="Courier"
    )


class RecordAwbForm(forms.Form):
    awb = forms.CharField(label="AWB", max_length=AWB_TYPED_MAX_LENGTH, strip=True)
