"""Shipment pages."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView, TemplateView

from .models import Shipment


class ShipmentListView(PermissionRequiredMixin, ListView):
    permission_required = "shipments.view_shipment"
    paginate_by = 50
    template_name = "shipments/shipment_list.html"
    extra_context = {"page_title": "Manage Shipments", "active_menu": "purchases"}

    def get_queryset(self):
        return Shipment.objects.for_list()


class FulfilShipmentsView(PermissionRequiredMixin, TemplateView):
    permission_required = "purchases.view_purchase"
    template_name = "shipments/fulfil.html"
    extra_context = {"page_title": "Fulfill Shipments", "active_menu": "purchases"}
