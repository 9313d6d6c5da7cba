"""The print endpoint every print button posts to: a few documents come straight back as one PDF."""

import pytest
from django.urls import reverse

from purchases import services as purchase_services
from purchases.models import AuditEntry, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import ShipmentStatus
from tests import factories
from tests.printing.pdfcheck import barcodes_per_page, page_texts, text_of
from tests.printing.scenario import handover_batch, invoiced_purchase, shipment_for

pytestmark = pytest.mark.django_db

PRINT = reverse("printing:print")
BACK = "/shipments/fulfil/?step=print"


def post_print(client, document, ids, **extra):
    return client.post(PRINT, {"document": document, "ids": ids, "next": BACK, **extra})


def error_after(client, response) -> str:
    """The message shown on the page the user is sent back to."""
    assert response.status_code == 302
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_invoices_of_chosen_purchases_come_back_as_one_pdf_and_are_recorded(
    client, store, staff, owner
):
    first, second = invoiced_purchase(staff), invoiced_purchase(staff)
    item = first.items.first()
    purchase_services.purchase_cancel(
        purchase_id=first.pk, user=owner, reason="Broken", item_quantities={item.pk: 1}
    )
    client.force_login(staff)
    response = post_print(client, "invoices", [first.pk, second.pk])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'inline; filename="invoices-{first.number}-and-1-more.pdf"'
    )
    pages = page_texts(response.content)
    invoice_one, invoice_two = first.invoices.get(), second.invoices.get()
    note = invoice_one.credit_notes.get()
    assert len(pages) == 3  # invoice, its credit note, the other invoice: in that order
    assert invoice_one.number in pages[0] and "TAX INVOICE" in pages[0]
    assert note.number in pages[1] and "CREDIT NOTE" in pages[1]
    assert invoice_two.number in pages[2]
    printed = AuditEntry.objects.filter(action__endswith="printed").order_by("id")
    assert [(e.action, e.subject_label, e.actor) for e in printed] == [
        ("Tax invoice printed", invoice_one.number, staff),
        ("Credit note printed", note.number, staff),
        ("Tax invoice printed", invoice_two.number, staff),
    ]


def test_one_invoice_printed_twice_from_the_panel_is_the_same_file(client, store, staff):
    purchase = invoiced_purchase(staff)
    client.force_login(staff)
    first = post_print(client, "invoices", [purchase.pk])
    again = post_print(client, "invoices", [purchase.pk])
    number = purchase.invoices.get().number.replace("/", "-")
    assert first["Content-Disposition"] == f'inline; filename="invoice-{number}.pdf"'
    assert first.content == again.content


def test_slips_print_marks_the_slip_printed_and_ships_with_an_awb(client, store, staff, agent):
    with_awb = shipment_for(staff, agent, awb="12345678901", cod=True)
    without = shipment_for(staff, agent)
    client.force_login(staff)
    response = post_print(client, "slips", [with_awb.pk, without.pk])
    assert response.status_code == 200
    assert barcodes_per_page(response.content) == [
        [("Code 128", "12345678901")],
        [("Code 128", without.reference)],
    ]
    with_awb.refresh_from_db()
    without.refresh_from_db()
    assert with_awb.status == ShipmentStatus.SHIPPED and with_awb.slip_printed_at
    assert without.status == ShipmentStatus.AGENT_ASSIGNED and without.slip_printed_at
    assert AuditEntry.objects.filter(action="Address slip printed", actor=staff).count() == 2
    with_awb.purchase.refresh_from_db()
    assert with_awb.purchase.status == PurchaseStatus.SHIPPED


def test_a_slip_whose_awb_is_corrected_while_it_prints_is_not_counted(
    client, store, staff, agent, monkeypatch
):
    """Another member of staff corrects the AWB while the slip is being drawn: the PDF that comes
    back shows the old AWB, so the shipment does not count it and waits for a new slip."""
    from printing import rendering

    shipment = shipment_for(staff, agent, awb="12345678901")
    draw = rendering.render_now

    def draw_then_correct(selection):
        pdf = draw(selection)
        shipment_services.shipment_record_awb(
            shipment_id=shipment.pk, user=staff, awb="12345678902"
        )
        return pdf

    monkeypatch.setattr(rendering, "render_now", draw_then_correct)
    client.force_login(staff)
    response = post_print(client, "slips", [shipment.pk])
    assert barcodes_per_page(response.content) == [[("Code 128", "12345678901")]]
    shipment.refresh_from_db()
    assert shipment.slip_printed_at is None and shipment.status == ShipmentStatus.AGENT_ASSIGNED
    assert AuditEntry.objects.filter(
        action="Address slip printed with an old courier or AWB: print it again"
    ).exists()


