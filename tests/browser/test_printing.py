"""Printing in Chromium: an invoice from the purchase page, and a bulk job whose page follows its
progress by itself and offers the merged PDF."""

import pytest
from django.urls import reverse

from printing import services
from printing.models import PrintJob
from printing.selection import select_documents
from tests.browser.conftest import login
from tests.printing.pdfcheck import barcodes_per_page, page_texts
from tests.printing.scenario import invoiced_purchase, shipment_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_invoice_printed_from_the_purchase_page(page, store, staff, media):
    purchase = invoiced_purchase(staff)
    number = purchase.invoices.get().number
    login(page, "staff")
    page.goto(reverse("purchases:purchase-detail", args=[purchase.pk]))
    answers = []

    def keep_answer(route):  # Chromium's own request; the test keeps a copy of the answer
        answer = route.fetch()
        answers.append((answer.headers, answer.body()))
        route.fulfill(response=answer)

    page.context.route("**" + reverse("printing:print"), keep_answer)
    with page.expect_popup() as popup:  # the form opens the PDF in a new tab
        page.get_by_role("button", name="Print invoice").click()
    popup.value.wait_for_load_state()
    headers, body = answers[0]
    filename = number.replace("/", "-")
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == f'inline; filename="invoice-{filename}.pdf"'
    assert number in page_texts(body)[0]


def test_bulk_job_page_follows_progress_and_offers_the_download(
    page, store, staff, agent, media, monkeypatch
):
    shipments = [shipment_for(staff, agent, awb=f"{30000000000 + n}") for n in range(21)]
    monkeypatch.setattr(services, "_enqueue", lambda job_id: None)  # the worker starts later
    selection = select_documents(document="slips", ids=[s.pk for s in shipments])
    job = services.print_job_create(selection=selection, user=staff)

    login(page, "staff")
    page.goto(reverse("printing:job-detail", args=[job.pk]))
    progress = page.locator("progress#job-progress")
    assert progress.get_attribute("max") == "21" and progress.get_attribute("value") == "0"
    assert page.locator("#job-state").inner_text() == "Queued"

    services.print_job_run(job_id=job.pk)  # the worker runs; the page notices by polling
    download_link = page.locator("#job-download")
    download_link.wait_for(timeout=15_000)
    assert page.locator("progress#job-progress").get_attribute("value") == "21"
    with page.expect_download() as downloaded:
        download_link.click()
    assert downloaded.value.suggested_filename == job.filename
    with open(downloaded.value.path(), "rb") as saved:
        pdf = saved.read()
    decoded = barcodes_per_page(pdf, dpi=150)
    assert [codes[0][1] for codes in decoded] == [s.awb for s in shipments]

    page.reload()  # the job is still there after a reload, and in the list
    assert page.locator("#job-state").inner_text() == "Done"
    page.goto(reverse("printing:job-list"))
    assert page.locator("table.list").inner_text().count(f"Job {job.pk}") == 1
    assert PrintJob.objects.get().recorded_count == 21
