"""Forms of the CUSTOMER SERVICE pages."""

from django import forms

from core.india import normalise_gstin

from .models import Customer


class CustomerGstinForm(forms.ModelForm):
    """A customer's GSTIN, printed on their tax invoices issued from now on; empty when
    unregistered. The model's validator checks the state code, PAN and check character."""

    # Longer than stored, so that spaces and dashes can be typed and are then removed.
    gstin = forms.CharField(
        label="GSTIN",
        max_length=20,
        required=False,
        help_text="15 characters; the first two are the state code. Leave empty if the customer "
        "is not registered for GST.",
    )

    class Meta:
        model = Customer
        fields = ["gstin"]

    def clean_gstin(self) -> str:
        return normalise_gstin(self.cleaned_data["gstin"])
