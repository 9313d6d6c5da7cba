"""Scan to hand over: one input that keeps focus, each scan handing one parcel to its courier's
open batch; finishing a batch with the pickup person's name and mobile."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView

from core.exceptions import ActionRefused
from core.panel import print_url
from core.permissions import FULFIL, PRINT

from .forms import HandoverFinishForm, ScanForm
from .handover import batches_of_sitting, handover_batch_close, handover_scan

LAST_SCAN_KEY = "shipments.last_scan"


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
