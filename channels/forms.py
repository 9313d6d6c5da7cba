"""Forms of the channel pages. They check what was typed; the services decide what may happen."""

from django import forms

from .models import ChannelKind, SalesChannel


class ChannelForm(forms.Form):
    name = forms.CharField(
        max_length=SalesChannel._meta.get_field("name").max_length,
        help_text="As the Owner and staff call it: Web storefront, Amazon, Phone orders.",
    )
    code = forms.SlugField(
        max_length=SalesChannel._meta.get_field("code").max_length,
        help_text="Letters, digits, - and _: names the channel in files and commands (web-store).",
    )
    kind = forms.ChoiceField(choices=ChannelKind.choices)


class RefusedOrderFilterForm(forms.Form):
    channel = forms.ChoiceField(required=False)
    code = forms.CharField(required=False, max_length=40, strip=True)

    NO_CHANNEL = "none"

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            ("", "All channels"),
            *((str(channel.pk), channel.name) for channel in channels),
            (self.NO_CHANNEL, "No channel (unsigned or unknown)"),
        ]

    def filter(self, queryset):
        """The refusals matching the valid fields; invalid ones are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("channel") == self.NO_CHANNEL:
            queryset = queryset.filter(channel__isnull=True)
        elif data.get("channel"):
            queryset = queryset.filter(channel_id=int(data["channel"]))
        if data.get("code"):
            queryset = queryset.filter(code=data["code"])
        return queryset
