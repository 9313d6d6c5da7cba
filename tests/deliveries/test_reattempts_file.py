"""Each courier's reattempts file: the reattempts asked and not sent yet, marked sent when
downloaded; those sent in the last 7 days can be downloaded again; formulas are neutralised."""

import csv
import datetime as dt
import io
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from core.exceptions import RoleNotAllowed
from deliveries.models import DeliveryInstruction
from deliveries.reattempts import COLUMNS
from deliveries.services import failed_delivery_answer, reattempts_send
from tests import factories

from .parcels import failed

pytestmark = pytest.mark.django_db

FILE = reverse("deliveries:reattempts-file")
ACTION_TAB = reverse("shipments:shipment-list") + "?tab=action"


@pytest.fixture
def dtdc(db):
    return factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")


@pytest.fixture
def asked(store, staff, agent, dtdc):
    """Two reattempts asked of Blue Dart (one with changes), one of DTDC, one parcel sent back."""
    plain = failed(staff, agent, "11111111111", reason="Customer not available")
    changed = failed(staff, agent, "22222222222", hours_ago=2, reason="Door locked")
    other = failed(staff, dtdc, "D3003")
    back = failed(staff, agent, "44444444444")
    day = timezone.localdate() + dt.timedelta(days=1)
    failed_delivery_answer(shipment_id=plain.pk, user=staff, answer="reattempt")
    failed_delivery_answer(
        shipment_id=changed.pk,
        user=staff,
        answer="reattempt",
        new_mobile="9845012345",
        new_address_line='=HYPERLINK("http://evil.example")',
        deliver_on=day,
        note="Gate 2",
    )
    failed_delivery_answer(shipment_id=other.pk, user=staff, answer="reattempt")
    failed_delivery_answer(shipment_id=back.pk, user=staff, answer="rto")
    return {"plain": plain, "changed": changed, "other": other, "back": back, "day": day}


def lines(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_action_tab_says_how_many_wait_for_each_courier(client, staff, asked):
    client.force_login(staff)
    page = client.get(ACTION_TAB).content.decode()
    assert "<strong>Blue Dart</strong>: 2 reattempts waiting" in page
    assert "<strong>DTDC</strong>: 1 reattempt waiting" in page


def test_downloading_gives_the_couriers_reattempts_and_marks_them_sent(client, staff, agent, asked):
    client.force_login(staff)
    response = client.post(FILE, {"agent": agent.pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="reattempts-BLUEDART-')
    header, *rows = lines(response)
    assert header == COLUMNS
    plain, changed = asked["plain"], asked["changed"]
    address = plain.purchase.shipping_address
    assert rows[0][:10] == [
        "11111111111",
        plain.reference,
        address.name,
        address.mobile,
        "",
        "",
        "",
        "",
        "1",
        "Customer not available",
    ]
    assert rows[1][:10] == [
        "22222222222",
        changed.reference,
        changed.purchase.shipping_address.name,
        changed.purchase.shipping_address.mobile,
        "9845012345",
        '\'=HYPERLINK("http://evil.example")',
        asked["day"].isoformat(),
        "Gate 2",
        "1",
        "Door locked",
    ]
    assert len(rows) == 2  # not DTDC's, not the parcel sent back
    sent = DeliveryInstruction.objects.filter(sent_to_courier_at__isnull=False)
    assert set(sent.values_list("shipment", flat=True)) == {plain.pk, changed.pk}

    again = client.post(FILE, {"agent": agent.pk}, follow=True)
    assert again.redirect_chain == [(ACTION_TAB, 302)]
    assert "No reattempt waits to be sent to Blue Dart" in again.content.decode()
    page = client.get(ACTION_TAB).content.decode()
    assert "Blue Dart</strong>" not in page and "<strong>DTDC</strong>: 1 reattempt" in page


def test_those_sent_in_the_last_seven_days_download_again_unchanged(client, staff, agent, asked):
    reattempts_send(agent_id=agent.pk, user=staff)
    old = DeliveryInstruction.objects.get(shipment=asked["plain"])
    DeliveryInstruction.objects.filter(pk=old.pk).update(
        sent_to_courier_at=timezone.now() - dt.timedelta(days=8)
    )
    before = dict(DeliveryInstruction.objects.values_list("pk", "sent_to_courier_at"))
    client.force_login(staff)

    response = client.get(FILE, {"agent": agent.pk})

    assert "resent" in response["Content-Disposition"]
    _, *rows = lines(response)
    assert [row[1] for row in rows] == [asked["changed"].reference]
    assert rows[0][-1]  # when it was sent
    assert dict(DeliveryInstruction.objects.values_list("pk", "sent_to_courier_at")) == before


def test_nothing_to_download_again_or_no_courier_is_said(client, staff, agent, dtdc, asked):
    client.force_login(staff)
    response = client.get(FILE, {"agent": dtdc.pk}, follow=True)
    assert "No reattempt was sent to DTDC in the last 7 days." in response.content.decode()
    for bad in ({}, {"agent": "x"}, {"agent": "99999999999999999999999"}):
        assert "Choose a courier" in client.get(FILE, bad, follow=True).content.decode()
        assert "Choose a courier" in client.post(FILE, bad, follow=True).content.decode()


def test_a_viewer_may_not_download_nor_mark_sent(client, viewer, agent, asked):
    client.force_login(viewer)
    assert client.post(FILE, {"agent": agent.pk}).status_code == 403
    assert client.get(FILE, {"agent": agent.pk}).status_code == 403
    with pytest.raises(RoleNotAllowed):
        reattempts_send(agent_id=agent.pk, user=viewer)
    assert not DeliveryInstruction.objects.filter(sent_to_courier_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real row locks and concurrent commits need PostgreSQL",
)
def test_people_pressing_at_once_send_each_reattempt_once():
    factories.StoreProfileFactory()
    staff, agent = factories.staff(), factories.ShippingAgentFactory()
    for n in range(3):
        shipment = failed(staff, agent, f"5555555555{n}")
        failed_delivery_answer(shipment_id=shipment.pk, user=staff, answer="reattempt")
    barrier = threading.Barrier(6)
    files = []

    def press():
        try:
            barrier.wait()
            files.append([each.pk for each in reattempts_send(agent_id=agent.pk, user=staff)])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [pk for file in files for pk in file]
    assert len(files) == 6 and sorted(sent) == sorted(
        DeliveryInstruction.objects.values_list("pk", flat=True)
    )
