"""CONFIGURATION (store profile, shipping agents), CUSTOMIZATION (printed documents) and
CONTENT (customer emails) pages. Everyone may look; only the Owner may change anything."""

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from core.panel import FormMessagesMixin, PanelPermissionMixin
from core.permissions import CONFIGURE, VIEW_AGENT, VIEW_STORE_PROFILE
from shipments.models import Shipment, ShippingAgent
from shipments.services import open_shipments_reassess_eway_bills

from .emails import SAMPLE_AWB, customer_email_previews
from .forms import DocumentPrefixesForm, ShippingAgentForm, StoreProfileForm
from .models import StoreProfile
from .numbering import next_numbers


def _current_profile() -> StoreProfile | None:
    return StoreProfile.objects.order_by("pk").first()


class StoreProfileView(PanelPermissionMixin, TemplateView):
    permission_required = VIEW_STORE_PROFILE
    template_name = "configuration/store_profile.html"
    extra_context = {"page_title": "Store Profile", "active_menu": "configuration"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            profile=_current_profile(), can_edit=self.request.user.has_perm(CONFIGURE), **kwargs
        )


class StoreProfileUpdateView(PanelPermissionMixin, FormMessagesMixin, UpdateView):
    """Edit (or first set up) the store profile; issued documents keep their frozen copy."""

    permission_required = CONFIGURE
    form_class = StoreProfileForm
    template_name = "configuration/store_profile_form.html"
    extra_context = {"page_title": "Edit Store Profile", "active_menu": "configuration"}
    success_url = reverse_lazy("configuration:store-profile")
    success_message = (
        "Store profile saved. Invoices, credit notes and slips issued before keep the "
        "particulars they were issued with."
    )

    def get_object(self, queryset=None):
        return _current_profile() or StoreProfile()

    def form_valid(self, form):
        response = super().form_valid(form)
        # New e-way bill limits apply to the parcels not handed over yet.
        open_shipments_reassess_eway_bills(store=self.object)
        return response


class ShippingAgentListView(PanelPermissionMixin, ListView):
    permission_required = VIEW_AGENT
    template_name = "configuration/agent_list.html"
    extra_context = {"page_title": "Shipping Agents", "active_menu": "configuration"}

    def get_queryset(self):
        latest_awb = (
            Shipment.objects.filter(agent=OuterRef("pk"), awb__isnull=False)
            .order_by("-created_at", "-id")
            .values("awb")[:1]
        )
        return ShippingAgent.objects.annotate(
            shipment_count=Count("shipments"), latest_awb=Subquery(latest_awb)
        ).order_by("-active", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for agent in context["object_list"]:
            agent.example_awb = agent.latest_awb or SAMPLE_AWB
            agent.example_url = agent.tracking_url(agent.example_awb)
        context["can_edit"] = self.request.user.has_perm(CONFIGURE)
        return context


class ShippingAgentFormMixin(PanelPermissionMixin, FormMessagesMixin):
    permission_required = CONFIGURE
    model = ShippingAgent
    form_class = ShippingAgentForm
    template_name = "configuration/agent_form.html"
    success_url = reverse_lazy("configuration:agent-list")


class ShippingAgentCreateView(ShippingAgentFormMixin, CreateView):
    extra_context = {"page_title": "Add a shipping agent", "active_menu": "configuration"}

    def get_success_message(self, cleaned_data):
        return f"{self.object.name} added."


class ShippingAgentUpdateView(ShippingAgentFormMixin, UpdateView):
    extra_context = {"active_menu": "configuration"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"Edit {self.object.name}", **kwargs)

    def get_success_message(self, cleaned_data):
        return f"{self.object.name} saved. AWBs already recorded are not checked again."


class PrintedDocumentsView(PanelPermissionMixin, FormMessagesMixin, UpdateView):
    """The invoice and credit note prefixes, and what the next numbers will look like."""

    form_class = DocumentPrefixesForm
    template_name = "configuration/documents.html"
    success_url = reverse_lazy("configuration:documents")
    success_message = (
        "Prefixes saved. Only documents issued from now on use them; issued invoices and "
        "credit notes keep their numbers."
    )
    extra_context = {"page_title": "Printed Documents", "active_menu": "customization"}

    def get_permission_required(self):
        return (CONFIGURE,) if self.request.method == "POST" else (VIEW_STORE_PROFILE,)

    def get_object(self, queryset=None):
        return _current_profile()

    def post(self, request, *args, **kwargs):
        if _current_profile() is None:
            messages.error(request, "Set up the store profile first.")
            return redirect("configuration:store-profile")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm(CONFIGURE)
        if self.object is not None:
            context["next_numbers"] = next_numbers(self.object)
        return context

    def get_form(self, form_class=None):
        return None if self.object is None else super().get_form(form_class)


class CustomerEmailsView(PanelPermissionMixin, TemplateView):
    permission_required = VIEW_STORE_PROFILE
    template_name = "configuration/emails.html"
    extra_context = {"page_title": "Customer Emails", "active_menu": "content"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(emails=customer_email_previews(), **kwargs)
