"""CUSTOMER SERVICE: find a customer (by name, email or mobile), see their purchases, and record
their GSTIN when they are registered for GST."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import UpdateView

from core.panel import FormMessagesMixin, PanelListView, PanelPermissionMixin
from core.permissions import CONFIGURE, VIEW_CUSTOMER
from purchases.models import Purchase
from purchases.spending import attach_purchase_totals
from shipments.models import Shipment

from .forms import CustomerGstinForm
from .models import Customer


class CustomerListView(PanelListView):
    permission_required = VIEW_CUSTOMER
    template_name = "customers/customer_list.html"
    extra_context = {"page_title": "Customers", "active_menu": "customer-service"}

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:100]
        return Customer.objects.search(self.query).order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        attach_purchase_totals(context["object_list"])
        return context


class CustomerDetailView(PanelListView):
    """One customer and their purchases, newest first, with where each parcel is."""

    permission_required = VIEW_CUSTOMER
    paginate_by = 25
    template_name = "customers/customer_detail.html"
    extra_context = {"active_menu": "customer-service"}

    def get_queryset(self):
        self.customer = get_object_or_404(Customer, pk=self.kwargs["pk"])
        shipments = Shipment.objects.select_related("agent").order_by("created_at", "id")
        return (
            Purchase.objects.filter(customer=self.customer)
            .select_related("shipping_address")
            .prefetch_related(Prefetch("shipments", queryset=shipments))
            .annotate(item_count=Count("items"))
            .order_by("-placed_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_purchase_totals([self.customer])
        context.update(
            customer=self.customer,
            page_title=self.customer.name,
            can_edit=self.request.user.has_perm(CONFIGURE),
        )
        return context


class CustomerGstinUpdateView(PanelPermissionMixin, FormMessagesMixin, UpdateView):
    """Record or clear a customer's GSTIN; invoices already issued keep the one they printed."""

    # The GSTIN changes what the store's tax invoices say, like the store profile does: Owner only.
    permission_required = CONFIGURE
    model = Customer
    form_class = CustomerGstinForm
    template_name = "customers/customer_gstin_form.html"
    extra_context = {"active_menu": "customer-service"}
    invalid_message = "Nothing was saved: please correct the GSTIN."

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"GSTIN of {self.object.name}", **kwargs)

    def get_success_message(self, cleaned_data):
        gstin, name = self.object.gstin, self.object.name
        saved = f"GSTIN {gstin} saved for {name}" if gstin else f"GSTIN removed for {name}"
        printed = gstin or "“Unregistered”"
        return (
            f"{saved}. Invoices already issued keep the recipient particulars they were issued "
            f"with; invoices issued from now on print {printed}."
        )

    def get_success_url(self):
        return reverse("customers:customer-detail", args=[self.object.pk])
