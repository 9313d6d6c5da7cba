"""Manage Shipments, and the shipment page with its actions: correct the courier or the AWB until
handover, or hand the parcel over."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, TemplateView

from core.bulk import pop_report
from core.exceptions import ActionRefused, InvalidInput
from core.panel import page_of, print_url, safe_next
from core.permissions import FULFIL, PRINT, VIEW_SHIPMENT
from purchases.models import AuditEntry

from . import services
from .filters import ShipmentFilter
from .forms import ChangeAgentForm, RecordAwbForm
from .handover import shipment_hand_over_in_batch
from .models import Shipment, ShipmentItem
from .queue import decorate_shipments
from .queue_rows import row_urls

PER_PAGE = 25


class ShipmentListView(PermissionRequiredMixin, TemplateView):
    """All shipments, filtered in the URL, paged without counting the whole table."""

    permission_required = VIEW_SHIPMENT
    template_name = "shipments/shipment_list.html"
    extra_context = {"page_title": "Manage Shipments", "active_menu": "purchases"}

    def get_queryset(self):
        base = Shipment.objects.all()
        self.filterset = ShipmentFilter(self.request.GET or None, queryset=base)
        # A bad parameter is reported on the page and left out; the other filters still apply.
        return self.filterset.qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        queryset = self.get_queryset()
        page = page_of(
            queryset,
            self.request.GET.get("page"),
            PER_PAGE,
            build=lambda rows: list(decorate_shipments(rows)),
            keys_first=True,
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        context = {
            "filter": self.filterset,
            "page": page,
            "object_list": page.rows,
            "query": params.urlencode(),
            "previous_url": "?" + urlencode({**dict(params.items()), "page": page.previous_number}),
            "next_url": "?" + urlencode({**dict(params.items()), "page": page.next_number}),
            "can_fulfil": self.request.user.has_perm(FULFIL),
            "can_print": self.request.user.has_perm(PRINT),
            "print_url": print_url(),
            "here": self.request.get_full_path(),
            "report": pop_report(self.request),
            "urls": row_urls(),
        }
        context.update(self.extra_context)
        return context


class ShipmentDetailView(PermissionRequiredMixin, DetailView):
    """One shipment: its lines, courier, AWB and tracking, COD, state, and its audit entries."""

    permission_required = VIEW_SHIPMENT
    template_name = "shipments/shipment_detail.html"
    context_object_name = "shipment"

    def get_queryset(self):
        lines = Prefetch(
            "lines",
            queryset=ShipmentItem.objects.select_related("item").order_by("item__line_number"),
            to_attr="line_list",
        )
        return (
            Shipment.objects.for_list()
            .select_related("purchase__customer", "handover_batch")
            .prefetch_related(lines)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shipment = self.object
        context.update(
            page_title=f"Shipment {shipment.reference}",
            active_menu="purchases",
            audit_entries=AuditEntry.objects.filter(
                purchase_id=shipment.purchase_id, subject="shipment", subject_id=shipment.pk
            ).timeline(),
            can_fulfil=self.request.user.has_perm(FULFIL),
            can_print=self.request.user.has_perm(PRINT),
            print_url=print_url(),
            here=self.request.path,
            agent_form=ChangeAgentForm(initial={"agent": shipment.agent_id}),
            awb_form=RecordAwbForm(initial={"awb": shipment.awb or ""}),
        )
        return context


def slip_to_reprint(before: Shipment, after: Shipment, why: str) -> str:
    """A sentence for the message when a correction made the printed slip wrong."""
    if before.has_slip_printed() and not after.has_slip_printed():
        return f" Print its address slip again: the printed one {why}."
    return ""


class ShipmentActionView(PermissionRequiredMixin, View):
    """Correct the courier or the AWB until handover, or hand the shipment over."""

    permission_required = FULFIL

    def post(self, request, pk):
        shipment = get_object_or_404(Shipment, pk=pk)
        back = safe_next(request, reverse("shipments:shipment-detail", args=[shipment.pk]))
        act = {
            "change_agent": self.change_agent,
            "record_awb": self.record_awb,
            "hand_over": self.hand_over,
        }.get(request.POST.get("action", ""))
        if act is None:
            messages.error(request, "Unknown action; nothing was changed.")
            return HttpResponseRedirect(back)
        try:
            messages.success(request, act(request, shipment))
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        return HttpResponseRedirect(back)

    @staticmethod
    def change_agent(request, shipment: Shipment) -> str:
        form = ChangeAgentForm(request.POST)
        if not form.is_valid():
            raise InvalidInput("Choose an active courier.")
        updated = services.shipment_change_agent(
            shipment_id=shipment.pk, user=request.user, agent_id=form.cleaned_data["agent"].pk
        )
        return f"{updated.reference} is now with {updated.agent.name}." + slip_to_reprint(
            shipment, updated, "names the old courier"
        )

    @staticmethod
    def record_awb(request, shipment: Shipment) -> str:
        updated = services.shipment_record_awb(
            shipment_id=shipment.pk, user=request.user, awb=request.POST.get("awb", "")
        )
        return f"{updated.reference}: AWB {updated.awb} recorded." + slip_to_reprint(
            shipment, updated, "does not carry this AWB"
        )

    @staticmethod
    def hand_over(request, shipment: Shipment) -> str:
        updated, batch = shipment_hand_over_in_batch(shipment_id=shipment.pk, user=request.user)
        return f"{updated.reference} handed to {updated.agent.name} (batch {batch.pk})."
