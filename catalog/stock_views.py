"""Stock actions of CATALOG › Products, for Owner and Staff (catalog.manage_stock): receive units
and count the shelf on the product page. Each POST checks the form, calls one service (which
checks role and product again) and returns to the page with a message."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.exceptions import ActionRefused
from core.panel import PanelPermissionMixin
from core.permissions import MANAGE_STOCK

from . import services
from .forms import CountStockForm, ReceiveStockForm
from .models import Product


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
