"""Scan to hand over: each scan answers at once; a sitting's scans form a batch per courier."""

import pytest
from django.core import mail
from django.urls import reverse

from core.exceptions import InvalidInput, NotFound, TransitionNotAllowed
from core.india import format_inr
from purchases import services as purchase_services
from purchases.models import PaymentMethod, PurchaseStatus
from shipments import services
from shipments.handover import handover_batch_close, handover_scan
from shipments.models import HandoverBatch, ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

SCAN = reverse("shipments:scan")
JSON = {"HTTP_ACCEPT": "application/json"}


def shipment_for(staff, agent, *, awb=None, printed=True, **kwargs):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, **kwargs)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    if awb:
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb=awb)
    if printed:
        services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    return shipment


@pytest.fixture
def dtdc(db):
    return factories.ShippingAgentFactory(
        code="DTDC",
        name="DTDC",
        awb_pattern="",
        tracking_url_template="https://dtdc.example/t/{awb}",
    )


def test_scan_by_awb_in_any_case_hands_over_and_answers_json(client, store, staff, dtdc):
    shipment = shipment_for(staff, dtdc, awb="D12345")
    client.force_login(staff)
    answer = client.post(SCAN, {"code": "  d12345 \n"}, **JSON).json()
    assert answer["ok"] is True
    assert answer["message"] == f"{shipment.reference} handed to DTDC (AWB D12345)"
    assert answer["batches"] == [
        {"id": answer["batch"], "agent": "DTDC", "parcels": 1, "cod_total": "0.00", "open": True}
    ]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE
    assert shipment.handover_batch_id == answer["batch"]
    assert shipment.purchase.__class__.objects.get(pk=shipment.purchase_id).status == (
        PurchaseStatus.COMPLETE
    )


def test_scan_by_shipment_reference(store, staff, dtdc):
    shipment = shipment_for(staff, dtdc, awb="D2222")
    result = handover_scan(code=shipment.reference.lower(), user=staff)
    assert result.shipment.pk == shipment.pk


@pytest.mark.parametrize(
    ("setup", "error", "words"),
    [
        ("unknown", NotFound, "Unknown AWB or shipment reference: NOPE42."),
        ("twice", TransitionNotAllowed, "already handed over on"),
        ("cancelled", TransitionNotAllowed, "cancelled; do not hand this parcel over"),
        (
            "no_awb",
            TransitionNotAllowed,
            "not shipped yet; record its AWB and print its slip first",
        ),
        ("no_slip", TransitionNotAllowed, "not shipped yet; print its slip first"),
        ("empty", InvalidInput, "Nothing was scanned."),
    ],
)
def test_scan_refusals_say_why(store, staff, owner, dtdc, setup, error, words):
    code = "NOPE42"
    if setup == "twice":
        code = shipment_for(staff, dtdc, awb="D1001").awb
        handover_scan(code=code, user=staff)
    elif setup == "cancelled":
        shipment = shipment_for(staff, dtdc, awb="D2002")
        purchase_services.purchase_cancel(
            purchase_id=shipment.purchase_id, user=owner, reason="Gone"
        )
        code = "D2002"
    elif setup == "no_awb":
        code = shipment_for(staff, dtdc, printed=False).reference
    elif setup == "no_slip":
        code = shipment_for(staff, dtdc, awb="D3003", printed=False).awb
    elif setup == "empty":
        code = "   "
    batches_before = HandoverBatch.objects.count()
    with pytest.raises(error, match=words):
        handover_scan(code=code, user=staff)
    assert HandoverBatch.objects.count() == batches_before  # a refused scan opens no batch


def test_same_awb_at_two_couriers_picks_the_one_waiting(store, staff, agent, dtdc):
    waiting = shipment_for(staff, dtdc, awb="12345678901")
    shipment_for(staff, agent, awb="12345678901", printed=False)
    assert handover_scan(code="12345678901", user=staff).shipment.pk == waiting.pk


def test_scans_form_one_open_batch_per_courier_until_finished(client, store, staff, agent, dtdc):
    blue = [
        shipment_for(staff, agent, awb=f"1000000000{n}", payment_method=PaymentMethod.COD)
        for n in range(2)
    ]
    red = shipment_for(staff, dtdc, awb="D9009")
    client.force_login(staff)
    for code in [blue[0].awb, red.awb, blue[1].awb]:
        assert client.post(SCAN, {"code": code}, **JSON).json()["ok"]
    batches = {b.agent.code: b for b in HandoverBatch.objects.all()}
    assert set(batches) == {"BLUEDART", "DTDC"}
    assert batches["BLUEDART"].shipments.count() == 2
    page = client.get(SCAN).content.decode()
    assert "Blue Dart" in page and "DTDC" in page
    assert page.count('<form method="post" class="finish" action="/shipments/handover/') == 2
    cod_total = sum(s.cod_amount for s in blue)
    assert cod_total > 0

    finish = reverse("shipments:batch-finish", args=[batches["BLUEDART"].pk])
    response = client.post(
        finish, {"pickup_person": "Ravi Kumar", "pickup_mobile": "+91 98450 12345"}, follow=True
    )
    assert "Blue Dart handover finished: picked up by Ravi Kumar." in response.content.decode()
    closed = HandoverBatch.objects.get(pk=batches["BLUEDART"].pk)
    assert closed.closed_at is not None and closed.pickup_mobile == "9845012345"

    later = shipment_for(staff, agent, awb="10000000009")
    answer = client.post(SCAN, {"code": later.awb}, **JSON).json()
    assert answer["batch"] != closed.pk
    assert HandoverBatch.objects.filter(agent=agent, closed_at__isnull=True).count() == 1


