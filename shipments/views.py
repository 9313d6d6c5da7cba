"""Shipment pages: the Fulfill Shipments work queue, scan to hand over, Manage Shipments.

Views stay thin: they read the request, call services (through shipments.bulk for selections) and
redirect; a bulk result is kept in the session and shown once on the page the user returns to.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from core.exceptions import ActionRefused, InvalidInput
from core.html import QueueOptions, queue_rows
from core.panel import MAX_ID, page_of, print_url, safe_next
from core.permissions import FULFIL, PRINT, VIEW_PURCHASE, VIEW_SHIPMENT
from purchases.models import AuditEntry, Purchase

from . import services
from .actions import ACTIONS, run_on_rows
from .awb_csv import record_awb_lines
from .bulk import keep_report, pop_report
from .filters import ShipmentFilter
from .forms import (
    AwbCsvForm,
    ChangeAgentForm,
    HandoverFinishForm,
    RecordAwbForm,
    ScanForm,
    SplitShipmentForm,
)
from .handover import (
    batches_of_sitting,
    handover_batch_close,
    handover_scan,
    shipment_hand_over_in_batch,
)
from .models import Shipment, ShipmentItem, ShippingAgent
from .queue import STEPS, decorate_shipments, step_counts, step_for
from .queue_rows import row_urls

REFUSED_AWBS_KEY = "shipments.refused_awbs"
LAST_SCAN_KEY = "shipments.last_scan"
MAX_SELECTION = 500
PER_PAGE_CHOICES = (25, 50, 100, 200)
# 25 rows keep a page inside its time budget; staff pick 50–200 for a big bulk action.
DEFAULT_PER_PAGE = 25


def agent_options(agents) -> str:
    """The <option>s of a courier <select>, built once for the page (each row repeats them)."""
    return format_html_join(
        "",
        '<option value="{}">{}{}</option>',
        (
            (agent.pk, agent.name, "" if agent.collects_cod else " (prepaid only)")
            for agent in agents
        ),
    )


def fulfil_url(step_slug: str, **params) -> str:
    query = {"step": step_slug, **{k: v for k, v in params.items() if v}}
    return reverse("shipments:fulfil") + "?" + urlencode(query)


def selected_ids(request) -> list[int]:
    """The rows to act on: `?only=<id>` (a row's own button) or the ticked boxes, in page order."""
    only = request.GET.get("only")
    raw = [only] if only else request.POST.getlist("ids")
    ids = []
    for value in raw:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < pk <= MAX_ID and pk not in ids:
            ids.append(pk)
    return ids


# -- Fulfill Shipments ---------------------------------------------------------------------


class FulfilShipmentsView(PermissionRequiredMixin, TemplateView):
    """The work queue: one tab per next step, oldest first, with the step's actions."""

    permission_required = VIEW_PURCHASE
    template_name = "shipments/fulfil.html"
    extra_context = {"page_title": "Fulfill Shipments", "active_menu": "purchases"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        step = step_for(self.request.GET.get("step"))
        per_page = self._per_page()
        counts = step_counts()
        urls = row_urls()
        page = page_of(
            step.rows(),
            self.request.GET.get("page"),
            per_page,
            build=lambda rows: step.build_rows(rows, urls),
            keys_first=True,
        )
        can_fulfil = self.request.user.has_perm(FULFIL)
        can_print = self.request.user.has_perm(PRINT)
        agents = ""
        if can_fulfil and step.slug == "assign":
            agents = agent_options(ShippingAgent.objects.active())
        refused_awbs = self.request.session.pop(REFUSED_AWBS_KEY, {})  # shown once, like a report
        if step.slug == "print":
            for row in page.rows:
                row.refused_awb = refused_awbs.get(row.pk, "")
        row_options = QueueOptions(
            step.slug,
            step.kind,
            can_fulfil,
            can_print and bool(print_url()),
            agents,
            awb_max_length=services.AWB_TYPED_MAX_LENGTH,
        )
        context.update(
            step=step,
            tabs=[
                {
                    "step": s,
                    "count": counts[s.slug],
                    "url": fulfil_url(s.slug, per_page=self._per_page_param()),
                    "current": s == step,
                }
                for s in STEPS
            ],
            page=page,
            rows_html=queue_rows(page.rows, row_options),
            per_page=per_page,
            per_page_choices=PER_PAGE_CHOICES,
            can_fulfil=can_fulfil,
            can_print=can_print,
            print_url=print_url(),
            agent_options=agents,
            report=pop_report(self.request),
            here=self.request.get_full_path(),
            previous_url=fulfil_url(
                step.slug, page=page.number - 1, per_page=self._per_page_param()
            ),
            next_url=fulfil_url(step.slug, page=page.number + 1, per_page=self._per_page_param()),
        )
        if can_fulfil and step.slug == "print":
            context["csv_form"] = AwbCsvForm()
        return context

    def _per_page_param(self):
        value = self.request.GET.get("per_page")
        return value if value and value.isdigit() and int(value) in PER_PAGE_CHOICES else ""

    def _per_page(self) -> int:
        return int(self._per_page_param() or DEFAULT_PER_PAGE)


class FulfilActionView(PermissionRequiredMixin, View):
    """One step's action on one row (`?only=<id>`) or on the ticked rows; reports row by row."""

    permission_required = FULFIL

    def post(self, request):
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, "Press one of the action buttons; nothing was changed.")
            return redirect(fulfil_url(step_for(request.POST.get("step")).slug))
        ids = selected_ids(request)
        typing_awbs = action.name == "record_awb"
        if typing_awbs and not request.GET.get("only"):
            ids = self._typed_awb_ids(request, ids)
        back = HttpResponseRedirect(safe_next(request, fulfil_url(action.step.slug)))
        if not ids:
            messages.warning(request, f"{action.label}: {action.nothing_chosen}")
            return back
        if len(ids) > MAX_SELECTION:
            too_many = f"select at most {MAX_SELECTION} rows at once; nothing was changed."
            messages.error(request, f"{action.label}: {too_many}")
            return back
        report = run_on_rows(action, ids, user=request.user, typed=request.POST)
        keep_report(request, report)
        if typing_awbs:
            # What was typed in a refused row is put back in its box, to be corrected, not retyped.
            request.session[REFUSED_AWBS_KEY] = {
                str(pk): request.POST.get(f"awb-{pk}", "")[: services.AWB_TYPED_MAX_LENGTH]
                for pk, row in zip(ids, report.rows, strict=True)
                if not row.ok and request.POST.get(f"awb-{pk}", "").strip()
            }
        return back

    @staticmethod
    def _typed_awb_ids(request, ticked: list[int]) -> list[int]:
        """Ticked rows (refused if empty) and rows whose typed AWB differs from the recorded one."""
        typed = {
            pk: services.normalise_awb(request.POST.get(f"awb-{pk}", ""))
            for pk in selected_ids_from_keys(request.POST, "awb-")
        }
        typed = {pk: awb for pk, awb in typed.items() if awb and pk not in ticked}
        recorded = dict(Shipment.objects.filter(pk__in=typed).values_list("pk", "awb"))
        return ticked + [pk for pk, awb in typed.items() if recorded.get(pk) != awb]


def selected_ids_from_keys(data, prefix: str) -> list[int]:
    ids = []
    for key in data:
        digits = key[len(prefix) :]
        numeric = key.startswith(prefix) and digits.isascii() and digits.isdigit()
        if numeric and 0 < int(digits) <= MAX_ID:
            ids.append(int(digits))
    return ids


class AwbCsvUploadView(PermissionRequiredMixin, FormView):
    """Record AWBs from a CSV file; each line of the file gets a result line."""

    permission_required = FULFIL
    form_class = AwbCsvForm
    http_method_names = ["post"]

    def form_valid(self, form):
        keep_report(self.request, record_awb_lines(form.lines, user=self.request.user))
        return redirect(fulfil_url("print"))

    def form_invalid(self, form):
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(self.request, "AWB file not read: " + " ".join(problems))
        return redirect(fulfil_url("print"))


class SplitShipmentView(PermissionRequiredMixin, FormView):
    """Assign a courier to some of a purchase's items; the rest waits in To assign agent."""

    permission_required = FULFIL
    form_class = SplitShipmentForm
    template_name = "shipments/split.html"

    def dispatch(self, request, *args, **kwargs):
        self.purchase = get_object_or_404(Purchase.objects.for_detail(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not hasattr(self, "items"):
            self.items = list(self.purchase.items.own().order_by("line_number"))
        kwargs["items"] = self.items
        kwargs["agents"] = ShippingAgent.objects.active()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            purchase=self.purchase,
            cannot_ship=self._cannot_ship(),
            page_title=f"Assign a courier to {self.purchase.number}",
            active_menu="purchases",
            all_items=self.items,
            shipments=self.purchase.shipments.select_related("agent").prefetch_related(
                Prefetch(
                    "lines",
                    queryset=ShipmentItem.objects.select_related("item"),
                    to_attr="line_list",
                )
            ),
        )
        return context

    def _cannot_ship(self) -> str:
        """Why no shipment can be made for this purchase now, said before the form is filled in
        (shipment_create refuses it whatever the page showed)."""
        purchase = self.purchase
        if not self.items:
            return f"{purchase.number} has none of the store's own items: Infibeam ships it."
        if not any(item.unassigned_quantity for item in self.items):
            return ""  # the page says every own item is in a shipment, handed over or cancelled
        if not purchase.takes_couriers():
            return (
                f"{purchase.number} is {purchase.get_status_display()}: a courier is assigned "
                "once its tax invoice is issued, until every item is handed over."
            )
        return ""

    def form_valid(self, form):
        try:
            shipment = services.shipment_create(
                purchase_id=self.purchase.pk,
                user=self.request.user,
                agent_id=form.cleaned_data["agent"].pk,
                quantities=form.quantities(),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        left = sum(item.unassigned_quantity for item in self.purchase.items.own())
        messages.success(
            self.request,
            f"Shipment {shipment.reference} with {shipment.agent.name} created."
            + (
                f" {left} unit(s) of {self.purchase.number} still wait for a courier."
                if left
                else ""
            ),
        )
        if left:
            return redirect("shipments:split", pk=self.purchase.pk)
        return redirect(fulfil_url("assign"))


# -- Scan to hand over ---------------------------------------------------------------------


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class HandoverScanView(PermissionRequiredMixin, FormView):
    """One input that keeps focus; each scan hands one shipment over into its courier's batch."""

    permission_required = FULFIL
    form_class = ScanForm
    template_name = "shipments/scan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Scan to hand over",
            active_menu="purchases",
            batches=list(batches_of_sitting(self.request.user)),
            last_scan=self.request.session.pop(LAST_SCAN_KEY, None),
            finish_form=HandoverFinishForm(),
            print_url=print_url(),
            can_print=self.request.user.has_perm(PRINT),
            here=self.request.path,
        )
        return context

    def form_valid(self, form):
        try:
            result = handover_scan(code=form.cleaned_data["code"], user=self.request.user)
        except ActionRefused as refusal:
            return self._answer(ok=False, message=refusal.message, code=form.cleaned_data["code"])
        return self._answer(
            ok=True, message=result.message, code=form.cleaned_data["code"], result=result
        )

    def form_invalid(self, form):
        code = (self.request.POST.get("code") or "").strip()
        if not code:
            return self._answer(ok=False, message="Nothing was scanned.", code="")
        return self._answer(
            ok=False, message="That is not an AWB or a shipment reference.", code=code[:40]
        )

    def _answer(self, *, ok: bool, message: str, code: str, result=None):
        if wants_json(self.request):
            payload = {"ok": ok, "message": message, "code": code}
            if result is not None:
                payload.update(
                    shipment=result.shipment.reference,
                    agent=result.shipment.agent.name,
                    batch=result.batch.pk,
                )
            payload["batches"] = [
                {
                    "id": batch.pk,
                    "agent": batch.agent.name,
                    "parcels": batch.parcels,
                    "cod_total": f"{Decimal(batch.cod_total):.2f}",
                    "open": batch.closed_at is None,
                }
                for batch in batches_of_sitting(self.request.user)
            ]
            return JsonResponse(payload)
        self.request.session[LAST_SCAN_KEY] = {"ok": ok, "message": message, "code": code}
        return redirect("shipments:scan")


class HandoverBatchFinishView(PermissionRequiredMixin, View):
    """Close a courier's batch with the pickup person's name and mobile; then print its manifest."""

    permission_required = FULFIL

    def post(self, request, pk):
        form = HandoverFinishForm(request.POST)
        if not form.is_valid():
            problems = [
                f"{form.fields[name].label}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            messages.error(request, "Handover not finished. " + " ".join(problems))
            return redirect("shipments:scan")
        try:
            batch = handover_batch_close(
                batch_id=pk,
                user=request.user,
                pickup_person=form.cleaned_data["pickup_person"],
                pickup_mobile=form.cleaned_data["pickup_mobile"],
            )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                f"{batch.agent.name} handover finished: picked up by {batch.pickup_person}. "
                "Print the manifest for their signature.",
            )
        return redirect("shipments:scan")


# -- Manage Shipments ----------------------------------------------------------------------


class ShipmentListView(PermissionRequiredMixin, TemplateView):
    """All shipments, filtered in the URL, paged without counting the whole table."""

    permission_required = VIEW_SHIPMENT
    template_name = "shipments/shipment_list.html"
    extra_context = {"page_title": "Manage Shipments", "active_menu": "purchases"}
    per_page = DEFAULT_PER_PAGE

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
            self.per_page,
            build=lambda rows: list(decorate_shipments(rows)),
            keys_first=True,
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
        context = {
            "filter": self.filterset,
            "page": page,
            "object_list": page.rows,
            "query": query,
            "previous_url": "?" + urlencode({**dict(params.items()), "page": page.number - 1}),
            "next_url": "?" + urlencode({**dict(params.items()), "page": page.number + 1}),
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


def _slip_to_reprint(before: Shipment, after: Shipment, why: str) -> str:
    """A sentence for the message when a correction made the printed slip wrong."""
    if before.has_slip_printed() and not after.has_slip_printed():
        return f" Print its address slip again: the printed one {why}."
    return ""


class ShipmentActionView(PermissionRequiredMixin, View):
    """Correct the courier or the AWB until handover, or hand the shipment over."""

    permission_required = FULFIL

    def post(self, request, pk):
        shipment = get_object_or_404(Shipment, pk=pk)
        action = request.POST.get("action", "")
        back = safe_next(request, reverse("shipments:shipment-detail", args=[shipment.pk]))
        try:
            if action == "change_agent":
                form = ChangeAgentForm(request.POST)
                if not form.is_valid():
                    raise InvalidInput("Choose an active courier.")
                updated = services.shipment_change_agent(
                    shipment_id=shipment.pk,
                    user=request.user,
                    agent_id=form.cleaned_data["agent"].pk,
                )
                messages.success(
                    request,
                    f"{updated.reference} is now with {updated.agent.name}."
                    + _slip_to_reprint(shipment, updated, "names the old courier"),
                )
            elif action == "record_awb":
                updated = services.shipment_record_awb(
                    shipment_id=shipment.pk, user=request.user, awb=request.POST.get("awb", "")
                )
                messages.success(
                    request,
                    f"{updated.reference}: AWB {updated.awb} recorded."
                    + _slip_to_reprint(shipment, updated, "does not carry this AWB"),
                )
            elif action == "hand_over":
                updated, batch = shipment_hand_over_in_batch(
                    shipment_id=shipment.pk, user=request.user
                )
                messages.success(
                    request,
                    f"{updated.reference} handed to {updated.agent.name} (batch {batch.pk}).",
                )
            else:
                messages.error(request, "Unknown action; nothing was changed.")
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        return HttpResponseRedirect(back)
