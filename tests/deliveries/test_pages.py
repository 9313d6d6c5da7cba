"""Where a parcel is, on the pages that show it: the shipment's page (delivery, scans newest
first, the answers given), the purchase page (each shipment's delivery status and scans, delivery
moves in the timeline, in a bounded number of queries) and the dashboard's counts."""

import pytest
from django.urls import reverse

from deliveries.services import failed_delivery_answer, reattempts_send
from purchases import services as purchase_services
from shipments import services as shipment_services
from tests import factories

from .parcels import backdated, failed, handed_over, scanned

pytestmark = pytest.mark.django_db


def detail(client, shipment) -> str:
    return client.get(reverse("shipments:shipment-detail", args=[shipment.pk])).content.decode()


def test_the_shipment_page_shows_its_delivery_scans_and_the_answers_given(
    client, store, staff, agent, django_assert_max_num_queries
):
    shipment = handed_over(staff, agent, "12345678901")
    scanned(shipment, "OFD", hours_ago=30, location="Indiranagar")
    scanned(shipment, "undelivered", hours_ago=28, location="Indiranagar", reason="Door locked")
    scanned(shipment, "in transit", hours_ago=40, location="Mumbai hub")  # late: kept
    failed_delivery_answer(
        shipment_id=shipment.pk, user=staff, answer="reattempt", new_mobile="9845012345"
    )
    reattempts_send(agent_id=agent.pk, user=staff)
    client.force_login(staff)

    page = detail(client, shipment)

    assert '<span class="badge delivery delivery-undelivered">Undelivered</span>' in page
    assert "<dt>Failed attempts</dt><dd>1</dd>" in page
    scans = page.split('id="scans"')[1].split('id="instructions"')[0]
    words = [scans.index(w) for w in ("Door locked", "OFD", "Mumbai hub")]
    assert words == sorted(words)  # newest first
    assert "Kept" in scans and "Older than the scan the status came from" in scans
    instructions = page.split('id="instructions"')[1]
    assert "Reattempt asked: new mobile 9845012345" in instructions
    assert "Not sent yet" not in instructions  # it went in Blue Dart's file
    assert "Answer the failed delivery" not in page
    url = reverse("shipments:shipment-detail", args=[shipment.pk])
    with django_assert_max_num_queries(10):
        client.get(url)


def test_before_the_handover_the_shipment_page_shows_no_delivery(client, store, staff, agent):
    purchase = factories.purchase_with_items(status="fraud_approved")
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    client.force_login(staff)
    page = detail(client, shipment)
    assert "Courier’s scans" not in page and "badge delivery" not in page


def test_the_purchase_page_shows_each_shipments_delivery_and_scans(
    client, store, staff, agent, django_assert_max_num_queries
):
    purchase = factories.purchase_with_items(status="fraud_approved", own=4)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipments = []
    for n, item in enumerate(purchase.items.order_by("line_number")):
        shipment = shipment_services.shipment_create(
            purchase_id=purchase.pk, user=staff, agent_id=agent.pk, quantities={item.pk: 1}
        )
        shipment_services.shipment_record_awb(
            shipment_id=shipment.pk, user=staff, awb=f"5000000000{n}"
        )
        shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
        shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
        shipments.append(backdated(shipment))
    scanned(shipments[0], "OFD", hours_ago=6, location="Koramangala")
    scanned(shipments[0], "delivered", hours_ago=5, location="Koramangala")
    scanned(shipments[1], "undelivered", hours_ago=4, reason="Customer refused")
    scanned(shipments[2], "rto", hours_ago=3, location="Pune hub")
    url = reverse("purchases:purchase-detail", args=[purchase.pk])
    client.force_login(staff)

    with django_assert_max_num_queries(10):
        response = client.get(url)

    page = response.content.decode()
    for shipment, label in zip(
        shipments, ["Delivered", "Undelivered", "RTO In Transit", "In Transit"], strict=True
    ):
        cell = page.split(f'data-delivery="{shipment.pk}">')[1].split("</td>")[0]
        assert f">{label}</span>" in cell
    first = page.split(f'data-scans="{shipments[0].pk}"')[1].split("</details>")[0]
    assert "2 scans from Blue Dart" in first
    assert first.index("Delivered") < first.index("Out for Delivery")  # newest first
    assert "Koramangala" in first and "“OFD”" in first
    assert "Customer refused" in page and "Waiting for your answer" in page
    assert f'data-scans="{shipments[3].pk}"' not in page  # no scan yet
    assert "Out for Delivery → Delivered" in page  # the timeline's delivery moves
    assert "In Transit → RTO In Transit" in page
    assert response.context["object"].get_status_display() == "Complete"


def test_the_dashboard_counts_failed_deliveries_waiting_and_parcels_coming_back(
    client, store, staff, agent
):
    failed(staff, agent, "11111111111")
    failed(staff, agent, "22222222222")
    answered = failed(staff, agent, "33333333333")
    failed_delivery_answer(shipment_id=answered.pk, user=staff, answer="rto")
    scanned(answered, "rto", hours_ago=1)
    back = scanned(handed_over(staff, agent, "44444444444"), "rto", hours_ago=9)
    scanned(back, "rto delivered", hours_ago=2)  # back at the store: no longer coming
    client.force_login(staff)

    response = client.get(reverse("home"))

    assert response.context["after_handover"] == [
        ("Failed deliveries waiting for an answer", 2, "/shipments/?tab=action"),
        ("Returning to origin", 1, "/shipments/?tab=rto"),
    ]
    page = response.content.decode()
    assert 'href="/shipments/?tab=action"' in page and 'href="/shipments/?tab=rto"' in page
