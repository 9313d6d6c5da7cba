"""CATALOG › Products and PROMOTIONS › Discounts Given, as the owner, staff and viewer see them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import FulfilledBy, Product
from purchases.models import Item, PurchaseStatus
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = {
    "sku": "kh-lamp-01",
    "name": "Brass table lamp",
    "hsn_code": "9405",
    "gst_rate": "12",
    "price": "1499.00",
    "weight_grams": "1200",
    "active": "on",
}


def test_product_list_shows_price_in_rupees_gst_hsn_and_weight(client, viewer):
    factories.ProductFactory(
        sku="KH-SAREE",
        name="Handloom saree",
        price=Decimal("123456.5"),
        gst_rate=5,
        hsn_code="50072010",
        weight_grams=450,
    )
    client.force_login(viewer)
    html = client.get(reverse("catalog:product-list")).content.decode()
    assert "KH-SAREE" in html and "Handloom saree" in html
    assert "₹1,23,456.50" in html
    assert "5 %" in html and "50072010" in html and "0.45 kg" in html


def test_product_search_by_sku_or_name_and_filters(client, viewer):
    factories.ProductFactory(sku="KH-LAMP", name="Brass lamp")
    factories.ProductFactory(sku="KH-TIFFIN", name="Steel tiffin", active=False)
    factories.ProductFactory(sku="IB-PHONE", name="Phone cover", fulfilled_by=FulfilledBy.INFIBEAM)
    client.force_login(viewer)

    def skus(**params):
        response = client.get(reverse("catalog:product-list"), params)
        return [p.sku for p in response.context["object_list"]]

    assert skus(q="lamp") == ["KH-LAMP"]
    assert skus(q="kh-tif") == ["KH-TIFFIN"]
    assert skus(fulfilled_by="infibeam") == ["IB-PHONE"]
    assert skus(active="no") == ["KH-TIFFIN"]
    assert skus(active="yes", fulfilled_by="own") == ["KH-LAMP"]


def test_unknown_filter_value_is_ignored_with_a_message(client, viewer):
    factories.ProductFactory(sku="KH-LAMP")
    client.force_login(viewer)
    response = client.get(
        reverse("catalog:product-list"), {"fulfilled_by": "martians", "page": "x"}
    )
    assert response.status_code == 200
    assert "That filter was ignored" in response.content.decode()
    assert [p.sku for p in response.context["object_list"]] == ["KH-LAMP"]


def test_product_list_is_paginated_with_fixed_queries(
    client, viewer, django_assert_max_num_queries
):
    factories.ProductFactory.create_batch(60)
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:product-list"))
    assert len(response.context["object_list"]) == 50
    assert "Page 1 of 2" in response.content.decode()
    assert (
        len(client.get(reverse("catalog:product-list"), {"page": 2}).context["object_list"]) == 10
    )


def test_owner_adds_an_own_product(client, owner):
    client.force_login(owner)
    response = client.post(reverse("catalog:product-add"), GOOD, follow=True)
    product = Product.objects.get(sku="KH-LAMP-01")
    assert product.fulfilled_by == FulfilledBy.OWN
    assert product.price == Decimal("1499.00") and product.gst_rate == 12
    assert "Product KH-LAMP-01 added." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hsn_code", "12345", "An HSN code has 4, 6 or 8 digits."),
        ("hsn_code", "94O5", "An HSN code has 4, 6 or 8 digits."),
        ("gst_rate", "7", "Select a valid choice."),
        ("price", "-1", "A price cannot be negative."),
        ("price", "abc", "Enter a number."),
        ("weight_grams", "-5", "greater than or equal to 0"),
        ("weight_grams", "0", "A product weighs at least 1 gram"),
        ("sku", "", "This field is required."),
        ("sku", "KH TEX 803", "Use capital letters, digits and - _ / . only"),
        ("sku", "<b>X</b>", "Use capital letters, digits and - _ / . only"),
    ],
)
def test_product_form_rejects_bad_input_with_a_message(client, owner, field, value, message):
    client.force_login(owner)
    response = client.post(reverse("catalog:product-add"), {**GOOD, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "The product was not saved" in html
    assert not Product.objects.exists()


def test_duplicate_sku_is_refused(client, owner):
    factories.ProductFactory(sku="KH-LAMP-01")
    client.force_login(owner)
    response = client.post(reverse("catalog:product-add"), GOOD)
    assert "Product with this SKU already exists." in response.content.decode()
    assert Product.objects.count() == 1


def test_editing_a_product_never_changes_purchases_already_placed(client, owner, store):
    product = factories.ProductFactory(price=Decimal("899.00"), gst_rate=12, hsn_code="6302")
    purchase = factories.PurchaseFactory()
    item = factories.add_item(purchase, product=product, quantity=2)
    as_sold = (item.sku, item.name, item.unit_price, item.gst_rate, item.hsn_code)
    totals_before = (purchase.subtotal, purchase.tax_total, purchase.grand_total)
    client.force_login(owner)
    response = client.post(
        reverse("catalog:product-edit", args=[product.pk]),
        {
            **GOOD,
            "sku": product.sku,
            "name": "Renamed",
            "price": "999.00",
            "gst_rate": "18",
            "hsn_code": "63026090",
        },
        follow=True,
    )
    assert "keep the price, tax rate and HSN code" in response.content.decode()
    product.refresh_from_db()
    assert (product.name, product.price, product.gst_rate) == ("Renamed", Decimal("999.00"), 18)
    item.refresh_from_db()
    assert (item.sku, item.name, item.unit_price, item.gst_rate, item.hsn_code) == as_sold
    assert as_sold[2:] == (Decimal("899.00"), 12, "6302")
    purchase.refresh_from_db()
    assert (purchase.subtotal, purchase.tax_total, purchase.grand_total) == totals_before


def test_infibeam_products_are_read_only(client, owner):
    product = factories.ProductFactory(fulfilled_by=FulfilledBy.INFIBEAM, price=Decimal("500"))
    client.force_login(owner)
    detail = client.get(reverse("catalog:product-detail", args=[product.pk])).content.decode()
    assert "read-only" in detail and "Edit product" not in detail
    response = client.post(
        reverse("catalog:product-edit", args=[product.pk]), {**GOOD, "price": "1"}, follow=True
    )
    assert "fulfilled by Infibeam" in response.content.decode()
    product.refresh_from_db()
    assert product.price == Decimal("500")


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_the_owner_adds_or_edits_products(client, role, request):
    product = factories.ProductFactory(price=Decimal("500"))
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("catalog:product-list")).content.decode()
    assert "Add a product" not in html
    assert (
        "Edit product"
        not in client.get(reverse("catalog:product-detail", args=[product.pk])).content.decode()
    )
    response = client.post(reverse("catalog:product-add"), GOOD)
    assert response.status_code == 403
    assert "This needs the Owner role" in response.content.decode()
    response = client.post(
        reverse("catalog:product-edit", args=[product.pk]), {**GOOD, "price": "1"}
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("500") and Product.objects.count() == 1


def test_product_detail_lists_its_latest_purchases(client, viewer, store):
    product = factories.ProductFactory()
    purchase = factories.PurchaseFactory(number="WS777001")
    factories.add_item(purchase, product=product, quantity=3)
    client.force_login(viewer)
    html = client.get(reverse("catalog:product-detail", args=[product.pk])).content.decode()
    assert "WS777001" in html and reverse("purchases:purchase-detail", args=[purchase.pk]) in html


# -- PROMOTIONS › Discounts Given -----------------------------------------------------------


def discounted(purchase, discount, quantity=1, price="1000.00"):
    product = factories.ProductFactory(price=Decimal(price))
    item = factories.add_item(purchase, product=product, quantity=quantity)
    Item.objects.filter(pk=item.pk).update(discount=Decimal(discount))
    return item


def test_discounts_report_lists_discounted_lines_with_totals(client, viewer, store):
    first = factories.PurchaseFactory(number="WS500001", status=PurchaseStatus.COMPLETE)
    discounted(first, "100.00", quantity=2)
    factories.add_item(first)  # no discount: not listed
    second = factories.PurchaseFactory(number="WS500002")
    discounted(second, "50.50")
    cancelled = factories.PurchaseFactory(number="WS500003", status=PurchaseStatus.CANCELLED)
    discounted(cancelled, "999.00")
    client.force_login(viewer)
    response = client.get(reverse("catalog:discounts"))
    html = response.content.decode()
    assert [i.purchase.number for i in response.context["object_list"]] == ["WS500002", "WS500001"]
    assert "WS500003" not in html
    totals = response.context["totals"]
    assert totals["total_discount"] == Decimal("150.50")
    assert totals["total_gross"] == Decimal("3000.00")
    assert totals["total_taxable"] == Decimal("2849.50")
    assert (totals["lines"], totals["purchases"], totals["units"]) == (2, 2, 3)
    assert "₹150.50" in html and "₹2,849.50" in html and "₹1,900.00" in html


def test_discounts_report_filters_by_date_in_india_time(client, viewer, store):
    # 1 Jan 2026 00:30 IST is still 31 Dec 2025 in UTC.
    new_year = timezone.make_aware(dt.datetime(2026, 1, 1, 0, 30))
    discounted(factories.PurchaseFactory(number="WS600001", placed_at=new_year), "10.00")
    december = new_year - dt.timedelta(days=2)
    discounted(factories.PurchaseFactory(number="WS600002", placed_at=december), "20.00")
    client.force_login(viewer)

    def numbers(**params):
        response = client.get(reverse("catalog:discounts"), params)
        return [i.purchase.number for i in response.context["object_list"]]

    assert numbers(start="2026-01-01") == ["WS600001"]
    assert numbers(end="2025-12-31") == ["WS600002"]
    assert numbers(start="2025-12-30", end="2026-01-01") == ["WS600001", "WS600002"]


def test_discounts_report_rejects_bad_dates_with_a_message(client, viewer, store):
    discounted(factories.PurchaseFactory(), "10.00")
    client.force_login(viewer)
    response = client.get(
        reverse("catalog:discounts"), {"start": "2026-02-01", "end": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "The From date is after the To date." in response.content.decode()
    response = client.get(reverse("catalog:discounts"), {"start": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_discounts_report_runs_fixed_queries(client, viewer, store, django_assert_max_num_queries):
    for _ in range(12):
        discounted(factories.PurchaseFactory(), "10.00")
    client.force_login(viewer)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("catalog:discounts"))
    assert len(response.context["object_list"]) == 12


@pytest.mark.parametrize("far", [{"start": "0001-01-01"}, {"end": "9999-12-31"}])
def test_discount_report_refuses_a_date_nobody_means(client, owner, far):
    client.force_login(owner)
    response = client.get(reverse("catalog:discounts"), far)
    assert response.status_code == 200
    assert "Choose a date between 2000 and 2099." in response.content.decode()
