"""Manage Shipments' delivery tabs: Action needed (failed deliveries, oldest first, with what a
caller needs), In Transit, Delivered, RTO (newest handover first), their capped counts, and a
fixed number of queries whatever a tab holds."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from purchases.models import PaymentMethod
from shipments import shipment_views
from shipments.templatetags import shipment_tags
from tests import factories

from .parcels import failed, handed_over, scanned

pytestmark = pytest.mark.django_db

LIST = reverse("shipments:shipment-list")


@pytest.fixture
def dtdc(db):
    return factories.ShippingAgentFactory(
        code="DTDC", name="DTDC", awb_pattern="", tracking_url_template="https://dtdc.in/t/{awb}"
    )


@pytest.fixture
def parcels(store, staff, agent, dtdc):
    """One parcel in each place: in transit, out for delivery, delivered, failed, RTO."""
    return {
        "transit": handed_over(staff, agent, "11111111111", days_ago=6),
        "ofd": scanned(handed_over(staff, dtdc, "D2002", days_ago=5), "OFD", hours_ago=3),
        "delivered": scanned(handed_over(staff, agent, "33333333333"), "delivered", hours_ago=9),
        "failed": failed(staff, agent, "44444444444", days_ago=2, hours_ago=30),
        "rto": scanned(handed_over(staff, dtdc, "D5005", days_ago=8), "RTO Initiated", hours_ago=2),
    }


def references(response) -> list[str]:
    return [row.reference for row in response.context["page"].rows]


def counts(response) -> dict:
    return {tab["slug"]: tab["count"] for tab in response.context["tabs"]}


def test_each_tab_lists_its_parcels_and_the_tab_bar_counts_them(client, staff, parcels):
    client.force_login(staff)
    ref = {name: shipment.reference for name, shipment in parcels.items()}

    assert references(client.get(LIST, {"tab": "action"})) == [ref["failed"]]
    assert references(client.get(LIST, {"tab": "transit"})) == [
        ref["failed"],  # handed over 2 days ago, failed, still on its way
        ref["ofd"],
        ref["transit"],
    ]
    assert references(client.get(LIST, {"tab": "delivered"})) == [ref["delivered"]]
    response = client.get(LIST, {"tab": "rto"})
    assert references(response) == [ref["rto"]]
    assert counts(response) == {"": None, "action": 1, "transit": 3, "delivered": 1, "rto": 1}
    page = response.content.decode()
    assert re.search(r'data-tab="action">Action needed<span class="count attention">1</span>', page)
    assert 'aria-current="page" data-tab="rto"' in page


def test_the_list_of_all_shipments_stays_the_first_tab_with_its_filters(client, staff, parcels):
    client.force_login(staff)
    response = client.get(LIST)
    assert len(response.context["object_list"]) == 5
    page = response.content.decode()
    assert 'aria-current="page" data-tab="all"' in page
    assert "Undelivered" in page and "Answer it" in page  # the failed one, with a way to answer
    assert client.get(LIST, {"tab": "nonsense"}).context["object_list"]  # the whole list


def test_a_count_stops_at_the_cap(client, staff, parcels, monkeypatch):
    monkeypatch.setattr("deliveries.tabs.COUNT_CAP", 1)
    monkeypatch.setattr(shipment_tags, "COUNT_CAP", 1)
    client.force_login(staff)
    response = client.get(LIST, {"tab": "transit"})
    assert counts(response)["transit"] == 2  # counted to the cap + 1 only
    assert 'data-tab="transit">In Transit<span class="count">1+</span>' in (
        response.content.decode()
    )


def test_action_needed_is_oldest_first_with_reason_attempts_hours_and_contacts(
    client, store, staff, agent
):
    newer = failed(staff, agent, "55555555555", hours_ago=3, reason="Customer refused")
    older = failed(
        staff,
        agent,
        "66666666666",
        hours_ago=27,
        reason="Address incomplete",
        payment_method=PaymentMethod.COD,
    )
    older = scanned(older, "undelivered", hours_ago=26, reason="Door locked")  # a second attempt
    client.force_login(staff)
    response = client.get(LIST, {"tab": "action"})

    assert references(response) == [older.reference, newer.reference]
    first, second = response.context["page"].rows
    assert (first.failed_attempts, first.ndr_reason, first.waiting) == (2, "Door locked", "26 h")
    assert first.overdue and not second.overdue
    assert (second.waiting, second.ndr_reason) == ("3 h", "Customer refused")
    page = response.content.decode()
    customer = older.purchase.customer
    assert f'href="tel:+91{customer.mobile}"' in page
    assert f'href="mailto:{customer.email}"' in page
    assert f'href="{escape(older.tracking_url)}" target="_blank"' in page
    assert older.cod_amount > 0 and f"₹{older.cod_amount:,.2f}" in page
    assert "Attempt 2" in page and "26 h ago" in page
    assert 'name="answer" value="reattempt"' in page and 'name="answer" value="rto"' in page


def test_other_tabs_merge_their_statuses_newest_handover_first_page_by_page(
    client, store, staff, agent, dtdc, monkeypatch
):
    monkeypatch.setattr(shipment_views, "PER_PAGE", 2)
    made = [handed_over(staff, agent, f"7000000000{n}", days_ago=10 - n) for n in range(3)]
    made.append(scanned(handed_over(staff, dtdc, "D8008", days_ago=2.5), "OFD", hours_ago=1))
    made.append(failed(staff, agent, "70000000009", days_ago=1.5))
    newest_first = [shipment.reference for shipment in reversed(made)]
    client.force_login(staff)

    first = client.get(LIST, {"tab": "transit"})
    second = client.get(LIST, {"tab": "transit", "page": 2})
    last = client.get(LIST, {"tab": "transit", "page": 3})

    assert references(first) + references(second) + references(last) == newest_first
    assert first.context["page"].has_next and not last.context["page"].has_next
    assert "?tab=transit&amp;page=2" in first.content.decode()
    assert references(client.get(LIST, {"tab": "transit", "page": "x"})) == newest_first[:2]


@pytest.mark.parametrize("tab", ["action", "transit", "delivered", "rto"])
def test_a_tab_runs_a_fixed_number_of_queries(
    client, store, staff, agent, dtdc, tab, django_assert_max_num_queries
):
    for n in range(4):
        failed(staff, agent, f"8000000000{n}", hours_ago=n + 1)
        scanned(handed_over(staff, dtdc, f"E000{n}"), "delivered", hours_ago=n + 1)
        scanned(handed_over(staff, dtdc, f"R000{n}"), "rto", hours_ago=n + 1)
    client.force_login(staff)
    client.get(LIST, {"tab": tab})
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"tab": tab})
    assert len(response.context["page"].rows) >= 4


def test_a_viewer_sees_the_failed_deliveries_but_no_way_to_answer(
    client, store, staff, viewer, agent
):
    shipment = failed(staff, agent, "90000000001")
    client.force_login(viewer)
    page = client.get(LIST, {"tab": "action"}).content.decode()
    assert shipment.reference in page and "Customer not available" in page
    assert 'value="reattempt"' not in page and 'name="ids"' not in page
    assert "Download file and mark sent" not in page
    assert "your role cannot answer" in page
    assert '<span class="who">' in page and " · Viewer</span>" in page  # the header's role
