"""CUSTOMER SERVICE › Customers: what the owner looks up when a customer calls."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from purchases import services as purchase_services
from purchases.models import PurchaseStatus
from shipments import services as shipment_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ananya(db):
    return factories.CustomerFactory(
        name="Ananya Iyer", email="ananya.iyer@example.in", mobile="9845012345"
    )


@pytest.fixture
def rohan(db):
    return factories.CustomerFactory(
        name="Rohan Mehta", email="rohan@example.in", mobile="7012398765"
    )


def names(client, query):
    response = client.get(reverse("customers:customer-list"), {"q": query})
    assert response.status_code == 200
    return [c.name for c in response.context["object_list"]]


@pytest.mark.parametrize(
    "query",
    [
        "ananya",
        "IYER",
        "ananya.iyer@",
        "9845012345",
        "+91 98450 12345",
        "098450-12345",
        "91-9845012345",
        "45012",
    ],
)
def test_customer_found_by_name_email_or_mobile_as_typed(client, viewer, ananya, rohan, query):
    client.force_login(viewer)
    assert names(client, query) == ["Ananya Iyer"]


def test_search_with_no_match_says_so(client, viewer, ananya):
    client.force_login(viewer)
    response = client.get(reverse("customers:customer-list"), {"q": "Zubin"})
    assert "matches “Zubin”" in response.content.decode()


def test_customer_list_shows_purchase_count_spent_and_is_paginated(
    client, viewer, ananya, store, django_assert_max_num_queries
):
    factories.purchase_with_items(customer=ananya, own=1)
    factories.purchase_with_items(customer=ananya, own=1)
    factories.purchase_with_items(customer=ananya, status=PurchaseStatus.CANCELLED)
    factories.CustomerFactory.create_batch(55)
    client.force_login(viewer)
    with django_assert_max_num_queries(9):  # 9 whatever the page: totals grouped, cancelled lines
        response = client.get(reverse("customers:customer-list"), {"q": "Ananya"})
    row = response.context["object_list"][0]
    assert row.purchase_count == 3
    assert row.amount_spent == Decimal("2013.76")  # two of ₹1,006.88; the cancelled one not counted
    assert "₹2,013.76" in response.content.decode()
    with django_assert_max_num_queries(9):
        response = client.get(reverse("customers:customer-list"))
    assert len(response.context["object_list"]) == 50
    assert "Page 1 of 2" in response.content.decode()


def test_customer_detail_lists_purchases_with_links_totals_and_tracking(
    client, viewer, ananya, store, staff, agent, django_assert_max_num_queries
):
    invoiced = factories.purchase_with_items(
        customer=ananya, status=PurchaseStatus.FRAUD_APPROVED, number="WS900001"
    )
    purchase_services.purchase_issue_invoice(purchase_id=invoiced.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=invoiced.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    for _ in range(4):
        factories.purchase_with_items(customer=ananya, own=2)
    client.force_login(viewer)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("customers:customer-detail", args=[ananya.pk]))
    html = response.content.decode()
    assert response.context["page_title"] == "Ananya Iyer"
    assert reverse("purchases:purchase-detail", args=[invoiced.pk]) in html
    assert "WS900001" in html and "9845012345" in html
    assert "AWB 12345678901" in html and escape(agent.tracking_url("12345678901")) in html
    customer = response.context["customer"]
    assert customer.purchase_count == 5
    assert customer.amount_spent == Decimal("1006.88") * 1 + Decimal("2013.76") * 4


def test_spending_leaves_out_the_items_cancelled(client, viewer, ananya, owner, store):
    """Two bedsheets of ₹899 + 12 % GST (₹1,006.88 each) on each of two purchases; one is
    cancelled after invoicing (a credit note), one before (none): the customer spent two."""
    each = Decimal("1006.88")
    invoiced = factories.purchase_with_items(
        customer=ananya, status=PurchaseStatus.FRAUD_APPROVED, own=2
    )
    purchase_services.purchase_issue_invoice(purchase_id=invoiced.pk, user=owner)
    not_yet = factories.purchase_with_items(customer=ananya, own=2)
    for purchase in (invoiced, not_yet):
        first = purchase.items.order_by("line_number").first()
        purchase_services.purchase_cancel(
            purchase_id=purchase.pk,
            user=owner,
            reason="Out of stock",
            item_quantities={first.pk: 1},
        )
    assert invoiced.invoices.get().credit_notes.count() == 1
    client.force_login(viewer)
    detail = client.get(reverse("customers:customer-detail", args=[ananya.pk]))
    assert detail.context["customer"].amount_spent == 2 * each
    assert "₹2,013.76" in detail.content.decode()
    listed = client.get(reverse("customers:customer-list"), {"q": "Ananya"})
    assert listed.context["object_list"][0].amount_spent == 2 * each


def test_unknown_customer_is_a_friendly_404(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("customers:customer-detail", args=[999999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# -- GSTIN of a customer registered for GST ----------------------------------------------------

REGISTERED = "29ABCPI1234F1Z3"  # Karnataka (29); valid check character


def gstin_page(customer):
    return reverse("customers:customer-gstin", args=[customer.pk])


def test_owner_records_a_gstin_as_typed_and_the_customer_page_shows_where_it_is_registered(
    client, owner, ananya
):
    client.force_login(owner)
    detail = client.get(reverse("customers:customer-detail", args=[ananya.pk])).content.decode()
    assert "Not registered for GST" in detail and gstin_page(ananya) in detail

    response = client.post(gstin_page(ananya), {"gstin": " 29abcpi1234f1z3 "}, follow=True)
    ananya.refresh_from_db()
    assert ananya.gstin == REGISTERED
    html = response.content.decode()
    assert f"GSTIN {REGISTERED} saved for Ananya Iyer" in html
    assert f'<span class="mono">{REGISTERED}</span>' in html
    assert "registered in 29 Karnataka" in html


@pytest.mark.parametrize(
    "typed",
    ["29ABCPI1234F1Z4", "29ABCPI1234F1Z", "99ABCPI1234F1Z3", "not a gstin"],
    ids=["check character", "too short", "state code", "words"],
)
def test_invalid_gstin_is_refused_and_nothing_is_saved(client, owner, ananya, typed):
    client.force_login(owner)
    response = client.post(gstin_page(ananya), {"gstin": typed})
    assert response.status_code == 200
    assert "is not a valid GSTIN" in response.content.decode()
    ananya.refresh_from_db()
    assert ananya.gstin == ""


def test_an_emptied_gstin_makes_the_customer_unregistered_again(client, owner, ananya):
    ananya.gstin = REGISTERED
    ananya.save()
    client.force_login(owner)
    response = client.post(gstin_page(ananya), {"gstin": ""}, follow=True)
    ananya.refresh_from_db()
    assert ananya.gstin == ""
    assert "GSTIN removed for Ananya Iyer" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_the_owner_may_change_a_gstin(client, ananya, role, request):
    client.force_login(request.getfixturevalue(role))
    detail = client.get(reverse("customers:customer-detail", args=[ananya.pk])).content.decode()
    assert gstin_page(ananya) not in detail
    assert client.post(gstin_page(ananya), {"gstin": REGISTERED}).status_code == 403
    ananya.refresh_from_db()
    assert ananya.gstin == ""


def test_the_migration_splits_existing_names_as_customers_do():
    """Migration 0004 filled the words of the customers already there with its own copy of the
    rule; it must agree with Customer.save()'s."""
    import importlib

    from customers.models import name_words

    migration = importlib.import_module("customers.migrations.0004_name_words")
    for name in ("Ananya Iyer", "Mrs. A. Subramaniam-Krishnamurthy", "प्रिया शर्मा", "O'Brien  (HR)"):
        assert migration.words_of(name) == name_words(name), name
