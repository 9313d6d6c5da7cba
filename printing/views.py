"""Printing pages: the POST endpoint every print button uses, and the print jobs' pages.

Up to MAX_DIRECT documents come back at once as one PDF; more become a background job whose page
shows its progress and, when done, the download link.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView

from core.exceptions import ActionRefused
from core.panel import ForgivingPaginationMixin, safe_next
from core.permissions import PRINT, VIEW_PRINT_JOBS

from . import services
from .models import PrintJob
from .selection import select_documents


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class PrintView(PermissionRequiredMixin, View):
    """POST document, ids (repeated), layout, next: the PDF itself, or a job for many documents."""

    permission_required = PRINT
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request):
        back = safe_next(request, reverse("printing:job-list"))
        try:
            selection = select_documents(
                document=request.POST.get("document", ""),
                ids=request.POST.getlist("ids"),
                layout=request.POST.get("layout", ""),
            )
            if selection.count <= services.MAX_DIRECT:
                pdf = services.documents_print_now(selection=selection, user=request.user)
                return pdf_response(pdf, selection.filename)
            job = services.print_job_create(selection=selection, user=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(back)
        messages.info(
            request, f"{job.document_count} documents are being printed in the background."
        )
        return redirect("printing:job-detail", pk=job.pk)


class PrintJobListView(PermissionRequiredMixin, ForgivingPaginationMixin, ListView):
    permission_required = VIEW_PRINT_JOBS
    raise_exception = True
    paginate_by = 50
    template_name = "printing/job_list.html"
    queryset = PrintJob.objects.for_list()
    extra_context = {"page_title": "Print jobs", "active_menu": "purchases"}


class PrintJobDetailView(PermissionRequiredMixin, DetailView):
    permission_required = VIEW_PRINT_JOBS
    raise_exception = True
    template_name = "printing/job_detail.html"
    context_object_name = "job"
    queryset = PrintJob.objects.for_list()
    extra_context = {"active_menu": "purchases"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_print"] = self.request.user.has_perm(PRINT)
        return context


class PrintJobStatusView(PermissionRequiredMixin, View):
    """A small JSON answer that the job page polls for its progress bar."""

    permission_required = VIEW_PRINT_JOBS
    raise_exception = True

    def get(self, request, pk):
        job = get_object_or_404(PrintJob, pk=pk)
        return JsonResponse(services.job_progress(job))


class PrintJobDownloadView(PermissionRequiredMixin, View):
    permission_required = PRINT
    raise_exception = True

    def get(self, request, pk):
        job = get_object_or_404(PrintJob, pk=pk)
        if not job.is_done():
            messages.info(
                request, f"{job} has no PDF yet: it is {job.get_status_display().lower()}."
            )
            return redirect("printing:job-detail", pk=job.pk)
        try:
            handle = job.file.open("rb")
        except (FileNotFoundError, ValueError):  # ValueError: the file was purged (no name)
            messages.info(
                request, f"The PDF of {job} is no longer kept: print the documents again."
            )
            return redirect("printing:job-detail", pk=job.pk)
        return FileResponse(
            handle, content_type="application/pdf", as_attachment=True, filename=job.filename
        )


class PrintJobRetryView(PermissionRequiredMixin, View):
    permission_required = PRINT
    raise_exception = True

    def post(self, request, pk):
        get_object_or_404(PrintJob, pk=pk)
        try:
            services.print_job_retry(job_id=pk, user=request.user)
            messages.success(request, "The job was queued again; it goes on from where it stopped.")
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        return redirect("printing:job-detail", pk=pk)
