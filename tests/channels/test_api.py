"""The orders API as a channel's developer sees it: signed calls, their answers, and what the
store keeps of them (docs/orders-api.md)."""

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from channels import signed
from channels.models import ChannelRequest, PaymentEvent, RefusedOrder
from customers.models import Customer
from purchases import services as purchase_services
from purchases.models import Address, Purchase, PurchaseStatus
from shipments import services as shipment_services
from tests import factories

from .api_client import ORDERS, ChannelClient, payments_url
from .conftest import order

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(channel):
    return ChannelClient(channel.code, channel.secret)


def order_data(**changes) -> dict:
    return order(**changes).model_dump(mode="json")


def capture(event_id: str = "pay-1", kind: str = "captured", amount: str = "2797.76") -> dict:
    return {
        "event_id": event_id,
        "kind": kind,
        "amount": amount,
        "occurred_at": "2026-12-01T10:00:00+05:30",
    }


def stored() -> dict:
    """How many rows of what an order or a payment leaves behind."""
    return {
        model.__name__: model.objects.count()
        for model in (Purchase, Customer, Address, ChannelRequest, PaymentEvent)
    }


NOTHING = {"Purchase": 0, "Customer": 0, "Address": 0, "ChannelRequest": 0, "PaymentEvent": 0}


# -- orders ----------------------------------------------------------------------------------


def test_an_order_is_created_once_and_its_reference_again_is_the_same_purchase(web, bedsheet):
    first = web.post(ORDERS, order_data(), key="order-1")
    again = web.post(ORDERS, order_data(), key="order-1-resent-by-a-new-process")

    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert first.json()["purchase"]["number"] == again.json()["purchase"]["number"]
    purchase = Purchase.objects.get()
    assert first.json()["purchase"] | {"placed_at": None} == {
        "number": purchase.number,
        "reference": "SF-1001",
        "status": "in_checkout",
        "status_label": "In Checkout",
        "partner_status": "",
        "payment_method": "prepaid",
        "paid": False,
        "amount": "2797.76",
        "placed_at": None,
        "shipments": [],
    }
    bedsheet.refresh_from_db()
    assert bedsheet.committed == 2


def test_an_order_sent_without_the_trailing_slash_is_taken_all_the_same(web, bedsheet):
    response = web.post(ORDERS.rstrip("/"), order_data(), key="order-no-slash")

    assert response.status_code == 201
    assert response.json()["purchase"]["number"] == Purchase.objects.get().number


def test_the_same_key_and_body_get_the_first_answer_again_exactly(web, bedsheet):
    first = web.post(ORDERS, order_data(), key="order-1")
    web.post(payments_url("SF-1001"), capture(), key="pay-1")  # it moves on meanwhile
    again = web.post(ORDERS, order_data(), key="order-1")

    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.json()["created"] is True
    assert Purchase.objects.count() == 1 and ChannelRequest.objects.count() == 2


def test_another_body_under_a_used_key_is_refused_and_recorded(web, bedsheet):
    web.post(ORDERS, order_data(), key="order-1")
    other = web.post(ORDERS, order_data(reference="SF-1002"), key="order-1")

    assert other.status_code == 409
    assert other.json() == {
        "code": "idempotency_key_reused",
        "detail": "The Idempotency-Key order-1 was sent before with another body; a new "
        "request needs a new key.",
        "problems": [],
    }
    assert Purchase.objects.count() == 1
    refused = RefusedOrder.objects.get()
    assert (refused.code, refused.external_reference) == ("idempotency_key_reused", "SF-1002")


def test_a_refusal_by_the_store_is_kept_under_its_key(web, bedsheet):
    unknown = order_data(lines=[{"sku": "NOPE", "quantity": 1, "unit_price": "1", "total": "1"}])
    first = web.post(ORDERS, unknown, key="order-1")
    again = web.post(ORDERS, unknown, key="order-1")
    fixed_under_the_same_key = web.post(ORDERS, order_data(), key="order-1")

    assert first.status_code == again.status_code == 422
    assert first.content == again.content
    assert first.json()["problems"][0] == {
        "field": "lines.0.sku",
        "code": "unknown_sku",
        "message": "No product has the SKU NOPE.",
    }
    assert fixed_under_the_same_key.status_code == 409
    assert web.post(ORDERS, order_data(), key="order-2").status_code == 201
    assert list(RefusedOrder.objects.values_list("code", flat=True)) == [
        "idempotency_key_reused",
        "invalid_order",
    ]


