"""What the store does about failed deliveries, from Manage Shipments' Action needed tab (and a
shipment's page): answer one (reattempt, perhaps with a new mobile, address line or day, or return
to origin), return the ticked ones to origin, and download each courier's reattempts file.

Views stay thin: they read the form, call one service and say what happened.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from core.bulk import keep_report, run_bulk
from core.exceptions import ActionRefused, TransitionNotAllowed
from core.panel import MAX_ID, PanelPermissionMixin, detail_url_prefix, safe_next
from core.permissions import FULFIL
from shipments.fulfil_views import MAX_SELECTION, ids_in
from shipments.models import Shipment, ShippingAgent

from . import services
from .models import DeliveryInstruction, NdrAnswer
from .reattempts import RESENT_DAYS, file_name, reattempts_csv, sent_recently
from .rules import instruction_words
from .tabs import tab_url


class NdrAnswerForm(forms.Form):
    """What the row's form sends. Lengths and the mobile are checked by the service."""

    answer = forms.ChoiceField(choices=NdrAnswer.choices)
    new_mobile = forms.CharField(required=False, max_length=40)
    new_address_line = forms.CharField(required=False, max_length=400)
    deliver_on = forms.DateField(required=False, error_messages={"invalid": "Enter a real date."})
    note = forms.CharField(required=False, max_length=600)


def already_answered(shipment: Shipment) -> str:
    """Why a stale page's answer did nothing: who answered the failed delivery, when and how."""
    last = DeliveryInstruction.objects.filter(shipment=shipment).select_related("given_by").first()
    if last is None or (shipment.ndr_at and last.given_at < shipment.ndr_at):
        return (
            f"{shipment.reference}: no failed delivery waits for an answer (it is "
            f"{shipment.get_delivery_status_display() or 'not handed over'}); nothing was done."
        )
    who = last.given_by.get_full_name() or last.given_by.get_username()
    when = timezone.localtime(last.given_at).strftime("%d %b %Y, %H:%M")
    return (
        f"{shipment.reference} was already answered by {who} at {when}: "
        f"{instruction_words(last)}. Nothing more was done."
    )


def answered(shipment: Shipment) -> str:
    """What the answer asked, for the message."""
    last = DeliveryInstruction.objects.filter(shipment=shipment).first()
    if last.answer == NdrAnswer.RETURN_TO_ORIGIN:
        return (
            f"{shipment.reference}: return to origin asked; {shipment.agent.name} brings it back."
        )
    words = instruction_words(last)
    return (
        f"{shipment.reference}: {words[0].lower()}{words[1:]}. It goes to "
        f"{shipment.agent.name} in the next reattempts file (Action needed)."
    )


class NdrAnswerView(PanelPermissionMixin, View):
    """POST: answer one shipment's failed delivery: reattempt (with changes) or return to origin."""

    permission_required = FULFIL
    http_method_names = ["post"]

    def post(self, request, pk):
        shipment = get_object_or_404(Shipment.objects.select_related("agent"), pk=pk)
        back = HttpResponseRedirect(safe_next(request, tab_url("action")))
        form = NdrAnswerForm(request.POST)
        if not form.is_valid():
            problems = [
                f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
            ]
            messages.error(request, f"{shipment.reference}: {' '.join(problems)} Nothing was done.")
            return back
        data = form.cleaned_data
        try:
            updated = services.failed_delivery_answer(
                shipment_id=shipment.pk,
                user=request.user,
                answer=data["answer"],
                new_mobile=data["new_mobile"],
                new_address_line=data["new_address_line"],
                deliver_on=data["deliver_on"],
                note=data["note"],
            )
        except TransitionNotAllowed:
            shipment.refresh_from_db()
            messages.warning(request, already_answered(shipment))
        except ActionRefused as refusal:
            messages.error(request, f"{shipment.reference}: {refusal.message} Nothing was done.")
        else:
            messages.success(request, answered(updated))
        return back


class NdrReturnSelectedView(PanelPermissionMixin, View):
    """POST: return every ticked failed delivery to origin, each on its own, each reported."""

    permission_required = FULFIL
    http_method_names = ["post"]

    def post(self, request):
        back = HttpResponseRedirect(safe_next(request, tab_url("action")))
        ids = ids_in(request.POST.getlist("ids"))
        if not ids:
            messages.warning(request, "Return to origin: tick at least one parcel.")
            return back
        if len(ids) > MAX_SELECTION:
            messages.error(
                request, f"Return to origin: tick at most {MAX_SELECTION}; nothing was changed."
            )
            return back
        references = dict(Shipment.objects.filter(pk__in=ids).values_list("pk", "reference"))
        shipment_url = detail_url_prefix("shipments:shipment-detail")

        def answer_rto(pk: int):
            def run() -> str:
                services.failed_delivery_answer(shipment_id=pk, user=request.user, answer="rto")
                return "Return to origin asked."

            return run

        report = run_bulk(
            "Return to origin",
            (
                (references.get(pk, f"Shipment {pk}"), answer_rto(pk), f"{shipment_url}{pk}/")
                for pk in ids
            ),
        )
        keep_report(request, report)
        return back


class ReattemptsFileView(PanelPermissionMixin, View):
    """A courier's reattempts file: POST takes those not sent yet and marks them sent; GET
    downloads again those sent in the last RESENT_DAYS days (nothing changes)."""

    permission_required = FULFIL

    def post(self, request):
        agent = self.agent(request.POST.get("agent"))
        back = HttpResponseRedirect(tab_url("action"))
        if agent is None:
            messages.error(request, "Choose a courier; no file was made.")
            return back
        try:
            instructions = services.reattempts_send(agent_id=agent.pk, user=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            return back
        if not instructions:
            messages.info(
                request,
                f"No reattempt waits to be sent to {agent.name} (someone may have downloaded "
                "them a moment ago); no file was made.",
            )
            return back
        return self.file(instructions, file_name(agent))

    def get(self, request):
        agent = self.agent(request.GET.get("agent"))
        back = HttpResponseRedirect(tab_url("action"))
        if agent is None:
            messages.error(request, "Choose a courier to download its reattempts file again.")
            return back
        instructions = sent_recently(agent)
        if not instructions:
            messages.info(
                request, f"No reattempt was sent to {agent.name} in the last {RESENT_DAYS} days."
            )
            return back
        return self.file(instructions, file_name(agent, again=True))

    @staticmethod
    def agent(raw) -> ShippingAgent | None:
        raw = (raw or "").strip()
        if not raw.isdigit() or int(raw) > MAX_ID:
            return None
        return ShippingAgent.objects.filter(pk=int(raw)).first()

    @staticmethod
    def file(instructions, name: str) -> HttpResponse:
        response = HttpResponse(
            reattempts_csv(instructions), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
