"""The partner feed endpoint, its settings page and the rejected events list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView, TemplateView

from core.panel import ForgivingPaginationMixin
from core.permissions import CONFIGURE, VIEW_PARTNER_FEED, VIEW_REJECTED_EVENTS

from . import feed, services
from .exceptions import FeedRefused
from .models import PartnerEvent, PartnerFeedSettings, RejectedPartnerEvent, RejectionReason


@method_decorator([csrf_exempt, login_not_required], name="dispatch")
class PartnerFeedView(View):
    """POST a signed batch of events (docs/partner-feed.md); answers JSON, never a page."""

    http_method_names = ["post"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = JsonResponse(
            {
                "status": "rejected",
                "reason": "method_not_allowed",
                "detail": "POST only.",
                "results": [],
            },
            status=405,
        )
        response["Allow"] = "POST"
        return response

    def post(self, request):
        source = request.META.get("REMOTE_ADDR", "")
        try:
            body = _read_limited_body(request)
        except FeedRefused as refusal:
            outcome = services.partner_request_refuse(refusal=refusal, body=b"", source=source)
        else:
            outcome = services.partner_feed_receive(
                body=body,
                timestamp=request.headers.get(feed.TIMESTAMP_HEADER),
                signature=request.headers.get(feed.SIGNATURE_HEADER),
                source=source,
            )
        return JsonResponse(outcome.body, status=outcome.http_status)


def _read_limited_body(request) -> bytes:
    """The body, read no further than the limit, whatever Content-Length claims."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_large = FeedRefused(
        RejectionReason.BODY_TOO_LARGE,
        f"The body may hold at most {feed.MAX_BODY_BYTES:,} bytes; split the batch.",
        http_status=413,
    )
    if declared > feed.MAX_BODY_BYTES:
        raise too_large
    body = request.read(feed.MAX_BODY_BYTES + 1)
    if len(body) > feed.MAX_BODY_BYTES:
        raise too_large
    return body


class PartnerFeedSettingsView(PermissionRequiredMixin, TemplateView):
    """Where the feed is and how it is signed; the secret itself only for the Owner."""

    permission_required = VIEW_PARTNER_FEED
    template_name = "partners/settings.html"
    extra_context = {"page_title": "Partner Feed", "active_menu": "configuration"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_configure = self.request.user.has_perm(CONFIGURE)
        feed_settings = PartnerFeedSettings.objects.current()
        context.update(
            may_configure=may_configure,
            secret=feed_settings.secret if may_configure else None,
            feed_settings=feed_settings,
            endpoint=self.request.build_absolute_uri(reverse("partners:feed")),
            timestamp_header=feed.TIMESTAMP_HEADER,
            signature_header=feed.SIGNATURE_HEADER,
            window=feed.TIMESTAMP_WINDOW_SECONDS,
            max_body=feed.MAX_BODY_BYTES,
            max_events=feed.MAX_EVENTS,
            last_event=PartnerEvent.objects.order_by("-received_at", "-id").first(),
            rejected_count=RejectedPartnerEvent.objects.count(),
        )
        return context


class PartnerFeedSecretRotateView(PermissionRequiredMixin, View):
    """POST: replace the shared secret (Owner only)."""

    permission_required = CONFIGURE

    def post(self, request):
        services.partner_feed_rotate_secret(user=request.user)
        messages.success(
            request,
            "A new secret is in force; requests signed with the old one are refused. "
            "Give the new secret to Infibeam.",
        )
        return redirect("partners:settings")


class RejectedPartnerEventListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    """Every refused request or event, newest first, with what was received."""

    permission_required = VIEW_REJECTED_EVENTS
    paginate_by = 50
    template_name = "partners/rejected_list.html"
    extra_context = {"page_title": "Rejected Partner Events", "active_menu": "configuration"}

    def get_queryset(self):
        queryset = RejectedPartnerEvent.objects.for_list()
        if self.reason:
            queryset = queryset.filter(reason=self.reason)
        return queryset

    def get(self, request, *args, **kwargs):
        reason = request.GET.get("reason", "")
        self.reason = reason if reason in RejectionReason.values else ""
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reasons"] = RejectionReason.choices
        context["reason"] = self.reason
        return context