def test_out_of_stock_says_how_many_are_available(web, bedsheet):
    bedsheet.on_hand = 1
    bedsheet.save()
    answer = web.post(ORDERS, order_data())

    assert answer.status_code == 409 and answer.json()["code"] == "out_of_stock"
    assert answer.json()["problems"] == [
        {
            "field": "lines.0.quantity",
            "code": "out_of_stock",
            "message": "KH-BED-101: 1 available, 2 asked for.",
        }
    ]


# -- what does not fit the schema ------------------------------------------------------------


def test_every_problem_is_answered_with_its_path_and_nothing_but_the_refusal_is_kept(web, bedsheet):
    data = order_data()
    data["customer"]["mobile"] = "12345"
    data["billing_address"]["pin_code"] = "5600"
    data["lines"].append({"sku": "KH-BED-101", "quantity": 0, "unit_price": "x"})
    data["payment_method"] = "cheque"
    data["placed_at"] = "2026-12-01T10:00:00"
    data["shipping_charge"] = -1
    data["gift_wrap"] = True  # unknown fields are ignored

    answer = web.post(ORDERS, data, key="order-1")

    assert answer.status_code == 422 and answer.json()["code"] == "invalid_order"
    assert {(p["field"], p["code"]) for p in answer.json()["problems"]} == {
        ("customer.mobile", "invalid_mobile"),
        ("billing_address.pin_code", "invalid_pin_code"),
        ("lines.1.quantity", "greater_than_equal"),
        ("lines.1.unit_price", "decimal_parsing"),
        ("lines.1.total", "missing"),
        ("payment_method", "literal_error"),
        ("placed_at", "naive_datetime"),
        ("shipping_charge", "greater_than_equal"),
    }
    assert all(p["message"] for p in answer.json()["problems"])
    assert stored() == NOTHING
    refused = RefusedOrder.objects.get()
    assert (refused.code, refused.external_reference) == ("invalid_order", "SF-1001")
    assert refused.problems == answer.json()["problems"] and '"gift_wrap"' in refused.payload


def test_a_body_refused_by_its_schema_does_not_spend_its_key(web, bedsheet):
    assert web.post(ORDERS, {"reference": "SF-1001"}, key="order-1").status_code == 422
    assert web.post(ORDERS, order_data(), key="order-1").status_code == 201


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"reference": "SF-1001", "lines": [', "Expecting value"),
        (b"\xff\xfe{}", "invalid start byte"),
        (b'{"amount_charged": NaN}', "NaN is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"amount_charged": ' + b"9" * 5000 + b"}", "Exceeds the limit (4300 digits)"),
    ],
)
def test_a_body_that_is_not_json_is_an_invalid_order(web, bedsheet, body, message):
    answer = web.post(ORDERS, body)

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_order"
    [only] = answer.json()["problems"]
    assert (only["field"], only["code"]) == ("", "malformed_json")
    assert message in only["message"]
    assert stored() == NOTHING and RefusedOrder.objects.count() == 1


def test_an_empty_body_is_an_invalid_order(web):
    answer = web.post(ORDERS, b"")
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"field": "", "code": "missing", "message": "Field required"}
    ]


@pytest.mark.parametrize("key", [None, "", "x" * 256, "clé-1"])
def test_both_posts_need_an_idempotency_key(web, bedsheet, key):
    for path, body in ((ORDERS, order_data()), (payments_url("SF-1001"), capture())):
        answer = web.post(path, body, key=key)
        assert answer.status_code == 400
        assert answer.json()["code"] == "missing_idempotency_key"
    assert stored() == NOTHING


def test_a_body_over_256_kb_is_refused_before_it_is_read(web, bedsheet):
    data = order_data()
    data["padding"] = "x" * signed.MAX_BODY_BYTES
    answer = web.post(ORDERS, data)

    assert answer.status_code == 413 and answer.json()["code"] == "body_too_large"
    assert stored() == NOTHING
    assert RefusedOrder.objects.get().payload == ""  # never read


# -- signatures ------------------------------------------------------------------------------


