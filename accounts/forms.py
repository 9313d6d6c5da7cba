"""Forms of ACCOUNTS › Users and Roles."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from .services import ROLES

ROLE_CHOICES = [(role, role) for role in ROLES]
ROLE_HELP = {
    "Owner": "everything, including configuration, cancelling and users",
    "Staff": "fulfil and print; no configuration, no cancelling",
    "Viewer": "read only",
}


class UserAddForm(BaseUserCreationForm):
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        initial="Staff",
        help_text="; ".join(f"{role}: {text}" for role, text in ROLE_HELP.items()),
    )

    class Meta(BaseUserCreationForm.Meta):
        fields = ["username", "first_name", "last_name", "email"]
