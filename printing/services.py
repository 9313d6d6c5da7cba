"""Printing documents: a few at once straight back to the browser, more as a background job.

Every printed document is recorded in its purchase's timeline (who printed what, when), as its
document type says (printing/document_types.py). The print jobs and the print_documents command
render with rendering.render_to_file and record with documents_record_printed.
"""

import datetime as dt
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from core.exceptions import ActionRefused, NotFound, RoleNotAllowed, TransitionNotAllowed
from core.permissions import PRINT

from . import rendering
from .document_types import DOCUMENT_TYPES, Selection
from .models import PrintJob, PrintJobStatus
from .selection import select_documents

MAX_DIRECT = 20
RECORD_BATCH = 50
KEEP_JOB_FILES = dt.timedelta(days=7)

logger = logging.getLogger(__name__)


class JobTakenOver(Exception):
    """Another attempt of the same job took over (this worker was thought stopped and retried)."""


def _require_print(user: AbstractBaseUser | None) -> None:
    if user is not None and not user.has_perm(PRINT):
        raise RoleNotAllowed("Your role may not print documents.")


# -- recording ------------------------------------------------------------------------------


def documents_record_printed(
    *,
    selection: Selection,
    user: AbstractBaseUser | None,
    drawn_at: dt.datetime,
    recorded: int = 0,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Write the timeline entries of the selection's documents that were just printed, from the
    `recorded`-th on, drawn from the database no earlier than `drawn_at` (a slip drawn before its
    courier or AWB changed does not count).

    One transaction per RECORD_BATCH documents, so a long selection does not hold the database's
    write lock; on_batch(n), with the number recorded so far, runs inside each batch's transaction.
    """
    record_printed = DOCUMENT_TYPES[selection.document].record_printed
    refs = selection.refs
    while recorded < len(refs):
        batch = refs[recorded : recorded + RECORD_BATCH]
        with transaction.atomic():
            record_printed(refs=batch, user=user, drawn_at=drawn_at)
            recorded += len(batch)
            if on_batch:
                on_batch(recorded)


# -- printing a few now ---------------------------------------------------------------------


def documents_print_now(*, selection: Selection, user: AbstractBaseUser | None) -> bytes:
    """Render a few documents into one PDF and record them as printed.

    Not one transaction on purpose: rendering takes a moment and must not hold the database's
    write lock; the recording that follows is atomic.
    """
    _require_print(user)
    if selection.count > MAX_DIRECT:
        raise ActionRefused(f"More than {MAX_DIRECT} documents are printed as a background job.")
    drawn_at = timezone.now()
    pdf = rendering.render_now(selection)
    documents_record_printed(selection=selection, user=user, drawn_at=drawn_at)
    return pdf


# -- print jobs -----------------------------------------------------------------------------


def job_dir(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "printing" / "jobs" / str(job_id)


def _enqueue(job_id: int) -> None:
    from .tasks import run_print_job

    transaction.on_commit(lambda: run_print_job.enqueue(job_id=job_id))


@transaction.atomic
def print_job_create(*, selection: Selection, user: AbstractBaseUser) -> PrintJob:
    """Queue a background job that renders the selection into one PDF (a double submit gives
    back the job already queued)."""
    _require_print(user)
    twin = PrintJob.objects.select_for_update().unfinished_twin(
        user=user, selection_key=selection.key
    )
    if twin is not None:
        return twin
    _purge_old_job_files()
    job = PrintJob.objects.create(
        document=selection.document,
        layout=selection.layout,
        ids=list(selection.ids),
        selection_key=selection.key,
        title=selection.title[:200],
        filename=selection.filename,
        document_count=selection.count,
        created_by=user,
    )
    _enqueue(job.pk)
    return job


def _lock_job(job_id: int) -> PrintJob:
    try:
        return PrintJob.objects.select_for_update().get(pk=job_id)
    except (PrintJob.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no print job {job_id}.") from None


@transaction.atomic
def print_job_retry(*, job_id: int, user: AbstractBaseUser) -> PrintJob:
    """Queue a failed or stalled job again; it resumes after the parts already rendered."""
    _require_print(user)
    job = _lock_job(job_id)
    if not job.can_retry():
        raise TransitionNotAllowed(
            f"{job} is {job.get_status_display().lower()}: nothing to retry."
        )
    job.retry()
    job.save()
    _enqueue(job.pk)
    return job


@transaction.atomic
def _print_job_start(job_id: int) -> PrintJob | None:
    job = PrintJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != PrintJobStatus.QUEUED:
        return None  # already taken by another worker, or finished
    job.start()
    job.save()
    return job


def _report(job: PrintJob, **fields) -> None:
    """Save progress; JobTakenOver if a newer attempt owns the job now."""
    updated = PrintJob.objects.filter(
        pk=job.pk, attempt=job.attempt, status=PrintJobStatus.RUNNING
    ).update(heartbeat_at=timezone.now(), **fields)
    if not updated:
        raise JobTakenOver(job.pk)
    for name, value in fields.items():
        setattr(job, name, value)


@transaction.atomic
def _print_job_end(job: PrintJob, *, error: str = "") -> None:
    current = PrintJob.objects.select_for_update().get(pk=job.pk)
    if current.attempt != job.attempt or current.status != PrintJobStatus.RUNNING:
        return
    if error:
        current.fail(error)
    else:
        current.file.name = job.file.name
        current.finish()
    current.save()


def print_job_run(*, job_id: int) -> None:
    """The worker's side of a job: render the parts not rendered yet, merge, record, finish."""
    job = _print_job_start(job_id)
    if job is None:
        return
    try:
        _run(job)
    except JobTakenOver:
        return
    except ActionRefused as refusal:
        _print_job_end(job, error=refusal.message)
    except rendering.RenderingFailed as failure:
        _print_job_end(job, error=f"{failure} Press Retry to go on from where it stopped.")
    except Exception as error:  # the job page must say it failed, whatever the cause
        logger.exception("Print job %s failed", job.pk)
        _print_job_end(
            job,
            error=f"Printing failed ({type(error).__name__}). Press Retry; if it fails again, "
            "tell the administrator.",
        )
    else:
        _print_job_end(job)


def _run(job: PrintJob) -> None:
    selection = select_documents(document=job.document, ids=job.ids, layout=job.layout)
    directory = job_dir(job.pk)
    parts_dir = directory / "parts"
    out = directory / job.filename
    if selection.count != job.document_count:
        # The selection gained or lost documents since it was queued (a credit note was issued):
        # the parts on disk may not match any more, so start over.
        shutil.rmtree(parts_dir, ignore_errors=True)
        _report(job, document_count=selection.count, done_count=0, recorded_count=0)

    if not out.exists():
        rendering.render_to_file(
            selection,
            out,
            parts_dir=parts_dir,
            done=job.done_count,
            on_progress=lambda done: _report(job, done_count=done),
        )
        shutil.rmtree(parts_dir, ignore_errors=True)
    job.file.name = str(out.relative_to(Path(settings.MEDIA_ROOT)))
    _report(job, done_count=selection.count)

    documents_record_printed(
        selection=selection,
        user=job.created_by,
        # The parts were drawn after the job was queued, perhaps over several attempts.
        drawn_at=job.created_at,
        recorded=job.recorded_count,
        on_batch=lambda recorded: _report(job, recorded_count=recorded),
    )


def _purge_old_job_files() -> None:
    """Delete the PDFs of jobs finished more than a week ago (their rows stay as a record)."""
    old = PrintJob.objects.filter(
        finished_at__lt=timezone.now() - KEEP_JOB_FILES,
        status__in=[PrintJobStatus.DONE, PrintJobStatus.FAILED],
    ).exclude(file="")
    for job_id in old.values_list("pk", flat=True)[:100]:
        shutil.rmtree(job_dir(job_id), ignore_errors=True)
        PrintJob.objects.filter(pk=job_id).update(file="")


def job_progress(job: PrintJob) -> dict:
    """What the job page's progress bar polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "done": job.done_count,
        "total": job.document_count,
        "recorded": job.recorded_count,
        "percent": job.percent,
        "finished": job.is_finished(),
        "stale": job.is_stale(),
        "error": job.error,
    }
