"""Purchase pages. Views stay thin: fetch, call one service, redirect with a message."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import DetailView, ListView

from . import services
from .exceptions import ActionRefused
from .models import Purchase

VIEW = "purchases.view_purchase"


class PurchaseListView(PermissionRequiredMixin, ListView):
    permission_required = VIEW
    paginate_by = 50
    template_name = "purchases/purchase_list.html"
    extra_context = {"page_title": "Manage Purchases", "active_menu": "purchases"}

    def get_queryset(self):
        return Purchase.objects.for_list()


class PurchaseDetailView(PermissionRequiredMixin, DetailView):
    permission_required = VIEW
    template_name = "purchases/purchase_detail.html"
    queryset = Purchase.objects.for_detail()
    extra_context = {"active_menu": "purchases"}


TRANSITION_SERVICES = {
    "approve_fraud": lambda purchase_id, user, reason: services.purchase_approve_fraud(
        purchase_id=purchase_id, user=user
    ),
    "deny_fraud": lambda purchase_id, user, reason: services.purchase_deny_fraud(
        purchase_id=purchase_id, user=user, reason=reason
    ),
    "issue_invoice": lambda purchase_id, user, reason: services.purchase_issue_invoice(
        purchase_id=purchase_id, user=user
    ),
    "cancel": lambda purchase_id, user, reason: services.purchase_cancel(
        purchase_id=purchase_id, user=user, reason=reason
    ),
}


class PurchaseTransitionView(View):
    """POST one transition on one purchase; the service checks state and role."""

    def post(self, request, pk):
        get_object_or_404(Purchase, pk=pk)
        action = request.POST.get("transition", "")
        service = TRANSITION_SERVICES.get(action)
        if service is None:
            messages.error(request, "Unknown action.")
        else:
            try:
                service(pk, request.user, request.POST.get("reason", ""))
                messages.success(request, "Done.")
            except ActionRefused as refusal:
                messages.error(request, refusal.message)
        return redirect("purchases:purchase-detail", pk=pk)
