"""More than twenty documents: a background job with a progress bar, a download link, and a way to
go on when its worker was stopped half-way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from printing import rendering, services
from printing.models import DocumentSet, PrintJob, PrintJobStatus
from purchases.models import AuditEntry
from tests.printing.pdfcheck import barcodes_per_page, page_texts
from tests.printing.scenario import invoiced_purchase, shipment_for

pytestmark = pytest.mark.django_db

PRINT = reverse("printing:print")


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing after it runs, not even `except Exception`."""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def shipments(store, staff, agent):
    return [shipment_for(staff, agent, awb=f"{40000000000 + n}") for n in range(21)]


def queue_slips(client, shipments, capture, *, run=True):
    with capture(execute=run):
        return client.post(
            PRINT, {"document": "slips", "ids": [s.pk for s in shipments], "next": "/shipments/"}
        )


def test_more_than_twenty_documents_become_a_job_that_can_be_downloaded(
    client, staff, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    response = queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert response["Location"] == reverse("printing:job-detail", args=[job.pk])
    assert job.status == PrintJobStatus.DONE
    assert (job.done_count, job.recorded_count, job.document_count) == (21, 21, 21)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'max="21" value="21"' in html and "<progress" in html
    download = reverse("printing:job-download", args=[job.pk])
    assert f'href="{download}"' in html

    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    content = b"".join(pdf.streaming_content)
    decoded = barcodes_per_page(content, dpi=150)
    assert [codes[0][1] for codes in decoded] == [s.awb for s in shipments]
    assert AuditEntry.objects.filter(action="Address slip printed", actor=staff).count() == 21
    assert str(media) in job.file.path  # under MEDIA_ROOT, not in the repository

    status = client.get(reverse("printing:job-status", args=[job.pk])).json()
    assert status | {"id": 0} == {
        "id": 0,
        "status": "done",
        "label": "Done",
        "done": 21,
        "total": 21,
        "recorded": 21,
        "percent": 100,
        "finished": True,
        "stale": False,
        "error": "",
    }


def test_queued_job_page_shows_progress_and_polls(
    client, staff, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    response = queue_slips(client, shipments, django_capture_on_commit_callbacks, run=False)
    job = PrintJob.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert job.status == PrintJobStatus.QUEUED
    assert 'max="21" value="0"' in html
    assert reverse("printing:job-status", args=[job.pk]) in html and "js/printing.js" in html
    assert '<meta http-equiv="refresh" content="3">' in html  # without JavaScript
    assert 'data-poll="true"' in html
    assert "Download" not in html
    early = client.get(reverse("printing:job-download", args=[job.pk]), follow=True)
    assert early.redirect_chain == [(reverse("printing:job-detail", args=[job.pk]), 302)]
    assert f"{job} has no PDF yet: it is queued." in early.content.decode()
    status = client.get(reverse("printing:job-status", args=[job.pk])).json()
    assert (status["status"], status["done"], status["finished"]) == ("queued", 0, False)
    assert "No background worker has taken this job yet" not in html
    PrintJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    html = client.get(response["Location"]).content.decode()
    assert "No background worker has taken this job yet" in html


def test_double_submit_gives_back_the_same_job(
    client, staff, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    first = queue_slips(client, shipments, django_capture_on_commit_callbacks, run=False)
    second = queue_slips(client, shipments, django_capture_on_commit_callbacks, run=False)
    assert first["Location"] == second["Location"]
    assert PrintJob.objects.count() == 1


def test_job_stopped_half_way_resumes_from_the_parts_already_rendered(
    client, staff, shipments, media, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.PRINTING_WORKERS = 1  # in this process, so the test can count and stop parts
    monkeypatch.setitem(rendering.PART_SIZE, DocumentSet.SLIPS, 5)
    rendered = []
    original = rendering.render_part

    def render_part(htmls, css):
        if len(rendered) == 2 and not getattr(render_part, "revived", False):
            raise WorkerKilled
        rendered.append(htmls[0].count('class="slip"'))
        return original(htmls, css)

    monkeypatch.setattr(rendering, "render_part", render_part)
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks, run=False)
    job = PrintJob.objects.get()
    with pytest.raises(WorkerKilled):
        services.print_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.done_count, job.recorded_count) == (PrintJobStatus.RUNNING, 10, 0)
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert "Retry" not in page  # still within the time a part may take

    PrintJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert "the worker stopped responding" in page and "Retry" in page
    assert 'data-poll="false"' in page and 'http-equiv="refresh"' not in page  # no reload loop

    render_part.revived = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("printing:job-retry", args=[job.pk]))
    assert response["Location"] == reverse("printing:job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.attempt == 2
    assert rendered == [5, 5, 5, 5, 1]  # parts 1-2 before the stop, 3-5 after: none twice
    content = b"".join(
        client.get(reverse("printing:job-download", args=[job.pk])).streaming_content
    )
    assert len(page_texts(content)) == 21
    assert AuditEntry.objects.filter(action="Address slip printed").count() == 21


def test_job_that_fails_says_why_and_can_be_retried(
    client, staff, shipments, media, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.PRINTING_WORKERS = 1

    def broken(htmls, css):
        raise ValueError("renderer broke")

    monkeypatch.setattr(rendering, "render_part", broken)
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == PrintJobStatus.FAILED
    assert job.error == (
        "Printing failed (ValueError). Press Retry; if it fails again, tell the administrator."
    )
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert job.error in page and "Retry" in page
    assert not AuditEntry.objects.filter(action="Address slip printed").exists()

    monkeypatch.undo()
    settings.PRINTING_WORKERS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("printing:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.error == ""


def test_retry_of_a_finished_job_is_refused(
    client, staff, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    response = client.post(reverse("printing:job-retry", args=[job.pk]), follow=True)
    assert f"{job} is done: nothing to retry." in response.content.decode()


def test_invoices_job_prints_every_invoice(
    client, store, staff, media, settings, django_capture_on_commit_callbacks
):
    purchases = [invoiced_purchase(staff, own=1, quantity=1) for _ in range(21)]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PRINT, {"document": "invoices", "ids": [p.pk for p in purchases]})
    job = PrintJob.objects.get()
    assert job.status == PrintJobStatus.DONE
    pages = page_texts(job.file.read())
    assert all(p.invoices.get().number in text for p, text in zip(purchases, pages, strict=True))
    assert AuditEntry.objects.filter(action="Tax invoice printed").count() == 21


def test_viewer_sees_jobs_but_may_not_download_or_retry(
    client, staff, viewer, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    client.force_login(viewer)
    assert client.get(reverse("printing:job-list")).status_code == 200
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert "Download" not in page
    assert client.get(reverse("printing:job-download", args=[job.pk])).status_code == 403
    assert client.post(reverse("printing:job-retry", args=[job.pk])).status_code == 403


def test_job_list_costs_a_fixed_number_of_queries(
    client, staff, store, media, django_assert_max_num_queries
):
    for n in range(30):
        PrintJob.objects.create(
            document="slips",
            layout="label",
            ids=[n + 1],
            selection_key=str(n),
            title=f"Slips {n}",
            filename="slips.pdf",
            document_count=21,
            created_by=staff,
        )
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("printing:job-list"))
    assert response.content.decode().count("Slips ") >= 30


def test_a_retried_job_waits_from_its_retry_before_the_missing_worker_is_mentioned(
    client, staff, shipments, media, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rendering, "render_part", lambda htmls, css: 1 / 0)
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == PrintJobStatus.FAILED
    PrintJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=False):  # no worker takes it
        client.post(reverse("printing:job-retry", args=[job.pk]))
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert "No background worker has taken this job yet" not in page
    PrintJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    page = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert "No background worker has taken this job yet" in page


def test_a_job_whose_pdf_is_gone_offers_no_download(
    client, staff, shipments, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    queue_slips(client, shipments, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    download = reverse("printing:job-download", args=[job.pk])
    assert download in client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    job.file.storage.delete(job.file.name)  # removed by hand, or lost with the disk
    detail = client.get(reverse("printing:job-detail", args=[job.pk])).content.decode()
    assert download not in detail and "no longer kept" in detail
    assert download not in client.get(reverse("printing:job-list")).content.decode()