def refused_with(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_a_request_without_the_headers_is_refused_and_recorded(bedsheet):
    answer = Client().post(ORDERS, order_data(), content_type="application/json")

    assert refused_with(answer) == (401, "missing_headers")
    assert answer.json()["detail"] == (
        "Missing header: X-Webstore-Channel, X-Webstore-Timestamp, X-Webstore-Signature."
    )
    refused = RefusedOrder.objects.get()
    assert (refused.channel, refused.code, refused.received_via) == (None, "missing_headers", "api")


def test_a_wrong_signature_or_time_is_refused_and_recorded_for_the_channel(web, channel, bedsheet):
    forged = ChannelClient(channel.code, "not-the-secret")
    assert refused_with(forged.post(ORDERS, order_data())) == (401, "bad_signature")
    stale = web.post(ORDERS, order_data(), timestamp=int(time.time()) - 301)
    assert refused_with(stale) == (401, "stale_timestamp")
    garbled = web.post(ORDERS, order_data(), **{"X-Webstore-Timestamp": "yesterday"})
    assert refused_with(garbled) == (401, "bad_timestamp")

    assert stored() == NOTHING
    assert list(RefusedOrder.objects.values_list("channel", "code")) == [
        (channel.pk, "bad_timestamp"),
        (channel.pk, "stale_timestamp"),
        (channel.pk, "bad_signature"),
    ]


def test_an_unknown_channel_is_refused_and_recorded_without_one(channel, bedsheet):
    stranger = ChannelClient("nobody", channel.secret)
    answer = stranger.post(ORDERS, order_data())

    assert refused_with(answer) == (401, "unknown_channel")
    assert RefusedOrder.objects.get().channel is None


def test_a_disabled_channel_is_told_so_once_it_has_proven_its_secret(web, channel, bedsheet):
    channel.active = False
    channel.save()
    forged = ChannelClient(channel.code, "not-the-secret")

    assert refused_with(forged.post(ORDERS, order_data())) == (401, "bad_signature")
    assert refused_with(web.post(ORDERS, order_data())) == (403, "channel_disabled")
    assert refused_with(web.get(f"{ORDERS}SF-1001")) == (403, "channel_disabled")
    assert stored() == NOTHING


def test_the_previous_secret_works_until_its_grace_period_ends(channel, bedsheet):
    old = ChannelClient(channel.code, "the-old-secret")
    channel.previous_secret = "the-old-secret"
    channel.previous_secret_until = timezone.now() + dt.timedelta(hours=1)
    channel.save()
    assert old.post(ORDERS, order_data()).status_code == 201

    channel.previous_secret_until = timezone.now()
    channel.save()
    assert refused_with(old.get(f"{ORDERS}SF-1001")) == (401, "bad_signature")


def test_a_flood_of_unsigned_junk_is_answered_but_recorded_only_so_often(monkeypatch):
    monkeypatch.setattr(signed, "RECORDED_PER_MINUTE", 3)
    for _ in range(10):
        assert Client().post(ORDERS, b"junk", content_type="text/plain").status_code == 401
    assert RefusedOrder.objects.filter(code="missing_headers").count() == 3


# -- payment events --------------------------------------------------------------------------


def test_payment_events_move_the_purchase_and_a_duplicate_changes_nothing(web, bedsheet):
    web.post(ORDERS, order_data(), key="order-1")
    started = web.post(payments_url("SF-1001"), capture("pay-1", "started"), key="pay-1")
    captured = web.post(payments_url("SF-1001"), capture("pay-2"), key="pay-2")
    duplicate = web.post(payments_url("SF-1001"), capture("pay-2"), key="pay-2-resent")

    assert started.status_code == 200 and started.json()["purchase"]["status"] == "frozen"
    assert captured.json()["result"] == "applied"
    assert captured.json()["purchase"] | {"placed_at": None} == {
        **started.json()["purchase"],
        "placed_at": None,
        "status": "confirmed",
        "status_label": "Confirmed",
        "paid": True,
    }
    assert (duplicate.status_code, duplicate.json()) == (
        200,
        {"result": "duplicate", "outcome": "Paid: the purchase is confirmed."},
    )


def test_a_capture_before_its_order_waits_and_is_applied_when_the_order_comes(web, bedsheet):
    early = web.post(payments_url("SF-1001"), capture(), key="pay-1")
    assert (early.status_code, early.json()) == (
        202,
        {"result": "waiting", "outcome": "Kept until the order arrives."},
    )
    created = web.post(ORDERS, order_data(), key="order-1")

    assert created.status_code == 201
    assert created.json()["purchase"]["status"] == "confirmed"
    assert created.json()["purchase"]["paid"] is True


def test_a_reference_with_slashes_is_sent_in_the_path_as_it_is(web, bedsheet):
    web.post(ORDERS, order_data(reference="SF/2026/1"), key="order-1")
    paid = web.post(payments_url("SF/2026/1"), capture(), key="pay-1")

    assert paid.status_code == 200 and paid.json()["purchase"]["reference"] == "SF/2026/1"
    assert web.get(f"{ORDERS}SF/2026/1").json()["paid"] is True


def test_a_payment_event_that_does_not_fit_is_refused_with_its_fields(web, bedsheet):
    web.post(ORDERS, order_data(), key="order-1")
    wrong = web.post(payments_url("SF-1001"), capture(amount="1.00"), key="pay-1")
    malformed = web.post(
        payments_url("SF 1001"), {"event_id": "e", "kind": "refunded"}, key="pay-2"
    )

    assert refused_with(wrong) == (422, "amount_mismatch")
    assert refused_with(malformed) == (422, "invalid_order")
    assert {(p["field"], p["code"]) for p in malformed.json()["problems"]} == {
        ("reference", "string_pattern_mismatch"),
        ("kind", "literal_error"),
        ("amount", "missing"),
        ("occurred_at", "missing"),
    }
    assert PaymentEvent.objects.count() == 0
    assert Purchase.objects.get().status == PurchaseStatus.IN_CHECKOUT


# -- where is my order -----------------------------------------------------------------------


def shipped(channel, reference: str) -> Purchase:
    """A purchase of `channel` handed over to Blue Dart with its AWB."""
    owner = factories.owner()
    factories.StoreProfileFactory()
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, channel=channel, external_reference=reference
    )
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=owner)
    agent = factories.ShippingAgentFactory()
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=owner, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=owner, awb="12345678901")
    shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=owner)
    shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=owner)
    purchase.refresh_from_db()
    return purchase


