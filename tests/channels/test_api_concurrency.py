"""Channels sending at the same instant, on PostgreSQL: each thread its own connection, all
released at once (tests/reliability/harness.py). One purchase per order however often it is
sent, and never more stock promised than is on the shelf."""

from collections import Counter

import pytest

from catalog.models import Product
from channels.models import ChannelRequest
from purchases.models import Purchase
from tests.reliability.harness import hammer, postgres_only, raw_errors, waiting_backends

from .api_client import ORDERS, ChannelClient
from .conftest import order

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

ONE_BEDSHEET = {"sku": "KH-BED-101", "quantity": 1, "unit_price": "1249.00", "total": "1398.88"}


def one_bedsheet(reference: str) -> dict:
    data = order(reference=reference, lines=[ONE_BEDSHEET], amount_charged="1398.88")
    return data.model_dump(mode="json")


def answers(outcomes) -> list:
    assert not raw_errors(outcomes), "\n".join(raw_errors(outcomes))
    assert not waiting_backends()
    return [outcome.result for outcome in outcomes]


def test_the_same_request_sent_at_once_is_one_purchase_and_one_answer(channel, bedsheet):
    web = ChannelClient(channel.code, channel.secret)
    body = one_bedsheet("SF-1001")

    responses = answers(hammer(lambda i: web.post(ORDERS, body, key="order-1")))

    assert {(r.status_code, r.content) for r in responses} == {
        (responses[0].status_code, responses[0].content)
    }
    assert responses[0].status_code == 201
    assert Purchase.objects.count() == 1 and ChannelRequest.objects.count() == 1
    assert Product.objects.get(pk=bedsheet.pk).committed == 1


def test_the_same_order_under_different_keys_at_once_is_one_purchase(channel, bedsheet):
    web = ChannelClient(channel.code, channel.secret)
    body = one_bedsheet("SF-1001")

    responses = answers(hammer(lambda i: web.post(ORDERS, body, key=f"order-1-try-{i}")))

    assert Counter(r.status_code for r in responses) == {201: 1, 200: len(responses) - 1}
    assert len({r.json()["purchase"]["number"] for r in responses}) == 1
    assert Purchase.objects.count() == 1
    assert Product.objects.get(pk=bedsheet.pk).committed == 1


def test_fifty_orders_for_the_last_seven_units_at_once_sell_exactly_seven(channel, bedsheet):
    Product.objects.filter(pk=bedsheet.pk).update(on_hand=7)
    web = ChannelClient(channel.code, channel.secret)

    responses = answers(
        hammer(lambda i: web.post(ORDERS, one_bedsheet(f"SF-{i}"), key=f"order-{i}"), count=50)
    )

    assert Counter(r.status_code for r in responses) == {201: 7, 409: 43}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    shelf = Product.objects.get(pk=bedsheet.pk)
    assert (shelf.on_hand, shelf.committed, shelf.available) == (7, 7, 0)
    assert Purchase.objects.count() == 7
