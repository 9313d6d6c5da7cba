"""Orders from a channel become purchases through one service: checked whole, placed once,
stock committed under lock, refusals kept for the Owner with every problem."""

from decimal import Decimal

import pytest
from django.core import mail

from catalog.models import FulfilledBy
from channels.intake import order_receive
from channels.models import ReceivedVia, RefusedOrder
from customers.models import Customer
from purchases.models import Item, Purchase, PurchaseStatus
from tests import factories

from .conftest import order

pytestmark = pytest.mark.django_db


def test_an_order_becomes_a_purchase_in_checkout_with_its_stock_committed(channel, bedsheet):
    answer = order_receive(channel=channel, order=order())

    assert answer.http_status == 201 and answer.body["created"] is True
    purchase = Purchase.objects.get()
    assert answer.body["purchase"]["number"] == purchase.number == Purchase.number_for(purchase.pk)
    assert (purchase.status, purchase.channel, purchase.external_reference) == (
        PurchaseStatus.IN_CHECKOUT,
        channel,
        "SF-1001",
    )
    assert purchase.grand_total == Decimal("2797.76") and purchase.paid_at is None
    item = Item.objects.get()
    assert (item.sku, item.quantity, item.unit_price) == ("KH-BED-101", 2, Decimal("1249.00"))
    bedsheet.refresh_from_db()
    assert (bedsheet.on_hand, bedsheet.committed, bedsheet.available) == (10, 2, 8)
    assert Customer.objects.get().email == "asha@example.in"


def test_the_same_reference_again_is_the_same_purchase(channel, bedsheet):
    first = order_receive(channel=channel, order=order())
    again = order_receive(channel=channel, order=order())

    assert again.http_status == 200 and again.body["created"] is False
    assert again.body["purchase"]["number"] == first.body["purchase"]["number"]
    assert Purchase.objects.count() == 1
    bedsheet.refresh_from_db()
    assert bedsheet.committed == 2


def test_cash_on_delivery_is_confirmed_at_once_unpaid_and_the_customer_is_told(
    channel, bedsheet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_receive(channel=channel, order=order(payment_method="cod"))

    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.CONFIRMED and purchase.paid_at is None
    assert purchase.audit_entries.filter(action="Purchase confirmed").get().actor_name == (
        "Web storefront"
    )
    assert [m.subject for m in mail.outbox] == [f"We have your order {purchase.number}"]
    assert "cash to the courier" in mail.outbox[0].body


def test_every_problem_is_answered_at_once_and_nothing_is_stored(channel, bedsheet):
    factories.ProductFactory(sku="OLD-1", active=False)
    lines = [
        {"sku": "NOPE", "quantity": 1, "unit_price": "10.00", "total": "11.20"},
        {"sku": "OLD-1", "quantity": 1, "unit_price": "10.00", "total": "11.20"},
        {"sku": "KH-BED-101", "quantity": 1, "unit_price": "1249.00", "total": "1249.00"},
    ]
    answer = order_receive(channel=channel, order=order(lines=lines), payload='{"x": 1}')

    assert answer.http_status == 422
    fields = {(p["field"], p["code"]) for p in answer.body["problems"]}
    assert fields == {
        ("lines.0.sku", "unknown_sku"),
        ("lines.1.sku", "not_on_sale"),
        ("lines.2.total", "line_total_mismatch"),
    }
    assert not Purchase.objects.exists() and not Customer.objects.exists()
    refused = RefusedOrder.objects.get()
    assert (refused.channel, refused.received_via, refused.external_reference) == (
        channel,
        ReceivedVia.API,
        "SF-1001",
    )
    assert refused.problems == answer.body["problems"] and refused.payload == '{"x": 1}'


def test_totals_must_add_up_to_the_paisa(channel, bedsheet):
    wrong_line = order(
        lines=[{"sku": "KH-BED-101", "quantity": 2, "unit_price": "1249.00", "total": "2797.75"}]
    )
    answer = order_receive(channel=channel, order=wrong_line)
    assert answer.body["problems"][0]["field"] == "lines.0.total"
    assert "2797.76" in answer.body["problems"][0]["message"]

    answer = order_receive(channel=channel, order=order(amount_charged="2797.77"))
    assert [p["field"] for p in answer.body["problems"]] == ["amount_charged"]
    assert not Purchase.objects.exists()


def test_shipping_is_charged_on_top_of_the_lines(channel, bedsheet):
    answer = order_receive(
        channel=channel, order=order(shipping_charge="49.00", amount_charged="2846.76")
    )
    assert answer.http_status == 201
    assert Purchase.objects.get().shipping_charge == Decimal("49.00")


def test_more_than_available_is_refused_unless_the_product_takes_back_orders(channel, bedsheet):
    bedsheet.on_hand = 1
    bedsheet.save()
    answer = order_receive(channel=channel, order=order())
    assert answer.http_status == 409 and answer.body["code"] == "out_of_stock"
    assert answer.body["problems"][0]["field"] == "lines.0.quantity"
    assert "1 available, 2 asked for" in answer.body["problems"][0]["message"]
    assert not Purchase.objects.exists()

    bedsheet.allows_backorder = True
    bedsheet.save()
    assert order_receive(channel=channel, order=order()).http_status == 201
    bedsheet.refresh_from_db()
    assert (bedsheet.committed, bedsheet.available) == (2, -1)


def test_partner_products_take_no_stock(channel):
    factories.ProductFactory(
        sku="IB-1", price=Decimal("100.00"), gst_rate=18, fulfilled_by=FulfilledBy.INFIBEAM
    )
    lines = [{"sku": "IB-1", "quantity": 3, "unit_price": "100.00", "total": "354.00"}]
    answer = order_receive(channel=channel, order=order(lines=lines, amount_charged="354.00"))
    assert answer.http_status == 201
    assert Purchase.objects.get().kind == "infibeam"


def test_a_disabled_channel_places_nothing(channel, bedsheet):
    channel.active = False
    channel.save()
    answer = order_receive(channel=channel, order=order())
    assert (answer.http_status, answer.body["code"]) == (403, "channel_disabled")
    assert not Purchase.objects.exists()
