"""The panel shell: the dashboard and the landing page of each menu."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.generic import TemplateView

from purchases.models import Purchase
from shipments.models import Shipment

from .menu import menu_by_slug


class HomeView(TemplateView):
    template_name = "webstore/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue"] = [
            ("Review fraud", Purchase.objects.awaiting_fraud_review().count()),
            ("To invoice", Purchase.objects.awaiting_invoice().count()),
            ("To assign agent", Purchase.objects.awaiting_agent().count()),
            ("To print and record AWB", Shipment.objects.awaiting_slip_or_awb().count()),
            ("To hand over", Shipment.objects.awaiting_handover().count()),
        ]
        context["breadcrumbs"] = []
        return context


class MenuView(TemplateView):
    """The landing page of one menu: its entries, as the drop-down shows them."""

    template_name = "webstore/menu.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        menu = menu_by_slug(kwargs["slug"])
        if menu is None:
            raise Http404("No such menu.")
        context["menu"] = menu
        context["page_title"] = menu["label"].title()
        return context


@login_not_required
def health(request):
    """For load balancers and the CI's server checks."""
    return JsonResponse({"status": "ok"})