def test_finishing_needs_name_and_a_valid_mobile_and_happens_once(client, store, staff, dtdc):
    shipment = shipment_for(staff, dtdc, awb="D5005")
    batch = handover_scan(code=shipment.awb, user=staff).batch
    client.force_login(staff)
    finish = reverse("shipments:batch-finish", args=[batch.pk])
    page = client.post(finish, {"pickup_person": "", "pickup_mobile": "12345"}, follow=True)
    assert "Handover not finished." in page.content.decode()
    batch.refresh_from_db()
    assert batch.closed_at is None
    handover_batch_close(
        batch_id=batch.pk, user=staff, pickup_person="Ravi", pickup_mobile="9845012345"
    )
    with pytest.raises(TransitionNotAllowed, match="already finished"):
        handover_batch_close(
            batch_id=batch.pk, user=staff, pickup_person="Ravi", pickup_mobile="9845012345"
        )


def test_plain_form_post_without_javascript_shows_the_answer(client, store, staff, dtdc):
    shipment = shipment_for(staff, dtdc, awb="D7777")
    client.force_login(staff)
    response = client.post(SCAN, {"code": "d7777"}, follow=True)
    page = response.content.decode()
    assert 'class="scan-result ok"' in page and "OK" in page and shipment.reference in page
    response = client.post(SCAN, {"code": "d7777"}, follow=True)
    page = response.content.decode()
    assert 'class="scan-result refused"' in page and "already handed over" in page


def test_viewer_cannot_open_the_scan_desk_or_scan(client, store, staff, viewer, dtdc):
    shipment = shipment_for(staff, dtdc, awb="D8008")
    client.force_login(viewer)
    assert client.get(SCAN).status_code == 403
    assert client.post(SCAN, {"code": "D8008"}, **JSON).status_code == 403
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED


def test_handover_email_is_sent_once_with_courier_awb_and_tracking(
    client, store, staff, dtdc, django_capture_on_commit_callbacks
):
    shipment = shipment_for(staff, dtdc, awb="D4242")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SCAN, {"code": "D4242"}, **JSON)
        client.post(SCAN, {"code": "D4242"}, **JSON)  # a second scan of the same slip
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [shipment.purchase.customer.email]
    assert shipment.purchase.number in email.subject
    assert "DTDC" in email.body
    assert "D4242" in email.body
    assert "https://dtdc.example/t/D4242" in email.body


def test_no_email_when_the_handover_is_refused(
    store, staff, dtdc, django_capture_on_commit_callbacks
):
    shipment = shipment_for(staff, dtdc, printed=False)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        handover_scan(code=shipment.reference, user=staff)
    assert mail.outbox == []


def test_scan_page_runs_a_fixed_number_of_queries(
    client, store, staff, agent, dtdc, django_assert_max_num_queries
):
    for n in range(6):
        handover_scan(
            code=shipment_for(staff, agent if n % 2 else dtdc, awb=f"1234567890{n}").awb, user=staff
        )
    client.force_login(staff)
    client.get(SCAN)
    with django_assert_max_num_queries(10):
        client.get(SCAN)


def test_handover_email_is_plain_text_and_says_the_cash_to_collect(
    store, staff, dtdc, django_capture_on_commit_callbacks
):
    shipment = shipment_for(staff, dtdc, awb="D6060", own=2, payment_method=PaymentMethod.COD)
    customer = shipment.purchase.customer
    customer.name = "Ananya D'Souza"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        handover_scan(code="D6060", user=staff)
    body = mail.outbox[0].body
    assert body.startswith("Dear Ananya D'Souza,")  # plain text: nothing HTML-escaped
    assert f"Cash on delivery: please keep {format_inr(shipment.cod_amount)} ready" in body


def test_a_scan_that_is_no_code_at_all_is_refused_clearly(client, store, staff):
    client.force_login(staff)
    assert client.post(SCAN, {"code": "   "}, **JSON).json()["message"] == "Nothing was scanned."
    answer = client.post(SCAN, {"code": "X" * 500}, **JSON).json()
    assert answer == {
        **answer,
        "ok": False,
        "message": "That is not an AWB or a shipment reference.",
    }
