"""CATALOG (products) and PROMOTIONS (discounts given) pages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, UpdateView

from core.bulk import pop_report
from core.panel import FormMessagesMixin, PanelListView, PanelPermissionMixin
from core.permissions import CONFIGURE, MANAGE_STOCK, VIEW_PRODUCT, VIEW_PURCHASE
from purchases.models import Item

from .forms import (
    CountStockForm,
    DateRangeForm,
    ProductFilterForm,
    ProductForm,
    ReceiveStockForm,
    StockFileForm,
)
from .models import Product, StockMovement
from .reports import discount_totals, discounted_items

RECENT_SALES = 10
LATEST_MOVEMENTS = 20


class ProductListView(PanelListView):
    permission_required = VIEW_PRODUCT
    template_name = "catalog/product_list.html"
    extra_context = {"page_title": "Products", "active_menu": "catalog"}

    def get_queryset(self):
        self.filter_form = ProductFilterForm(self.request.GET)
        return self.filter_form.filter(Product.objects.all())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            can_edit=self.request.user.has_perm(CONFIGURE),
            can_manage_stock=self.request.user.has_perm(MANAGE_STOCK),
            stock_file_form=StockFileForm(),
            report=pop_report(self.request),
            **kwargs,
        )


class ProductDetailView(PanelPermissionMixin, DetailView):
    permission_required = VIEW_PRODUCT
    model = Product
    template_name = "catalog/product_detail.html"
    extra_context = {"active_menu": "catalog"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.object.name
        context["can_edit"] = self.object.is_own() and self.request.user.has_perm(CONFIGURE)
        context["can_manage_stock"] = self.object.is_own() and self.request.user.has_perm(
            MANAGE_STOCK
        )
        context["receive_form"] = ReceiveStockForm(auto_id="receive-%s")
        context["count_form"] = CountStockForm(
            auto_id="count-%s", initial={"on_hand": self.object.on_hand}
        )
        context["movements"] = StockMovement.objects.latest_of(self.object, LATEST_MOVEMENTS)
        context["recent_sales"] = (
            Item.objects.filter(product=self.object)
            .select_related("purchase")
            .order_by("-purchase__placed_at", "-purchase_id")[:RECENT_SALES]
        )
        return context


class ProductFormMixin(PanelPermissionMixin, FormMessagesMixin):
    """What adding and editing a product share: the Owner's page, the form, the product after."""

    permission_required = CONFIGURE
    form_class = ProductForm
    template_name = "catalog/product_form.html"
    invalid_message = "The product was not saved: please correct the marked fields."

    def get_success_url(self):
        return reverse("catalog:product-detail", args=[self.object.pk])


class ProductCreateView(ProductFormMixin, CreateView):
    extra_context = {"page_title": "Add a product", "active_menu": "catalog"}

    def get_success_message(self, cleaned_data):
        return f"Product {self.object.sku} added."


class ProductUpdateView(ProductFormMixin, UpdateView):
    """Edit an own product; purchases already placed keep it as it was (their items are copies)."""

    model = Product
    extra_context = {"active_menu": "catalog"}

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(CONFIGURE):
            product = self.get_object()
            if not product.is_own():
                messages.error(
                    request,
                    f"{product.sku} is fulfilled by Infibeam; its details come from the partner "
                    "and cannot be edited here.",
                )
                return redirect("catalog:product-detail", pk=product.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = f"Edit {self.object.sku}"
        return context

    def get_success_message(self, cleaned_data):
        return (
            f"Product {self.object.sku} saved. Purchases already placed keep the price, tax rate "
            "and HSN code they were placed with."
        )


class DiscountReportView(PanelListView):
    """PROMOTIONS › Discounts Given: every purchase line sold below its price, with totals."""

    permission_required = VIEW_PURCHASE
    template_name = "catalog/discount_report.html"
    extra_context = {"page_title": "Discounts Given", "active_menu": "promotions"}

    def get_queryset(self):
        self.date_form = DateRangeForm(self.request.GET or None)
        start, end = self.date_form.dates()
        return discounted_items(start=start, end=end)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["date_form"] = self.date_form
        context["totals"] = discount_totals(self.object_list)
        return context
