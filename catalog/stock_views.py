"""Stock actions of CATALOG › Products, for Owner and Staff (catalog.manage_stock): receive units
and count the shelf on the product page, set many counts from a CSV file on the product list.
Each POST checks the form, calls one service (which checks role and product again) and returns
to the page with a message or, for the file, a report of every row."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from core.bulk import keep_report
from core.exceptions import ActionRefused
from core.panel import PanelPermissionMixin
from core.permissions import MANAGE_STOCK

from . import services
from .forms import CountStockForm, ReceiveStockForm, StockFileForm
from .models import Product
from .stock_csv import count_stock_lines


def form_problems(form) -> str:
    """What is wrong with the form, in one line: "Units received: Ensure this value is…"."""
    return " ".join(
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


class StockActionView(PanelPermissionMixin, SingleObjectMixin, View):
    """A stock change of one product, back to its page with what was done or why not."""

    permission_required = MANAGE_STOCK
    model = Product
    http_method_names = ["post"]
    form_class: type
    refused_prefix = ""

    def post(self, request, *args, **kwargs):
        product = self.get_object()
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, f"{self.refused_prefix} {form_problems(form)}")
        else:
            try:
                messages.success(request, self.act(product, **form.cleaned_data))
            except ActionRefused as refusal:
                messages.error(request, f"{self.refused_prefix} {refusal.message}")
        return redirect("catalog:product-detail", pk=product.pk)

    def act(self, product: Product, **data) -> str:
        raise NotImplementedError


class StockReceiveView(StockActionView):
    form_class = ReceiveStockForm
    refused_prefix = "No stock was received:"

    def act(self, product, *, quantity, reason):
        movement = services.stock_receive(
            product_id=product.pk, user=self.request.user, quantity=quantity, reason=reason
        )
        return f"{quantity} received: {movement.on_hand_after} of {product.sku} on hand."


class StockCountView(StockActionView):
    form_class = CountStockForm
    refused_prefix = "The count was not kept:"

    def act(self, product, *, on_hand, reason):
        movement = services.stock_count(
            product_id=product.pk, user=self.request.user, on_hand=on_hand, reason=reason
        )
        change = f"{movement.quantity:+d}" if movement.quantity else "no change"
        return f"Counted: {movement.on_hand_after} of {product.sku} on hand ({change})."


class StockUploadView(PanelPermissionMixin, FormView):
    """Set the stock of many products from a CSV file; every row gets a result line."""

    permission_required = MANAGE_STOCK
    form_class = StockFileForm
    http_method_names = ["post"]

    def form_valid(self, form):
        report = count_stock_lines(
            form.lines, user=self.request.user, reason=form.cleaned_data["reason"]
        )
        keep_report(self.request, report)
        return redirect("catalog:product-list")

    def form_invalid(self, form):
        messages.error(self.request, f"Stock file not read: {form_problems(form)}")
        return redirect("catalog:product-list")