def test_slips_on_a4_sheets(client, store, staff, agent):
    shipments = [shipment_for(staff, agent, awb=f"7000000000{n}") for n in range(3)]
    client.force_login(staff)
    response = post_print(client, "slips", [s.pk for s in shipments], layout="a4")
    assert response["Content-Disposition"].endswith('-and-2-more-a4.pdf"')
    assert len(barcodes_per_page(response.content)[0]) == 3


def test_manifest_print_is_recorded_on_each_purchase_listed(client, store, staff, agent):
    shipments = [shipment_for(staff, agent, awb=f"8000000000{n}", cod=True) for n in range(2)]
    batch = handover_batch(staff, agent, shipments)
    client.force_login(staff)
    response = post_print(client, "manifest", [batch.pk])
    assert response.status_code == 200
    assert "HANDOVER MANIFEST" in text_of(response.content)
    for shipment in shipments:
        entry = AuditEntry.objects.get(
            purchase=shipment.purchase, action__startswith="Handover manifest"
        )
        assert entry.action == "Handover manifest printed (Blue Dart)" and entry.actor == staff


def test_viewer_may_not_print(client, store, viewer, staff):
    purchase = invoiced_purchase(staff)
    client.force_login(viewer)
    response = post_print(client, "invoices", [purchase.pk])
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="Tax invoice printed").exists()


def test_print_needs_a_post(client, staff):
    client.force_login(staff)
    assert client.get(PRINT).status_code == 405


@pytest.mark.parametrize(
    ("document", "ids", "message"),
    [
        ("invoices", [], "Choose at least one purchase to print."),
        ("slips", ["abc"], "'abc' is not a shipment id."),
        ("posters", ["1"], "Choose what to print: invoices, slips or manifest."),
        ("invoices", ["999999"], "There is no purchase 999999."),
        ("slips", ["999998", "999999"], "There are no shipments 999998 and 999999."),
        ("manifest", ["424242"], "There is no handover batch 424242."),
    ],
)
def test_bad_selection_is_refused_with_a_message(client, staff, document, ids, message):
    client.force_login(staff)
    response = post_print(client, document, ids)
    assert response["Location"] == BACK
    assert error_after(client, response) == message


def test_invoices_of_a_purchase_without_invoice_are_refused(client, store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    client.force_login(staff)
    response = post_print(client, "invoices", [purchase.pk])
    assert error_after(client, response) == (
        f"{purchase.number} has no tax invoice yet: issue the invoice before printing it."
    )


def test_slip_of_a_cancelled_shipment_is_refused(client, store, staff, owner, agent):
    shipment = shipment_for(staff, agent)
    purchase_services.purchase_cancel(purchase_id=shipment.purchase_id, user=owner, reason="Fraud")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED
    client.force_login(staff)
    response = post_print(client, "slips", [shipment.pk])
    assert error_after(client, response) == (
        f"Shipment {shipment.reference} is cancelled: no slip is printed for a cancelled shipment."
    )
    assert not AuditEntry.objects.filter(action="Address slip printed").exists()


def test_manifest_of_an_empty_batch_is_refused(client, store, staff, agent):
    batch = handover_batch(staff, agent, [])
    client.force_login(staff)
    response = post_print(client, "manifest", [batch.pk])
    assert "has no shipments handed over yet" in error_after(client, response)


def test_bad_layout_is_refused(client, store, staff, agent):
    shipment = shipment_for(staff, agent)
    client.force_login(staff)
    response = post_print(client, "slips", [shipment.pk], layout="letter")
    assert (
        error_after(client, response)
        == "Choose a slip layout: 4×6 inch labels or A4 sheets of four."
    )


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "", "/\\evil"])
def test_unsafe_next_falls_back_to_the_print_jobs(client, staff, next_url):
    client.force_login(staff)
    response = client.post(PRINT, {"document": "slips", "ids": [], "next": next_url})
    assert response["Location"] == reverse("printing:job-list")


def test_slips_printed_by_a_staff_member_then_handed_over(client, store, staff, agent):
    """The printed slip is what the courier scans at handover: the flow goes on from it."""
    shipment = shipment_for(staff, agent, awb="12121212121")
    client.force_login(staff)
    post_print(client, "slips", [shipment.pk])
    shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE


@pytest.mark.parametrize("page", ["abc", "-1", "99999"])
def test_a_bad_page_number_of_the_print_jobs_shows_a_page(client, staff, page):
    client.force_login(staff)
    assert client.get(reverse("printing:job-list"), {"page": page}).status_code == 200
