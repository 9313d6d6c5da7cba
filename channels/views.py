"""CONFIGURATION › Sales Channels.

Every role sees the channels, as every role sees the Partner Feed page: Staff need to know which
channels exist and whether one is disabled when a customer asks why an order did not arrive. No
page shows a channel's secret but once, to the Owner who made it or rotated it: the Owner's
session marks the channel for the page that follows, and drawing that page takes the mark out.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from core.exceptions import ActionRefused
from core.panel import (
    COUNT_CAP,
    FormMessagesMixin,
    PanelListView,
    PanelPermissionMixin,
    capped_counts,
    count_label,
)
from core.permissions import CONFIGURE, VIEW_CHANNELS
from purchases.models import Purchase

from . import services
from .forms import ChannelForm
from .models import SalesChannel

NEW_SECRET_KEY = "channels.new_secret"


def show_secret_on_next_page(request, channel: SalesChannel, *, rotated: bool) -> None:
    """Mark the channel whose secret the next Sales Channels page shows (the id only: the secret
    itself is read from the channel when that page is drawn, and never kept in the session)."""
    request.session[NEW_SECRET_KEY] = {"channel_id": channel.pk, "rotated": rotated}


def secret_to_show(request) -> dict | None:
    """The secret marked for this page, taken out of the session: a reload no longer shows it."""
    marked = request.session.pop(NEW_SECRET_KEY, None)
    if not isinstance(marked, dict) or not request.user.has_perm(CONFIGURE):
        return None
    channel = SalesChannel.objects.filter(pk=marked.get("channel_id")).first()
    if channel is None:
        return None
    return {"channel": channel, "rotated": bool(marked.get("rotated"))}


class ChannelListView(PanelListView):
    """Every channel: what it is, whether it may send, what it sent, when its secret changed."""

    permission_required = VIEW_CHANNELS
    template_name = "channels/channel_list.html"
    extra_context = {"page_title": "Sales Channels", "active_menu": "configuration"}

    def get_queryset(self):
        return SalesChannel.objects.select_related("rotated_by").order_by("-active", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = context["object_list"]
        counts = {}
        if channels:
            purchases = {str(c.pk): Purchase.objects.filter(channel=c) for c in channels}
            counts = capped_counts(purchases, COUNT_CAP)
        now = timezone.now()
        for channel in channels:
            channel.purchases_label = count_label(counts[str(channel.pk)])
            # While the old secret still signs requests, the Owner sees until when.
            in_grace = len(channel.secrets_accepted(now)) > 1
            channel.old_secret_until = channel.previous_secret_until if in_grace else None
        context.update(
            may_configure=self.request.user.has_perm(CONFIGURE),
            new_secret=secret_to_show(self.request),
            grace_hours=int(services.SECRET_GRACE.total_seconds() // 3600),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["new_secret"]:
            add_never_cache_headers(response)  # Back must not show the secret again
        return response


class ChannelCreateView(PanelPermissionMixin, FormMessagesMixin, FormView):
    """Add a channel; its secret is shown on the next page, once."""

    permission_required = CONFIGURE
    invalid_message = "The channel was not added: please correct the marked fields."
    form_class = ChannelForm
    template_name = "channels/channel_form.html"
    extra_context = {"page_title": "Add a sales channel", "active_menu": "configuration"}

    def form_valid(self, form):
        try:
            channel = services.channel_create(user=self.request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        show_secret_on_next_page(self.request, channel, rotated=False)
        messages.success(self.request, f"Channel {channel.name} added.")
        return redirect("channels:channel-list")


class ChannelActionView(PanelPermissionMixin, SingleObjectMixin, View):
    """A POST on one channel by the Owner; the service checks role and state again."""

    permission_required = CONFIGURE
    model = SalesChannel
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        channel = self.get_object()
        try:
            self.act(channel)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        return redirect("channels:channel-list")

    def act(self, channel: SalesChannel) -> None:
        raise NotImplementedError


class ChannelRotateSecretView(ChannelActionView):
    def act(self, channel):
        channel = services.channel_rotate_secret(user=self.request.user, channel_id=channel.pk)
        show_secret_on_next_page(self.request, channel, rotated=True)
        messages.success(self.request, f"{channel.name} has a new secret.")


class ChannelSetActiveView(ChannelActionView):
    """Disable (`active=0`) or enable (`active=1`) the channel."""

    def act(self, channel):
        wanted = {"1": True, "0": False}.get(self.request.POST.get("active", ""))
        if wanted is None:
            messages.error(self.request, "Say whether to enable or to disable the channel.")
            return
        channel = services.channel_set_active(
            user=self.request.user, channel_id=channel.pk, active=wanted
        )
        if channel.active:
            messages.success(self.request, f"{channel.name} is enabled: its orders are taken.")
        else:
            messages.success(
                self.request, f"{channel.name} is disabled: its requests are refused from now on."
            )
