"""Import purchases: a channel's file of orders, previewed, then imported (channels.imports).

The preview keeps the file's bytes on the server (core.uploads) under a token the user's session
holds; "Import" posts that token, and the import reads the kept bytes and checks every order
again, so nothing the browser sends back but the token is believed.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView

from channels.imports import ImportReport, order_file_import
from channels.models import SalesChannel
from channels.order_example import example_csv, example_products
from channels.order_files import COLUMNS, MAX_BYTES, REQUIRED_COLUMNS
from core.exceptions import ActionRefused
from core.panel import PanelPermissionMixin
from core.permissions import FULFIL
from core.tables import FileUnreadable, read_upload
from core.uploads import upload_discard, upload_keep, upload_read

from .forms import PurchaseImportForm

PENDING_KEY = "purchases.import_pending"  # the previewed file waiting for "Import"
RESULT_KEY = "purchases.import_result"  # an import's report, until the page shows it
GONE = (
    "Nothing was imported: this preview is no longer waiting (it was imported, or another file "
    "was previewed since). Upload the file again."
)


class PurchaseImportView(PanelPermissionMixin, FormView):
    """Choose a channel and a file; the preview says what importing it would do to each order,
    and an import's result is shown here once."""

    permission_required = FULFIL
    form_class = PurchaseImportForm
    template_name = "purchases/purchase_import.html"
    extra_context = {
        "page_title": "Import purchases",
        "active_menu": "purchases",
        "required_columns": REQUIRED_COLUMNS,
        "optional_columns": [column for column in COLUMNS if column not in REQUIRED_COLUMNS],
    }

    def get(self, request, *args, **kwargs):
        shown = request.session.pop(RESULT_KEY, None)
        report = ImportReport.from_data(shown) if shown else None
        return self.render_to_response(self.get_context_data(report=report))

    def form_valid(self, form):
        channel, upload = form.cleaned_data["channel"], form.cleaned_data["file"]
        try:
            raw = read_upload(upload, MAX_BYTES)
            report = order_file_import(channel=channel, raw=raw, preview=True)
        except (FileUnreadable, ActionRefused) as refusal:
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        forget_pending(self.request)
        token = ""
        if report.new:
            token = upload_keep(raw)
            self.request.session[PENDING_KEY] = {
                "token": token,
                "channel": channel.pk,
                "name": upload.name[:200],
            }
        return self.render_to_response(
            self.get_context_data(report=report, token=token, file_name=upload.name)
        )


class PurchaseImportConfirmView(PanelPermissionMixin, View):
    """Import the file the preview showed, from the copy kept on the server."""

    permission_required = FULFIL
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = redirect("purchases:purchase-import")
        pending = request.session.get(PENDING_KEY) or {}
        if not pending or request.POST.get("token") != pending["token"]:
            messages.error(request, GONE)
            return back
        raw = upload_read(pending["token"])
        channel = SalesChannel.objects.filter(pk=pending["channel"]).first()
        forget_pending(request)
        if raw is None or channel is None:
            messages.error(request, GONE)
            return back
        try:
            report = order_file_import(channel=channel, raw=raw, preview=False)
        except (FileUnreadable, ActionRefused) as refusal:
            messages.error(request, f"Nothing was imported: {refusal}")
            return back
        request.session[RESULT_KEY] = report.as_data()
        level = messages.SUCCESS if report.new else messages.WARNING
        messages.add_message(request, level, f"{pending['name']}: {report.summary}")
        return back


class PurchaseImportExampleView(PanelPermissionMixin, View):
    """A file of two orders for the store's own products, to copy the columns from."""

    permission_required = FULFIL
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            example_csv(example_products()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="orders-example.csv"'
        return response


def forget_pending(request) -> None:
    """Drop the previewed file waiting for "Import", if any."""
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        upload_discard(pending["token"])
