"""The panel shell: the dashboard and the landing page of each menu."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.generic import TemplateView

from core.panel import COUNT_CAP, capped_counts
from deliveries.tabs import tab_url
from purchases.models import Purchase
from shipments.models import DeliveryStatus, Shipment

from .menu import menu_by_slug

# What each menu entry is for, shown on the menu's landing page.
ENTRY_DESCRIPTIONS = {
    "Printed Documents": "Invoice and credit note number prefixes, and the next numbers.",
    "Products": "Own and Infibeam products: price, GST rate, HSN code, weight.",
    "Fulfill Shipments": "The work queue: fraud review, invoice, agent, slip and AWB, handover.",
    "Manage Purchases": "Every purchase, its state, items, invoices and timeline.",
    "Manage Shipments": "Every parcel with its courier, AWB and state; failed deliveries to "
    "answer, parcels in transit, delivered and returning to origin.",
    "Customer Emails": "The emails customers receive, as they receive them.",
    "Customers": "Find a customer by name, email or mobile and see their purchases.",
    "Discounts Given": "Purchase lines sold with a discount, with totals by date.",
    "Store Profile": "The legal name, GSTIN and address printed on invoices and slips.",
    "Shipping Agents": "Couriers, their tracking links, AWB formats and cash on delivery.",
    "Partner Feed": "How Infibeam reports the fulfilment of its products.",
    "Rejected Partner Events": "Partner reports that could not be applied, and why.",
    "Sales Channels": "Where orders come from: the storefront, phone, marketplaces; their secrets.",
    "Refused Orders": "Orders and payment events a channel sent that were refused, and why.",
    "Users and Roles": "Who may use the panel, and as Owner, Staff or Viewer.",
    "Change Password": "Change the password you log in with.",
}


class HomeView(TemplateView):
    template_name = "webstore/home.html"
    extra_context = {"page_title": "Dashboard"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue"] = [
            ("Review fraud", Purchase.objects.awaiting_fraud_review().count()),
            ("To invoice", Purchase.objects.awaiting_invoice().count()),
            ("To assign agent", Purchase.objects.awaiting_agent().count()),
            ("To print and record AWB", Shipment.objects.awaiting_slip_or_awb().count()),
            ("To hand over", Shipment.objects.awaiting_handover().count()),
        ]
        context["after_handover"] = after_handover()
        context["breadcrumbs"] = []
        return context


def after_handover() -> list[tuple[str, int, str]]:
    """The parcels that need the store after the handover: failed deliveries waiting for an
    answer and parcels coming back (RTO in transit); counted up to the cap, in one query."""
    counts = capped_counts(
        {
            "ndr": Shipment.objects.awaiting_ndr_answer(),
            "rto": Shipment.objects.filter(delivery_status=DeliveryStatus.RTO_IN_TRANSIT),
        },
        cap=COUNT_CAP + 1,
    )
    return [
        ("Failed deliveries waiting for an answer", counts["ndr"], tab_url("action")),
        ("Returning to origin", counts["rto"], tab_url("rto")),
    ]


class MenuView(TemplateView):
    """The landing page of one menu: its entries, as in the drop-down, and what each is for."""

    template_name = "webstore/menu.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        menu = menu_by_slug(kwargs["slug"])
        if menu is None:
            raise Http404("No such menu.")
        for entry in menu["entries"]:
            entry["description"] = ENTRY_DESCRIPTIONS.get(entry["label"], "")
        context["menu"] = menu
        context["page_title"] = menu["label"].title()
        context["active_menu"] = menu["slug"]
        return context


@login_not_required
def health(request):
    """For load balancers and the CI's server checks."""
    return JsonResponse({"status": "ok"})