def test_where_is_my_order_shows_its_state_shipments_awbs_and_tracking_links(web, channel):
    purchase = shipped(channel, "SF/2026/77")
    answer = web.get(f"{ORDERS}SF/2026/77")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["number"], body["reference"], body["status"]) == (
        purchase.number,
        "SF/2026/77",
        purchase.status,
    )
    [shipment] = body["shipments"]
    assert shipment | {"handed_over_at": None, "reference": None} == {
        "reference": None,
        "courier": "Blue Dart",
        "awb": "12345678901",
        "tracking_url": "https://www.bluedart.com/trackdartresult?trackFor=0&trackNo=12345678901",
        "status": "complete",
        "handed_over_at": None,
    }
    assert shipment["handed_over_at"] is not None


def test_times_are_told_in_the_stores_time_whatever_offset_they_came_with(web, bedsheet):
    created = web.post(ORDERS, order_data(placed_at="2026-12-01T04:45:00Z"))
    looked_up = web.get(f"{ORDERS}SF-1001")

    assert created.json()["purchase"]["placed_at"] == "2026-12-01T10:15:00+05:30"
    assert looked_up.json()["placed_at"] == "2026-12-01T10:15:00+05:30"


def test_another_channels_order_or_an_unknown_reference_is_not_found(web, channel):
    other = factories.purchase_with_items(external_reference="SF-1001")
    other.channel = type(channel).objects.create(name="Phone", code="phone", kind="phone")
    other.save()
    for reference in ("SF-1001", "SF-404", "bad%00ref"):
        answer = web.get(f"{ORDERS}{reference}")
        assert refused_with(answer) == (404, "unknown_reference")
    assert not RefusedOrder.objects.exists()


# -- the document ----------------------------------------------------------------------------


def test_the_openapi_document_lists_the_three_operations_and_every_refusal(db):
    document = Client().get("/api/v1/openapi.json").json()

    assert document["info"]["title"] == "Webstore orders API"
    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("POST", "/api/v1/purchases/"),
        ("POST", "/api/v1/purchases/{reference}/payments/"),
        ("GET", "/api/v1/purchases/{reference}"),
    }
    create = operations["POST", "/api/v1/purchases/"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrderIn"
    }
    refusal = {"$ref": "#/components/schemas/Refusal"}
    for status in ("400", "401", "403", "409", "413", "422"):
        assert create["responses"][status]["content"]["application/json"]["schema"] == refusal
    assert "`idempotency_key_reused`" in create["responses"]["409"]["description"]
    assert set(document["components"]["schemas"]["Refusal"]["properties"]) == {
        "code",
        "detail",
        "problems",
    }
    scheme = document["components"]["securitySchemes"]["ChannelSignature"]
    assert (scheme["in"], scheme["name"]) == ("header", "X-Webstore-Signature")


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/"])
def test_the_docs_page_is_served_from_the_store_itself_without_a_login(db, path):
    page = Client().get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and '"url": "/api/v1/openapi.json"' in html
    assert "https://" not in html and "//cdn" not in html
