"""Manage Purchases: a tab per state with its count, filters and search in the URL, sorting, paging,
bad parameters shown and left out, and a fixed number of queries."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from purchases import list_views as views
from purchases import services as purchase_services
from purchases.models import PartnerStatus, PaymentMethod, Purchase, PurchaseKind, PurchaseStatus
from shipments import services as shipment_services
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("purchases:purchase-list")
IST = ZoneInfo("Asia/Kolkata")


def numbers(response) -> list[str]:
    return [purchase.number for purchase in response.context["page"].rows]


def tab(response, label):
    return next(t for t in response.context["tabs"] if t.label == label)


def shipped_with_awb(staff, agent, awb, **kwargs):
    """An invoiced purchase whose shipment has `awb` recorded."""
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, **kwargs)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb=awb)
    return purchase, shipment


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


def test_tabs_show_every_state_with_its_count_and_all(logged_in, store):
    factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    factories.purchase_with_items(status=PurchaseStatus.COMPLETE)
    response = logged_in.get(LIST)
    labels = [t.label for t in response.context["tabs"]]
    assert labels == [
        "In Checkout", "Frozen", "Confirmed", "Fraud Approved", "Fraud Denied", "Invoiced",
        "Agent Assigned", "Shipped", "Partially Complete", "Complete", "Cancelled", "All",
    ]  # fmt: skip
    assert tab(response, "Confirmed").count == 2
    assert tab(response, "Complete").count == 1
    assert tab(response, "Frozen").count == 0
    assert tab(response, "All").count == 3 and tab(response, "All").current
    html = response.content.decode()
    assert 'data-state="confirmed">Confirmed<span class="count"' in html


def test_a_state_tab_lists_only_that_state(logged_in, store):
    confirmed = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    factories.purchase_with_items(status=PurchaseStatus.INVOICED)
    response = logged_in.get(LIST, {"state": PurchaseStatus.CONFIRMED})
    assert numbers(response) == [confirmed.number]
    assert tab(response, "Confirmed").current and not tab(response, "All").current


def test_counts_stop_at_the_cap_and_read_plus(logged_in, store, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    for _ in range(3):
        factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    factories.purchase_with_items(status=PurchaseStatus.COMPLETE)
    response = logged_in.get(LIST)
    assert tab(response, "Confirmed").count_label == "2+"
    assert tab(response, "Complete").count_label == "1"
    assert tab(response, "All").count_label == "2+"
    assert "Showing 1–4 of 4 purchases" in response.content.decode()


def test_a_filtered_list_says_its_tab_counts_are_of_all_purchases(logged_in, store):
    factories.purchase_with_items(payment_method=PaymentMethod.COD)
    factories.purchase_with_items(payment_method=PaymentMethod.PREPAID)
    response = logged_in.get(LIST, {"payment": "cod"})
    assert tab(response, "All").count_label == "2"
    assert "Showing 1–1 of 1 purchase matching the filters (the counts on the tabs are of all " in (
        response.content.decode()
    )
    assert "the counts on the tabs" not in logged_in.get(LIST).content.decode()


def test_tab_links_keep_the_filters_and_start_again_at_page_one(logged_in, store):
    factories.purchase_with_items()
    response = logged_in.get(LIST, {"payment": "cod", "q": "ananya", "page": "2"})
    confirmed = tab(response, "Confirmed")
    assert confirmed.url.startswith("?")
    assert "payment=cod" in confirmed.url and "q=ananya" in confirmed.url
    assert "state=confirmed" in confirmed.url and "page=" not in confirmed.url
    assert "state=" not in tab(response, "All").url


def test_filters_by_fulfiller_partner_state_and_payment(logged_in, store):
    own = factories.purchase_with_items(own=1)
    infibeam = factories.purchase_with_items(own=0, partner=1)
    mixed = factories.purchase_with_items(own=1, partner=1, payment_method=PaymentMethod.COD)
    Purchase.objects.filter(pk=infibeam.pk).update(partner_status=PartnerStatus.COMPLETE)
    assert numbers(logged_in.get(LIST, {"kind": PurchaseKind.OWN})) == [own.number]
    assert numbers(logged_in.get(LIST, {"kind": PurchaseKind.INFIBEAM})) == [infibeam.number]
    assert numbers(logged_in.get(LIST, {"kind": PurchaseKind.MIXED})) == [mixed.number]
    assert numbers(logged_in.get(LIST, {"partner": PartnerStatus.COMPLETE})) == [infibeam.number]
    assert numbers(logged_in.get(LIST, {"partner": PartnerStatus.AWAITING})) == [mixed.number]
    assert numbers(logged_in.get(LIST, {"payment": PaymentMethod.COD})) == [mixed.number]


def test_filters_by_agent_of_any_shipment(logged_in, store, staff, agent):
    carried, _ = shipped_with_awb(staff, agent, "12345678901")
    factories.purchase_with_items()
    other = factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")
    assert numbers(logged_in.get(LIST, {"agent": agent.pk})) == [carried.number]
    assert numbers(logged_in.get(LIST, {"agent": other.pk})) == []


def test_placed_dates_are_days_in_india(logged_in, store):
    # 00:30 on 10 January in India is still 9 January in UTC.
    early = factories.purchase_with_items(placed_at=datetime(2026, 1, 10, 0, 30, tzinfo=IST))
    late = factories.purchase_with_items(placed_at=datetime(2026, 1, 9, 23, 45, tzinfo=IST))
    on_tenth = logged_in.get(LIST, {"placed_after": "2026-01-10", "placed_before": "2026-01-10"})
    assert numbers(on_tenth) == [early.number]
    on_ninth = logged_in.get(LIST, {"placed_before": "2026-01-09"})
    assert numbers(on_ninth) == [late.number]


def test_filters_by_amount_range(logged_in, store):
    cheap = factories.purchase_with_items()
    dear = factories.purchase_with_items()
    Purchase.objects.filter(pk=cheap.pk).update(grand_total=Decimal("499.00"))
    Purchase.objects.filter(pk=dear.pk).update(grand_total=Decimal("12500.50"))
    assert numbers(logged_in.get(LIST, {"amount_min": "500"})) == [dear.number]
    assert numbers(logged_in.get(LIST, {"amount_max": "499"})) == [cheap.number]
    both = logged_in.get(LIST, {"amount_min": "499", "amount_max": "12500.50"})
    assert set(numbers(both)) == {cheap.number, dear.number}


@pytest.fixture
def ananya(store):
    customer = factories.CustomerFactory(
        name="Ananya Iyer", email="ananya.iyer@example.in", mobile="9845012345"
    )
    return factories.purchase_with_items(customer=customer, number="WS777001")


@pytest.fixture
def someone_else(store):
    customer = factories.CustomerFactory(
        name="Rohan Mehta", email="rohan@example.in", mobile="9820098200"
    )
    address = factories.AddressFactory(name="Rohan Mehta", mobile="9820098200")
    return factories.purchase_with_items(
        customer=customer, number="WS888002", billing_address=address
    )


@pytest.mark.parametrize(
    "typed",
    ["+91 98450 12345", "98450-12345", "09845012345", "919845012345", "9845012345"],
)
def test_search_by_mobile_as_people_type_it(logged_in, ananya, someone_else, typed):
    assert numbers(logged_in.get(LIST, {"q": typed})) == [ananya.number]


def test_search_by_ship_to_mobile(logged_in, store, ananya, someone_else):
    address = factories.AddressFactory(mobile="7012345678")
    gift = factories.purchase_with_items(billing_address=address)
    assert numbers(logged_in.get(LIST, {"q": "70123 45678"})) == [gift.number]


@pytest.mark.parametrize(
    "typed",
    ["WS777001", "ws777001", " WS777001 ", "WS7770", "Ananya", "ananya iy", "ANANYA IYER",
     "ananya.iyer@example.in", "ANANYA.IYER@example.in", "ananya.iy"],
)  # fmt: skip
def test_search_by_number_name_or_email(logged_in, ananya, someone_else, typed):
    assert numbers(logged_in.get(LIST, {"q": typed})) == [ananya.number]


def test_search_by_awb_or_shipment_reference(logged_in, store, staff, agent, someone_else):
    purchase, shipment = shipped_with_awb(staff, agent, "12345678901")
    assert numbers(logged_in.get(LIST, {"q": "12345678901"})) == [purchase.number]
    assert numbers(logged_in.get(LIST, {"q": shipment.reference.lower()})) == [purchase.number]


def test_search_matches_from_the_start_not_the_middle(logged_in, ananya):
    for typed in ("nanya", "yer", "77700", "iyer@example.in"):
        response = logged_in.get(LIST, {"q": typed})
        assert numbers(response) == []
        assert "No purchase matches these filters." in response.content.decode()


def test_search_finds_a_customer_by_any_word_of_their_name(logged_in, ananya, someone_else):
    """A customer on the phone gives their surname: one word alone matches the start of any word
    of the name; more words match the start of the whole name."""
    for typed in ("Iyer", "iyer", " IYE ", "Ananya  Iyer", "ananya i"):
        assert numbers(logged_in.get(LIST, {"q": typed})) == [ananya.number], typed
    for typed in ("Iyer Ananya", "ye", "iyer@", "Iyer Mehta"):  # whole names match as typed
        assert numbers(logged_in.get(LIST, {"q": typed})) == [], typed
    customer = someone_else.customer
    customer.name = "Rohan Subramaniam-Krishnamurthy"
    customer.save()  # the words follow a renamed customer
    assert numbers(logged_in.get(LIST, {"q": "krishnamurthy"})) == [someone_else.number]
    assert numbers(logged_in.get(LIST, {"q": "Mehta"})) == []


def test_search_finds_a_purchase_by_its_digits_or_its_invoice_and_credit_note(
    logged_in, ananya, someone_else, owner
):
    assert numbers(logged_in.get(LIST, {"q": "777001"})) == [ananya.number]
    assert numbers(logged_in.get(LIST, {"q": " 888002 "})) == [someone_else.number]
    Purchase.objects.filter(pk=ananya.pk).update(status=PurchaseStatus.FRAUD_APPROVED)
    invoice = purchase_services.purchase_issue_invoice(purchase_id=ananya.pk, user=owner)
    assert numbers(logged_in.get(LIST, {"q": invoice.number.lower()})) == [ananya.number]
    purchase_services.purchase_cancel(purchase_id=ananya.pk, user=owner, reason="Asked")
    note = invoice.credit_notes.get()
    assert numbers(logged_in.get(LIST, {"q": note.number})) == [ananya.number]


def test_search_keeps_the_state_tab(logged_in, ananya, store):
    assert numbers(logged_in.get(LIST, {"q": "Ananya", "state": PurchaseStatus.COMPLETE})) == []
    assert numbers(logged_in.get(LIST, {"q": "Ananya", "state": PurchaseStatus.CONFIRMED})) == [
        ananya.number
    ]


def test_sorts_by_date_and_amount_both_ways(logged_in, store):
    rows = []
    for day, total in ((1, "300"), (2, "100"), (3, "200")):
        purchase = factories.purchase_with_items(placed_at=datetime(2026, 2, day, 12, tzinfo=IST))
        Purchase.objects.filter(pk=purchase.pk).update(grand_total=Decimal(total))
        rows.append(purchase.number)
    first, second, third = rows
    assert numbers(logged_in.get(LIST)) == [third, second, first]
    assert numbers(logged_in.get(LIST, {"sort": "placed"})) == [first, second, third]
    assert numbers(logged_in.get(LIST, {"sort": "-amount"})) == [first, third, second]
    assert numbers(logged_in.get(LIST, {"sort": "amount"})) == [second, third, first]


def test_pages_keep_the_filters(logged_in, store, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [
        factories.purchase_with_items(
            payment_method=PaymentMethod.COD, placed_at=datetime(2026, 3, day, tzinfo=IST)
        ).number
        for day in range(1, 6)
    ]
    factories.purchase_with_items(payment_method=PaymentMethod.PREPAID)
    first = logged_in.get(LIST, {"payment": "cod"})
    assert numbers(first) == made[::-1][:2]
    html = first.content.decode()
    assert 'href="?payment=cod&amp;page=2" rel="next"' in html
    third = logged_in.get(LIST, {"payment": "cod", "page": "3"})
    assert numbers(third) == [made[0]]
    assert not third.context["page"].has_next
    assert "Showing 5–5 of 5 purchases" in third.content.decode()


@pytest.mark.parametrize(
    ("query", "shown_error"),
    [
        ({"page": "abc"}, None),
        ({"page": "-3"}, None),
        ({"page": "99999999999999999999999"}, None),
        ({"state": "unknown"}, "State: Select a valid choice."),
        ({"sort": "evil"}, "Sort: Select a valid choice."),
        ({"placed_after": "garbage"}, "Placed from: Enter a valid date."),
        ({"placed_before": "0001-01-01"}, "Placed to: Choose a date between"),
        ({"placed_after": "9999-12-31"}, "Placed from: Choose a date between"),
        ({"placed_after": "2026-02-01", "placed_before": "2026-01-01"}, "before the start date"),
        ({"amount_min": "1e999"}, "Amount from ₹:"),
        ({"amount_min": "NaN"}, "Amount from ₹:"),
        ({"amount_max": "-5"}, "Amount to ₹:"),
        ({"amount_min": "900", "amount_max": "100"}, "below the lowest"),
        ({"agent": "x"}, "Agent: Select a valid choice."),
        ({"agent": "999999"}, "Agent: Select a valid choice."),
        ({"kind": "robot"}, "Fulfilled by: Select a valid choice."),
        ({"q": "x" * 5000}, None),
        ({"q": "'; DROP TABLE purchases_purchase; --"}, None),
        ({"q": "%_\\"}, None),
        ({"q": "\U0010ffff"}, None),
        ({"format": "xml"}, None),
    ],
)
def test_bad_parameters_are_reported_and_left_out(logged_in, store, query, shown_error):
    purchase = factories.purchase_with_items()
    response = logged_in.get(LIST, query)
    assert response.status_code == 200
    html = response.content.decode()
    if shown_error:
        assert shown_error in html and "This filter was left out." in html
        assert purchase.number in html  # the bad filter did not empty the list
    assert Purchase.objects.count() == 1


def test_list_runs_the_same_few_queries_for_5_and_40_rows(client, owner, store):
    client.force_login(owner)

    def queries_for(count):
        while Purchase.objects.count() < count:
            factories.purchase_with_items(own=1, partner=1)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"sort": "-amount"})
        assert len(response.context["page"].rows) == min(count, views.PAGE_SIZE)
        return len(captured)

    small, large = queries_for(5), queries_for(40)
    assert small == large <= 10


@pytest.mark.parametrize("rows", [5, 40])
def test_list_queries_are_bounded(client, owner, store, django_assert_max_num_queries, rows):
    for _ in range(rows):
        factories.purchase_with_items(own=1, partner=1)
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        client.get(LIST)
    with django_assert_max_num_queries(10):
        client.get(LIST, {"q": "WS1", "payment": "cod", "state": "confirmed", "sort": "amount"})


def test_search_and_filters_render_back_into_the_form(logged_in, store, agent):
    response = logged_in.get(
        LIST, {"q": "Ananya", "agent": agent.pk, "placed_after": "2026-01-05", "sort": "amount"}
    )
    html = response.content.decode()
    assert 'name="q" id="id_q" value="Ananya"' in html
    assert f'<option value="{agent.pk}" selected>' in html
    assert 'value="2026-01-05"' in html
    assert '<option value="amount" selected>' in html


def test_every_role_may_look_and_strangers_are_sent_to_log_in(client, store, staff, viewer):
    for user in (staff, viewer):
        client.force_login(user)
        assert client.get(LIST).status_code == 200
    client.logout()
    assert client.get(LIST).status_code == 302


def test_rows_show_every_cell_escaped(client, viewer):
    """Rows are built as HTML in Python (core/html.py): each value must be escaped."""
    customer = factories.CustomerFactory(name='<b onclick="x">Asha</b>', mobile="9876543210")
    address = factories.AddressFactory(city="<i>Pune</i>")
    purchase = factories.purchase_with_items(
        customer=customer, billing_address=address, payment_method=PaymentMethod.COD
    )
    client.force_login(viewer)
    page = client.get(LIST).content.decode()
    assert '<b onclick="x">' not in page and "<i>Pune" not in page
    assert "&lt;b onclick=&quot;x&quot;&gt;Asha&lt;/b&gt;" in page
    assert "&lt;i&gt;Pune&lt;/i&gt;" in page
    start = page.rindex("<tr>", 0, page.index(purchase.number))
    row = page[start : page.index("</tr>", start)]
    assert f'href="{reverse("purchases:purchase-detail", args=[purchase.pk])}"' in row
    assert "9876543210" in row and '<span class="badge cod">COD</span>' in row
    assert "Confirmed" in row and purchase.shipping_address.pin_code in row


def test_a_name_in_an_indian_script_is_found_by_any_of_its_words(logged_in, store):
    customer = factories.CustomerFactory(name="प्रिया शर्मा", email="priya@example.in")
    purchase = factories.purchase_with_items(customer=customer, number="WS777003")
    assert [w.word for w in customer.name_words.order_by("id")] == ["प्रिया", "शर्मा"]
    for typed in ("शर्मा", "प्रिया", "प्रिया श"):
        assert numbers(logged_in.get(LIST, {"q": typed})) == [purchase.number], typed
