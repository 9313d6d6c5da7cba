"""Recording AWBs from a CSV file: every line gets a result; a bad file changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from purchases import services as purchase_services
from purchases.models import PurchaseStatus
from shipments import services
from shipments.models import ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

UPLOAD = reverse("shipments:awb-upload")
PRINT_TAB = reverse("shipments:fulfil") + "?step=print"


def new_shipment(staff, agent, quantities=None, purchase=None):
    if purchase is None:
        purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)
        purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    return services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk, quantities=quantities
    )


def upload(client, content: bytes, name="awbs.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True)


def test_each_line_reports_what_happened(client, store, staff, agent):
    by_reference = new_shipment(staff, agent)
    by_purchase = new_shipment(staff, agent)
    wrong_agent = new_shipment(staff, agent)
    client.force_login(staff)
    content = (
        "\ufeffReference,Agent code,AWB\n"
        f"{by_reference.reference.lower()},bluedart, 11111111111 \n"
        f"{by_purchase.purchase.number},BLUEDART,22222222222\n"
        f"{wrong_agent.reference},DTDC,33333333333\n"
        "WS999999,BLUEDART,44444444444\n"
        f'{by_reference.reference},BLUEDART,=HYPERLINK("http://evil")\n'
        "only,two\n"
        "\n"
    ).encode()
    response = upload(client, content)
    assert response.redirect_chain[-1][0] == PRINT_TAB
    report = response.context["report"]
    outcomes = [(row.label, row.outcome, row.message) for row in report.rows]
    assert outcomes[0] == (
        f"Line 2: {by_reference.reference.lower()}",
        "done",
        f"{by_reference.reference}: AWB 11111111111 recorded.",
    )
    assert outcomes[1][1] == "done"
    assert outcomes[2][1:] == (
        "refused",
        f"{wrong_agent.reference} is with Blue Dart (BLUEDART), not DTDC.",
    )
    assert (
        outcomes[3][1] == "refused"
        and "Unknown purchase or shipment reference WS999999" in outcomes[3][2]
    )
    assert outcomes[4][1:] == (
        "refused",
        "Not a valid AWB line: a cell looks like a spreadsheet formula.",
    )
    assert outcomes[5][1:] == (
        "refused",
        "Expected 3 columns (reference, agent code, AWB), found 2.",
    )
    assert len(outcomes) == 6
    by_reference.refresh_from_db()
    by_purchase.refresh_from_db()
    wrong_agent.refresh_from_db()
    assert (by_reference.awb, by_purchase.awb, wrong_agent.awb) == (
        "11111111111",
        "22222222222",
        None,
    )
    assert "Record AWBs from file: 2 done, 4 refused." in response.content.decode()


def test_purchase_with_two_waiting_shipments_needs_the_shipment_reference(
    client, store, staff, agent
):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    first, second = purchase.items.order_by("line_number")
    new_shipment(staff, agent, {first.pk: 1}, purchase=purchase)
    new_shipment(staff, agent, {second.pk: 1}, purchase=purchase)
    client.force_login(staff)
    response = upload(client, f"{purchase.number},BLUEDART,11111111111\n".encode())
    row = response.context["report"].rows[0]
    assert row.outcome == "refused"
    assert (
        "has 2 shipments waiting for an AWB" in row.message
        and "use the shipment reference" in row.message
    )


def test_the_same_shipment_twice_in_a_file_is_refused_the_second_time(client, store, staff, agent):
    shipment = new_shipment(staff, agent)
    client.force_login(staff)
    content = (
        f"{shipment.reference},BLUEDART,11111111111\n{shipment.reference},BLUEDART,22222222222\n"
    )
    rows = upload(client, content.encode()).context["report"].rows
    assert [row.outcome for row in rows] == ["done", "refused"]
    assert rows[1].message == f"Line 1 already names {shipment.reference}."
    shipment.refresh_from_db()
    assert shipment.awb == "11111111111"


def test_semicolon_separated_file_from_a_spreadsheet_is_read(client, store, staff, agent):
    shipment = new_shipment(staff, agent)
    client.force_login(staff)
    upload(client, f"{shipment.reference};BLUEDART;11111111111;;\r\n".encode())
    shipment.refresh_from_db()
    assert shipment.awb == "11111111111"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        ("WS1-1,BLUEDART,1234567890é\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"Reference,Agent,AWB\n\n", "The file has no lines to record"),
        (b"\x00\x01\x02binary", "This is not a CSV text file."),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_reason(client, store, staff, agent, content, message):
    client.force_login(staff)
    response = upload(client, content)
    page = response.content.decode()
    assert "AWB file not read:" in page and message in page
    assert response.context["report"] is None


def test_a_file_over_one_megabyte_is_refused(client, store, staff):
    client.force_login(staff)
    response = upload(client, b"WS1-1,BLUEDART,11111111111\n" * 45_000)
    assert "The file is larger than 1 MB" in response.content.decode()


def test_a_slip_printed_before_the_awb_is_asked_for_again(client, store, staff, agent):
    shipment = new_shipment(staff, agent)
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    client.force_login(staff)
    row = (
        upload(client, f"{shipment.reference},BLUEDART,11111111111".encode())
        .context["report"]
        .rows[0]
    )
    assert row.message.endswith("AWB 11111111111 recorded; print its slip again.")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED


def test_viewer_cannot_upload(client, store, staff, viewer, agent):
    shipment = new_shipment(staff, agent)
    client.force_login(viewer)
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile(
                "a.csv", f"{shipment.reference},BLUEDART,11111111111".encode()
            )
        },
    )
    assert response.status_code == 403
    shipment.refresh_from_db()
    assert shipment.awb is None
