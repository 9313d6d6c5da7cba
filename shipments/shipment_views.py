"""Manage Shipments, and the shipment page with its actions: correct the courier or the AWB until
handover, or hand the parcel over."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from core.bulk import pop_report
from core.exceptions import ActionRefused, InvalidInput
from core.panel import page_of, print_url, safe_next
from core.permissions import FULFIL, PRINT, VIEW_SHIPMENT
from deliveries import tabs as delivery_tabs
from deliveries.models import DeliveryInstruction, TrackingScan
from deliveries.reattempts import RESENT_DAYS
from deliveries.rules import instruction_words
from deliveries.services import LATEST_REATTEMPT
from purchases.models import AuditEntry

from . import services
from .filters import ShipmentFilter
from .forms import ChangeAgentForm, RecordAwbForm
from .handover import shipment_hand_over_in_batch
from .models import Shipment, ShipmentItem, ShippingAgent
from .queue import decorate_shipments
from .queue_rows import row_urls

PER_PAGE = 25


def shipment_tabs(current: str) -> list[dict]:
    """All shipments, then the delivery tabs with their capped counts (one query)."""
    counts = delivery_tabs.tab_counts()
    tabs = [
        {
            "slug": "",
            "label": "All shipments",
            "count": None,
            "url": reverse("shipments:shipment-list"),
            "current": not current,
        }
    ]
    for tab in delivery_tabs.TABS:
        tabs.append(
            {
                "slug": tab.slug,
                "label": tab.label,
                "count": counts[tab.slug],
                "url": delivery_tabs.tab_url(tab.slug),
                "current": tab.slug == current,
            }
        )
    return tabs


class ShipmentListView(PermissionRequiredMixin, TemplateView):
    """All shipments, filtered in the URL, paged without counting the whole table; or one of the
    delivery tabs (`?tab=action|transit|delivered|rto`) of the parcels handed over."""

    permission_required = VIEW_SHIPMENT
    template_name = "shipments/shipment_list.html"
    extra_context = {"page_title": "Manage Shipments", "active_menu": "purchases"}

    def get(self, request, *args, **kwargs):
        self.tab = delivery_tabs.tab_for(request.GET.get("tab"))
        if self.tab is not None:
            self.template_name = "shipments/delivery_tab.html"
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        base = Shipment.objects.all()
        self.filterset = ShipmentFilter(self.request.GET or None, queryset=base)
        # A bad parameter is reported on the page and left out; the other filters still apply.
        return self.filterset.qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        if self.tab is not None:
            return self.delivery_context()
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
            "tabs": shipment_tabs(""),
        }
        context.update(self.extra_context)
        return context

    def delivery_context(self) -> dict:
        """A delivery tab: its page of parcels and, on Action needed, the reattempts to send."""
        tab, request = self.tab, self.request
        keys = delivery_tabs.page_keys(tab, request.GET.get("page"), PER_PAGE)
        page = replace(keys, rows=delivery_tabs.delivery_rows(keys.rows, row_urls()))
        acting = tab.slug == "action"
        context = {
            **self.extra_context,
            "tab": tab,
            "tabs": shipment_tabs(tab.slug),
            "page": page,
            "previous_url": "?" + urlencode({"tab": tab.slug, "page": page.previous_number}),
            "next_url": "?" + urlencode({"tab": tab.slug, "page": page.next_number}),
            "can_fulfil": request.user.has_perm(FULFIL),
            "here": request.get_full_path(),
            "report": pop_report(request),
            "reattempts": delivery_tabs.reattempts_waiting() if acting else [],
            "agents": ShippingAgent.objects.order_by("name") if acting else [],
            "resent_days": RESENT_DAYS,
            "today": timezone.localdate(),
            "latest_day": timezone.localdate() + LATEST_REATTEMPT,
        }
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
            **delivery_history(shipment),
            today=timezone.localdate(),
            latest_day=timezone.localdate() + LATEST_REATTEMPT,
        )
        return context


def delivery_history(shipment: Shipment) -> dict:
    """A handed-over shipment's scans, newest first, and the answers given to its failed
    deliveries (each with its words); two queries, none before the handover."""
    if not shipment.delivery_status:
        return {"scans": [], "instructions": []}
    instructions = DeliveryInstruction.objects.filter(shipment=shipment).select_related("given_by")
    return {
        "scans": TrackingScan.objects.filter(shipment=shipment).order_by("-scanned_at", "-id"),
        "instructions": [(each, instruction_words(each)) for each in instructions],
    }


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
