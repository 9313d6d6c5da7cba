"""Manage Shipments: filters kept in the URL, a fixed number of queries, the shipment page and its
corrections until handover."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from purchases import services as purchase_services
from purchases.models import AuditEntry, PaymentMethod, PurchaseStatus
from shipments import services
from shipments.models import Shipment, ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("shipments:shipment-list")


def make(staff, agent, *, awb=None, printed=False, handed=False, **kwargs):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, **kwargs)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    if awb:
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb=awb)
    if printed:
        services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    if handed:
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    return shipment


@pytest.fixture
def dtdc(db):
    return factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")


@pytest.fixture
def some(store, staff, agent, dtdc):
    return {
        "waiting": make(staff, agent),
        "shipped": make(staff, agent, awb="11111111111", printed=True),
        "done": make(staff, dtdc, awb="D1001", printed=True, handed=True),
    }


def refs(response):
    return {shipment.reference for shipment in response.context["object_list"]}


def test_filters_by_state_courier_awb_and_search(client, staff, agent, dtdc, some):
    client.force_login(staff)
    assert refs(client.get(LIST)) == {s.reference for s in some.values()}
    assert refs(client.get(LIST, {"status": ShipmentStatus.SHIPPED})) == {some["shipped"].reference}
    assert refs(client.get(LIST, {"agent": dtdc.pk})) == {some["done"].reference}
    assert refs(client.get(LIST, {"has_awb": "false"})) == {some["waiting"].reference}
    assert refs(client.get(LIST, {"has_awb": "true"})) == {
        some["shipped"].reference,
        some["done"].reference,
    }
    assert refs(client.get(LIST, {"q": " d1001 "})) == {some["done"].reference}
    assert refs(client.get(LIST, {"q": some["waiting"].purchase.number.lower()})) == {
        some["waiting"].reference
    }
    assert refs(client.get(LIST, {"q": some["shipped"].reference})) == {some["shipped"].reference}
    assert refs(client.get(LIST, {"q": "nothing-like-it"})) == set()


def test_filters_by_created_date_range_in_india_time(client, staff, some):
    old = some["waiting"]
    Shipment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    client.force_login(staff)
    recent = client.get(LIST, {"created_after": (today - timedelta(days=1)).isoformat()})
    assert old.reference not in refs(recent) and len(refs(recent)) == 2
    older = client.get(LIST, {"created_before": (today - timedelta(days=5)).isoformat()})
    assert refs(older) == {old.reference}


def test_filters_stay_in_the_links_and_bad_values_do_not_break_the_page(client, staff, agent, some):
    for _ in range(55):
        make(staff, agent)
    client.force_login(staff)
    response = client.get(LIST, {"status": ShipmentStatus.AGENT_ASSIGNED})
    page = response.content.decode()
    assert len(response.context["object_list"]) == 25
    assert "?status=agent_assigned&amp;page=2" in page
    last = client.get(LIST, {"status": ShipmentStatus.AGENT_ASSIGNED, "page": 3})
    assert len(last.context["object_list"]) == 6
    assert "page=4" not in last.content.decode()
    for bad in (
        {"status": "exploded"},
        {"agent": "x"},
        {"created_after": "31/31/2025"},
        {"page": "-1"},
    ):
        assert client.get(LIST, bad).status_code == 200


def test_a_bad_filter_is_left_out_and_said_while_the_others_still_apply(client, staff, some):
    client.force_login(staff)
    response = client.get(
        LIST, {"status": ShipmentStatus.SHIPPED, "created_after": "2026-99-01", "agent": "x"}
    )
    assert refs(response) == {some["shipped"].reference}
    page = response.content.decode()
    assert page.count("This filter was left out.") == 2


def test_list_runs_a_fixed_number_of_queries(
    client, staff, agent, dtdc, some, django_assert_max_num_queries
):
    for n in range(20):
        make(staff, agent if n % 2 else dtdc, awb=f"{n:011d}", printed=bool(n % 3))
    client.force_login(staff)
    for params in ({}, {"agent": dtdc.pk, "has_awb": "true"}, {"q": "00000000005"}):
        client.get(LIST, params)
        with django_assert_max_num_queries(10):
            client.get(LIST, params)


def test_rows_link_tracking_in_a_new_tab(client, staff, some):
    client.force_login(staff)
    page = client.get(LIST).content.decode()
    shipped = some["shipped"]
    assert f'href="{escape(shipped.tracking_url)}" target="_blank" rel="noopener"' in page


def test_detail_shows_lines_courier_awb_tracking_cod_and_history(client, store, staff, agent):
    shipment = make(staff, agent, awb="12345678901", payment_method=PaymentMethod.COD, own=2)
    client.force_login(staff)
    response = client.get(reverse("shipments:shipment-detail", args=[shipment.pk]))
    page = response.content.decode()
    for line in shipment.lines.select_related("item"):
        assert line.item.name in page
    assert "Blue Dart" in page and "12345678901" in page
    assert f'href="{escape(shipment.tracking_url)}" target="_blank" rel="noopener"' in page
    assert shipment.cod_amount > 0
    assert "cod-amount" in page
    assert "Agent assigned: Blue Dart" in page and "AWB recorded: 12345678901" in page


def test_detail_page_runs_a_fixed_number_of_queries(
    client, store, staff, agent, django_assert_max_num_queries
):
    shipment = make(staff, agent, awb="12345678901", own=3)
    client.force_login(staff)
    url = reverse("shipments:shipment-detail", args=[shipment.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_staff_correct_courier_and_awb_until_handover_and_it_is_audited(
    client, store, staff, agent, dtdc
):
    shipment = make(staff, agent, awb="12345678901")
    client.force_login(staff)
    action = reverse("shipments:shipment-action", args=[shipment.pk])
    client.post(action, {"action": "record_awb", "awb": "10987654321"})
    client.post(action, {"action": "change_agent", "agent": dtdc.pk})
    shipment.refresh_from_db()
    assert (shipment.awb, shipment.agent) == ("10987654321", dtdc)
    actions = list(
        AuditEntry.objects.filter(subject="shipment", subject_id=shipment.pk).values_list(
            "action", flat=True
        )
    )
    assert "AWB corrected: 12345678901 → 10987654321" in actions
    assert "Agent changed: Blue Dart → DTDC" in actions

    response = client.post(action, {"action": "record_awb", "awb": "bad awb!"}, follow=True)
    assert "may hold only letters" in response.content.decode()

    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    response = client.post(action, {"action": "hand_over"}, follow=True)
    assert "handed to DTDC" in response.content.decode()
    response = client.post(action, {"action": "record_awb", "awb": "D9999"}, follow=True)
    assert "the AWB cannot change once Complete" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.awb == "10987654321"


def test_a_correction_after_printing_says_to_print_the_slip_again(
    client, store, staff, agent, dtdc
):
    shipment = make(staff, agent, awb="12345678901", printed=True)
    assert shipment.status == ShipmentStatus.SHIPPED
    client.force_login(staff)
    action = reverse("shipments:shipment-action", args=[shipment.pk])
    page = client.post(action, {"action": "record_awb", "awb": "10987654321"}, follow=True)
    assert "Print its address slip again: the printed one does not carry this AWB." in (
        page.content.decode()
    )
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    page = client.post(action, {"action": "change_agent", "agent": dtdc.pk}, follow=True)
    assert "Print its address slip again: the printed one names the old courier." in (
        page.content.decode()
    )
    page = client.post(action, {"action": "record_awb", "awb": "D1001"}, follow=True).content
    assert "AWB D1001 recorded." in page.decode()
    assert "Print its address slip again" not in page.decode()  # no slip printed since
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED


def test_viewer_sees_shipments_but_no_actions(client, store, staff, viewer, agent, some):
    client.force_login(viewer)
    page = client.get(LIST).content.decode()
    assert some["shipped"].reference in page
    assert 'value="hand_over"' not in page
    detail = client.get(
        reverse("shipments:shipment-detail", args=[some["shipped"].pk])
    ).content.decode()
    assert "Change courier" not in detail and 'value="hand_over"' not in detail
    response = client.post(
        reverse("shipments:shipment-action", args=[some["shipped"].pk]), {"action": "hand_over"}
    )
    assert response.status_code == 403
    some["shipped"].refresh_from_db()
    assert some["shipped"].status == ShipmentStatus.SHIPPED


def test_a_date_nobody_means_is_refused_not_a_crash(client, staff, some):
    client.force_login(staff)
    for far in ({"created_after": "0001-01-01"}, {"created_before": "9999-12-31"}):
        response = client.get(LIST, far)
        assert response.status_code == 200
        assert "Choose a date between 2000 and 2099." in response.content.decode()
        assert len(refs(response)) == 3  # the date was left out
