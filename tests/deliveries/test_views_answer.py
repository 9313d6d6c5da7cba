"""Answering a failed delivery from Action needed (or the shipment's page): reattempt with what
changed, or return to origin; one row or the ticked rows. A Viewer is refused by the server, a
stale page is told who answered, bad input changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries.models import DeliveryInstruction, NdrAnswer
from purchases.models import AuditEntry

from .parcels import failed, handed_over

pytestmark = pytest.mark.django_db

ACTION_TAB = reverse("shipments:shipment-list") + "?tab=action"


def answer(client, shipment, **data):
    return client.post(
        reverse("deliveries:ndr-answer", args=[shipment.pk]),
        {"next": ACTION_TAB, **data},
        follow=True,
    )


def said(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.mark.parametrize("who", ["staff", "owner"])
def test_a_reattempt_with_a_new_mobile_address_line_and_day_is_recorded(
    client, store, staff, owner, agent, who
):
    shipment = failed(staff, agent, "12345678901", reason="Customer not available")
    client.force_login(staff if who == "staff" else owner)
    day = timezone.localdate() + dt.timedelta(days=2)

    response = answer(
        client,
        shipment,
        answer="reattempt",
        new_mobile="+91 98450 12345",
        new_address_line="Opposite the Hanuman temple",
        deliver_on=day.isoformat(),
        note="Call before coming",
    )

    assert response.redirect_chain == [(ACTION_TAB, 302)]
    assert f"{shipment.reference}: reattempt asked: new mobile 9845012345" in said(response)
    assert "address line “Opposite the Hanuman temple”" in said(response)
    assert "in the next reattempts file" in said(response)
    instruction = DeliveryInstruction.objects.get(shipment=shipment)
    assert (instruction.answer, instruction.new_mobile, instruction.deliver_on) == (
        NdrAnswer.REATTEMPT,
        "9845012345",
        day,
    )
    assert instruction.new_address_line == "Opposite the Hanuman temple"
    assert (instruction.failed_attempts, instruction.ndr_reason) == (1, "Customer not available")
    assert instruction.sent_to_courier_at is None
    shipment.refresh_from_db()
    assert not shipment.awaits_ndr_answer
    assert response.context["page"].rows == []  # it left Action needed
    assert AuditEntry.objects.filter(
        subject_id=shipment.pk, action__startswith="Reattempt asked: new mobile"
    ).exists()


def test_return_to_origin_from_the_row(client, store, staff, agent):
    shipment = failed(staff, agent, "12345678901")
    client.force_login(staff)
    response = answer(client, shipment, answer="rto", new_mobile="junk that is not read")
    assert "return to origin asked; Blue Dart brings it back" in said(response)
    assert DeliveryInstruction.objects.get(shipment=shipment).answer == NdrAnswer.RETURN_TO_ORIGIN


def test_a_stale_page_says_who_answered_and_changes_nothing(client, store, staff, owner, agent):
    shipment = failed(staff, agent, "12345678901")
    client.force_login(owner)
    answer(client, shipment, answer="rto")
    client.force_login(staff)
    response = answer(client, shipment, answer="reattempt", new_mobile="9845012345")
    assert response.status_code == 200
    message = said(response)
    assert f"{shipment.reference} was already answered by" in message
    assert "Return to origin asked. Nothing more was done." in message
    assert DeliveryInstruction.objects.filter(shipment=shipment).count() == 1


def test_a_parcel_with_no_failed_delivery_is_refused_with_a_message(client, store, staff, agent):
    shipment = handed_over(staff, agent, "12345678901")
    client.force_login(staff)
    response = answer(client, shipment, answer="rto")
    assert "no failed delivery waits for an answer (it is In Transit)" in said(response)
    assert not DeliveryInstruction.objects.exists()


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ({"answer": "reattempt", "new_mobile": "12345"}, "12345:"),
        ({"answer": "reattempt", "deliver_on": "2026-13-45"}, "Deliver on: Enter a real date."),
        ({"answer": "reattempt", "deliver_on": "2020-01-01"}, "Choose a day from today"),
        ({"answer": "reattempt", "new_address_line": "x" * 250}, "address line is too long"),
        ({"answer": "explode"}, "Answer:"),
        ({}, "Answer:"),
    ],
)
def test_bad_input_is_said_and_nothing_changes(client, store, staff, agent, typed, told):
    shipment = failed(staff, agent, "12345678901")
    client.force_login(staff)
    response = answer(client, shipment, **typed)
    assert response.status_code == 200
    assert told in said(response) and "Nothing was done." in said(response)
    assert not DeliveryInstruction.objects.exists()
    shipment.refresh_from_db()
    assert shipment.awaits_ndr_answer


def test_a_viewer_is_refused_by_the_server(client, store, staff, viewer, agent):
    shipment = failed(staff, agent, "12345678901")
    client.force_login(viewer)
    response = client.post(reverse("deliveries:ndr-answer", args=[shipment.pk]), {"answer": "rto"})
    assert response.status_code == 403
    response = client.post(reverse("deliveries:ndr-return-selected"), {"ids": [shipment.pk]})
    assert response.status_code == 403
    assert not DeliveryInstruction.objects.exists()


def test_return_ticked_to_origin_runs_each_row_and_reports_it(client, store, staff, agent):
    first = failed(staff, agent, "11111111111")
    second = failed(staff, agent, "22222222222")
    answered = failed(staff, agent, "33333333333")
    client.force_login(staff)
    answer(client, answered, answer="reattempt")

    response = client.post(
        reverse("deliveries:ndr-return-selected"),
        {"ids": [first.pk, second.pk, answered.pk, "nonsense"], "next": ACTION_TAB},
        follow=True,
    )

    report = response.context["report"]
    assert report.summary == "Return to origin: 2 done, 1 refused."
    assert [row.label for row in report.rows if not row.ok] == [answered.reference]
    assert "no failed delivery is waiting for an answer" in report.rows[2].message
    rto = DeliveryInstruction.objects.filter(answer=NdrAnswer.RETURN_TO_ORIGIN)
    assert set(rto.values_list("shipment", flat=True)) == {first.pk, second.pk}
    assert "Return to origin: 2 done, 1 refused." in response.content.decode()


def test_returning_nothing_ticked_says_so(client, store, staff):
    client.force_login(staff)
    response = client.post(reverse("deliveries:ndr-return-selected"), {}, follow=True)
    assert "tick at least one parcel" in said(response)


def test_the_shipment_page_answers_too_and_comes_back_to_it(client, store, staff, agent):
    shipment = failed(staff, agent, "12345678901")
    detail = reverse("shipments:shipment-detail", args=[shipment.pk])
    client.force_login(staff)
    page = client.get(detail).content.decode()
    assert "Answer the failed delivery" in page and 'value="rto"' in page
    response = client.post(
        reverse("deliveries:ndr-answer", args=[shipment.pk]),
        {"answer": "reattempt", "next": detail + "#delivery"},
    )
    assert response.url == detail + "#delivery"
    assert "Answer the failed delivery" not in client.get(detail).content.decode()
