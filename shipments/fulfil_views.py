"""Fulfill Shipments: the work queue, its actions on one row or the ticked rows, the AWB file, and
choosing the items of one shipment (a split).

Views stay thin: they read the request, run an action of shipments.actions (or one service) and
redirect; a bulk result is kept in the session and shown once on the page the user returns to.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.views import View
from django.views.generic import FormView, TemplateView

from core.bulk import keep_report, pop_report
from core.exceptions import ActionRefused
from core.html import QueueOptions, queue_rows
from core.panel import MAX_ID, page_of, print_url, safe_next
from core.permissions import FULFIL, PRINT, VIEW_PURCHASE
from purchases.models import Purchase

from . import services
from .actions import ACTIONS, run_on_rows
from .awb_csv import record_awb_lines
from .forms import AwbCsvForm, SplitShipmentForm
from .models import Shipment, ShipmentItem, ShippingAgent
from .queue import STEPS, step_counts, step_for
from .queue_rows import row_urls

REFUSED_AWBS_KEY = "shipments.refused_awbs"
MAX_SELECTION = 500
PER_PAGE_CHOICES = (25, 50, 100, 200)
# 25 rows keep a page inside its time budget; staff pick 50–200 for a big bulk action.
DEFAULT_PER_PAGE = 25


def fulfil_url(step_slug: str, **params) -> str:
    query = {"step": step_slug, **{k: v for k, v in params.items() if v}}
    return reverse("shipments:fulfil") + "?" + urlencode(query)


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


def ids_in(values) -> list[int]:
    """The keys among `values`, in their order, once each; what is not a key is left out."""
    ids = []
    for value in values:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < pk <= MAX_ID and pk not in ids:
            ids.append(pk)
    return ids


def selected_ids(request) -> list[int]:
    """The rows to act on: `?only=<id>` (a row's own button) or the ticked boxes, in page order."""
    only = request.GET.get("only")
    return ids_in([only] if only else request.POST.getlist("ids"))


def typed_awb_ids(data, ticked: list[int]) -> list[int]:
    """Ticked rows (refused if empty) and rows whose typed AWB differs from the recorded one."""
    in_boxes = ids_in(key.removeprefix("awb-") for key in data if key.startswith("awb-"))
    typed = {pk: services.normalise_awb(data.get(f"awb-{pk}", "")) for pk in in_boxes}
    typed = {pk: awb for pk, awb in typed.items() if awb and pk not in ticked}
    recorded = dict(Shipment.objects.filter(pk__in=typed).values_list("pk", "awb"))
    return ticked + [pk for pk, awb in typed.items() if recorded.get(pk) != awb]


class FulfilShipmentsView(PermissionRequiredMixin, TemplateView):
    """The work queue: one tab per next step, oldest first, with the step's actions."""

    permission_required = VIEW_PURCHASE
    template_name = "shipments/fulfil.html"
    extra_context = {"page_title": "Fulfill Shipments", "active_menu": "purchases"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        step = step_for(self.request.GET.get("step"))
        per_page = self.per_page_param()
        can_fulfil = self.request.user.has_perm(FULFIL)
        can_print = self.request.user.has_perm(PRINT)
        agents = ""
        if can_fulfil and step.slug == "assign":
            agents = agent_options(ShippingAgent.objects.active())
        page = self.page(step, int(per_page or DEFAULT_PER_PAGE))
        options = QueueOptions(
            step.slug,
            step.kind,
            can_fulfil,
            can_print and bool(print_url()),
            agents,
            awb_max_length=services.AWB_TYPED_MAX_LENGTH,
        )
        context.update(
            step=step,
            tabs=self.tabs(step, per_page),
            page=page,
            rows_html=queue_rows(page.rows, options),
            per_page=page.per_page,
            per_page_choices=PER_PAGE_CHOICES,
            can_fulfil=can_fulfil,
            can_print=can_print,
            print_url=print_url(),
            agent_options=agents,
            report=pop_report(self.request),
            here=self.request.get_full_path(),
            previous_url=fulfil_url(step.slug, page=page.previous_number, per_page=per_page),
            next_url=fulfil_url(step.slug, page=page.next_number, per_page=per_page),
            csv_form=AwbCsvForm() if can_fulfil and step.slug == "print" else None,
        )
        return context

    def page(self, step, per_page: int):
        """The page's rows, with the AWBs typed and refused a moment ago back in their boxes."""
        urls = row_urls()
        page = page_of(
            step.rows(),
            self.request.GET.get("page"),
            per_page,
            build=lambda rows: step.build_rows(rows, urls),
            keys_first=True,
        )
        refused_awbs = self.request.session.pop(REFUSED_AWBS_KEY, {})  # shown once, like a report
        if step.slug == "print":
            for row in page.rows:
                row.refused_awb = refused_awbs.get(row.pk, "")
        return page

    @staticmethod
    def tabs(step, per_page: str) -> list[dict]:
        counts = step_counts()
        return [
            {
                "step": s,
                "count": counts[s.slug],
                "url": fulfil_url(s.slug, per_page=per_page),
                "current": s == step,
            }
            for s in STEPS
        ]

    def per_page_param(self) -> str:
        """?per_page= if it is one of the choices (the tabs' and pages' links keep it), else ''."""
        value = self.request.GET.get("per_page")
        return value if value and value.isdigit() and int(value) in PER_PAGE_CHOICES else ""


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
            ids = typed_awb_ids(request.POST, ids)
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
