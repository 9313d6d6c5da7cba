"""Bulk print jobs: more than a few documents are rendered by the background worker into one PDF."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

# A running job whose worker has not reported for this long has most likely been stopped.
STALE_AFTER = timedelta(minutes=2)
QUEUED_TOO_LONG = timedelta(minutes=1)


class DocumentSet(models.TextChoices):
    INVOICES = "invoices", "Tax invoices and credit notes"
    SLIPS = "slips", "Address slips"
    MANIFEST = "manifest", "Handover manifests"


class SlipLayout(models.TextChoices):
    LABEL = "label", "4×6 inch labels"
    A4 = "a4", "A4 sheets of four"


class PrintJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PrintJobQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("created_by").order_by("-created_at", "-id")

    def unfinished_twin(self, *, user, selection_key: str):
        """The same selection by the same user, still queued or running (a double submit)."""
        return self.filter(
            created_by=user,
            selection_key=selection_key,
            status__in=[PrintJobStatus.QUEUED, PrintJobStatus.RUNNING],
        ).first()


def job_file_path(job: "PrintJob", filename: str) -> str:
    return f"printing/jobs/{job.pk}/{filename}"


class PrintJob(ConcurrentTransitionMixin, models.Model):
    """Documents chosen together, rendered in parts by the worker and merged into one PDF."""

    document = models.CharField(max_length=10, choices=DocumentSet.choices)
    layout = models.CharField(max_length=10, choices=SlipLayout.choices, blank=True)
    ids = models.JSONField(help_text="The purchase, shipment or batch ids chosen, in order")
    selection_key = models.CharField(max_length=64, help_text="Digest of what was chosen")
    title = models.CharField(max_length=200, help_text="What was chosen, in words")
    filename = models.CharField(max_length=100)
    document_count = models.PositiveIntegerField()
    done_count = models.PositiveIntegerField(default=0, help_text="Documents rendered so far")
    recorded_count = models.PositiveIntegerField(
        default=0, help_text="Documents recorded in the audit timeline so far"
    )
    status = FSMField(
        max_length=10, choices=PrintJobStatus.choices, default=PrintJobStatus.QUEUED, protected=True
    )
    attempt = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=job_file_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PrintJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="printjob_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PrintJobStatus.values), name="printjob_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(done_count__lte=models.F("document_count")),
                name="printjob_done_within_count",
            ),
        ]

    def __str__(self) -> str:
        return f"Print job {self.pk}"

    # -- questions -------------------------------------------------------------------------

    def is_finished(self) -> bool:
        return self.status in (PrintJobStatus.DONE, PrintJobStatus.FAILED)

    def is_done(self) -> bool:
        return self.status == PrintJobStatus.DONE

    def is_stale(self) -> bool:
        """Running, but the worker has not reported for a while (it was probably stopped)."""
        last = self.heartbeat_at or self.started_at
        return (
            self.status == PrintJobStatus.RUNNING
            and last is not None
            and timezone.now() - last > STALE_AFTER
        )

    def is_waiting_long(self) -> bool:
        """Queued for a while (since it was made, or retried): no worker seems to be running."""
        queued_at = self.heartbeat_at or self.created_at  # retry() sets it to the moment of retry
        return self.status == PrintJobStatus.QUEUED and timezone.now() - queued_at > QUEUED_TOO_LONG

    def pdf_available(self) -> bool:
        """Done, and its PDF still on disk (job files are kept a week)."""
        return self.is_done() and bool(self.file) and self.file.storage.exists(self.file.name)

    def can_retry(self) -> bool:
        return self.status == PrintJobStatus.FAILED or self.is_stale()

    @property
    def percent(self) -> int:
        if not self.document_count:
            return 0
        return int(100 * self.done_count / self.document_count)

    # -- transitions -----------------------------------------------------------------------

    @transition(field=status, source=PrintJobStatus.QUEUED, target=PrintJobStatus.RUNNING)
    def start(self):
        """A worker took the job; it resumes from the parts already rendered."""
        self.attempt += 1
        self.started_at = self.heartbeat_at = timezone.now()
        self.error = ""

    @transition(field=status, source=PrintJobStatus.RUNNING, target=PrintJobStatus.DONE)
    def finish(self):
        """Every document is rendered, merged and recorded; the PDF can be downloaded."""
        self.finished_at = timezone.now()

    @transition(field=status, source=PrintJobStatus.RUNNING, target=PrintJobStatus.FAILED)
    def fail(self, message: str):
        """The job stopped with a message saying why."""
        self.error = message
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=[PrintJobStatus.FAILED, PrintJobStatus.RUNNING],
        target=PrintJobStatus.QUEUED,
        conditions=[can_retry],
        custom={"label": "Retry"},
    )
    def retry(self):
        """Queue a failed or stalled job again; finished parts are kept."""
        self.error = ""
        self.finished_at = None
        self.heartbeat_at = timezone.now()  # the last news of it: queued again, now
