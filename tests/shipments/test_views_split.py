"""Split shipments: choose the items and quantities of a shipment; the rest stays to be shipped."""

from html import unescape

import pytest
from django.urls import reverse

from purchases import services as purchase_services
from purchases.models import PurchaseStatus
from shipments import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(store, staff):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=2, quantity=3
    )
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    return purchase


def test_form_lists_each_own_item_with_all_of_it_by_default(client, invoiced, staff, agent):
    client.force_login(staff)
    response = client.get(reverse("shipments:split", args=[invoiced.pk]))
    page = response.content.decode()
    for item in invoiced.items.all():
        assert item.name in page
        assert f'name="qty-{item.pk}"' in page and 'value="3"' in page
    assert agent.name in page


def test_split_leaves_the_rest_in_to_assign_agent(client, invoiced, staff, agent):
    first, second = invoiced.items.order_by("line_number")
    client.force_login(staff)
    url = reverse("shipments:split", args=[invoiced.pk])
    response = client.post(
        url, {"agent": agent.pk, f"qty-{first.pk}": 3, f"qty-{second.pk}": 1}, follow=True
    )
    shipment = invoiced.shipments.get()
    assert {line.item_id: line.quantity for line in shipment.lines.all()} == {
        first.pk: 3,
        second.pk: 1,
    }
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.INVOICED
    page = response.content.decode()
    assert f"Shipment {shipment.reference} with Blue Dart created. 2 unit(s)" in page
    assert f'name="qty-{second.pk}"' in page and f'name="qty-{first.pk}"' not in page
    queue = client.get(reverse("shipments:fulfil"), {"step": "assign"}).content.decode()
    assert invoiced.number in queue and "(2 to ship)" in queue

    client.post(url, {"agent": agent.pk, f"qty-{second.pk}": 2})
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.AGENT_ASSIGNED
    assert invoiced.shipments.count() == 2


def test_partly_handed_over_purchase_stays_in_the_queue(client, invoiced, staff, agent):
    first, second = invoiced.items.order_by("line_number")
    shipment = services.shipment_create(
        purchase_id=invoiced.pk, user=staff, agent_id=agent.pk, quantities={first.pk: 3}
    )
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.PARTIALLY_COMPLETE
    client.force_login(staff)
    queue = client.get(reverse("shipments:fulfil"), {"step": "assign"}).content.decode()
    assert invoiced.number in queue


@pytest.mark.parametrize(
    ("quantities", "message"),
    [
        ({"first": 0, "second": 0}, "Put at least one item in the shipment."),
        ({"first": 4, "second": 0}, "Ensure this value is less than or equal to 3."),
        ({"first": "lots", "second": 1}, "Enter a whole number."),
        ({"first": -1, "second": 1}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_quantities_change_nothing(client, invoiced, staff, agent, quantities, message):
    first, second = invoiced.items.order_by("line_number")
    client.force_login(staff)
    data = {
        "agent": agent.pk,
        f"qty-{first.pk}": quantities["first"],
        f"qty-{second.pk}": quantities["second"],
    }
    response = client.post(reverse("shipments:split", args=[invoiced.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not invoiced.shipments.exists()


def test_prepaid_only_courier_refused_for_cod_purchase_with_the_reason(client, store, staff):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, payment_method="cod"
    )
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    prepaid_only = factories.ShippingAgentFactory(
        code="PREP", name="Prepaid Express", collects_cod=False
    )
    item = purchase.items.get()
    client.force_login(staff)
    response = client.post(
        reverse("shipments:split", args=[purchase.pk]),
        {"agent": prepaid_only.pk, f"qty-{item.pk}": 1},
    )
    assert "Prepaid Express does not collect cash on delivery" in response.content.decode()
    assert not purchase.shipments.exists()


def test_viewer_cannot_split(client, invoiced, viewer, agent):
    client.force_login(viewer)
    assert client.get(reverse("shipments:split", args=[invoiced.pk])).status_code == 403


def test_unknown_purchase_is_404(client, store, staff):
    client.force_login(staff)
    assert client.get(reverse("shipments:split", args=[999999])).status_code == 404


def test_a_purchase_that_cannot_ship_says_why_before_the_form(client, store, staff, agent):
    client.force_login(staff)
    denied = factories.purchase_with_items(status=PurchaseStatus.FRAUD_DENIED)
    page = client.get(reverse("shipments:split", args=[denied.pk])).content.decode()
    assert f"{denied.number} is Fraud Denied: a courier is assigned once" in page
    assert "Create shipment" not in page
    partner_only = factories.purchase_with_items(own=0, partner=1)
    page = unescape(client.get(reverse("shipments:split", args=[partner_only.pk])).content.decode())
    assert "has none of the store's own items: Infibeam ships it." in page
    assert "Create shipment" not in page


def test_a_purchase_whose_items_all_have_a_courier_says_so(client, invoiced, staff, agent):
    services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    client.force_login(staff)
    page = client.get(reverse("shipments:split", args=[invoiced.pk])).content.decode()
    assert f"Every own item of {invoiced.number} is already in a shipment" in page
    assert "a courier is assigned once" not in page
