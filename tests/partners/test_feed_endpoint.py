"""The feed endpoint as a partner uses it: signed batches, idempotent retries, refusals."""

import json
import time

import pytest
from django.urls import reverse

from core.signing import signature_of
from partners.feed import MAX_BODY_BYTES
from partners.models import PartnerEvent, RejectedPartnerEvent
from purchases.models import AuditEntry, ItemStatus, PartnerStatus, Purchase, PurchaseStatus
from tests import factories
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db


def state(purchase):
    purchase = Purchase.objects.get(pk=purchase.pk)
    items = [
        (item.handed_over_quantity, item.cancelled_quantity, item.status)
        for item in purchase.items.order_by("line_number")
    ]
    return purchase.status, purchase.partner_status, items


def rejected(reason):
    return list(RejectedPartnerEvent.objects.filter(reason=reason))


def test_signed_batch_moves_purchase_to_partially_complete_then_complete(
    partner_purchase, post_batch
):
    first = [event(partner_purchase, 1, quantity=2, event_id="e-1")]
    status, answer = post_batch({"events": first})
    assert status == 200
    assert answer == {
        "status": "ok",
        "applied": 1,
        "duplicates": 0,
        "rejected": 0,
        "results": [{"event_id": "e-1", "result": "applied", "reason": None}],
    }
    assert state(partner_purchase) == (
        PurchaseStatus.PARTIALLY_COMPLETE,
        PartnerStatus.PARTIALLY_COMPLETE,
        [(2, 0, ItemStatus.COMPLETE), (0, 0, ItemStatus.PENDING)],
    )

    rest = [
        event(partner_purchase, 2, quantity=1, event_id="e-2", at="2026-01-01T11:00:00+05:30"),
        event(partner_purchase, 2, "cancelled", 1, event_id="e-3", at="2026-01-01T12:00:00+05:30"),
    ]
    status, answer = post_batch({"events": rest})
    assert status == 200 and answer["applied"] == 2
    assert state(partner_purchase) == (
        PurchaseStatus.COMPLETE,
        PartnerStatus.COMPLETE,
        [(2, 0, ItemStatus.COMPLETE), (1, 1, ItemStatus.COMPLETE)],
    )


def test_the_timeline_says_by_infibeam(partner_purchase, post_batch):
    post_batch({"events": [event(partner_purchase, 1, quantity=2, event_id="e-1")]})
    entries = list(AuditEntry.objects.filter(purchase=partner_purchase).timeline())
    assert entries and {entry.actor_name for entry in entries} == {"Infibeam"}
    assert all(entry.actor is None for entry in entries)
    moves = {(entry.subject, entry.from_state, entry.to_state) for entry in entries}
    assert ("purchase", "confirmed", "partially_complete") in moves
    assert ("purchase", "awaiting", "partially_complete") in moves
    assert ("item", "pending", "complete") in moves
    assert any(entry.action == "Handed over to the logistics agent × 2" for entry in entries)


def test_same_batch_again_changes_nothing(partner_purchase, post_batch):
    batch = {
        "events": [
            event(partner_purchase, 1, quantity=2, event_id="e-1"),
            event(partner_purchase, 2, "cancelled", 2, event_id="e-2"),
        ]
    }
    assert post_batch(batch)[0] == 200
    before = state(partner_purchase), AuditEntry.objects.count()
    status, answer = post_batch(batch)
    assert status == 200
    assert answer["duplicates"] == 2 and answer["applied"] == 0
    assert [r["result"] for r in answer["results"]] == ["duplicate", "duplicate"]
    assert (state(partner_purchase), AuditEntry.objects.count()) == before
    assert PartnerEvent.objects.count() == 2
    assert state(partner_purchase)[0] == PurchaseStatus.COMPLETE


def test_partner_cancelling_everything_cancels_the_purchase(partner_purchase, post_batch):
    batch = [event(partner_purchase, line, "cancelled", 2, event_id=f"c-{line}") for line in (1, 2)]
    assert post_batch({"events": batch})[0] == 200
    assert state(partner_purchase) == (
        PurchaseStatus.CANCELLED,
        PartnerStatus.CANCELLED,
        [(0, 2, ItemStatus.CANCELLED), (0, 2, ItemStatus.CANCELLED)],
    )


def test_item_named_by_sku(partner_purchase, post_batch):
    item = partner_purchase.items.get(line_number=2)
    data = event(partner_purchase, None, event_id="s-1", sku=item.sku)
    del data["line"]
    status, answer = post_batch({"events": [data]})
    assert status == 200
    item.refresh_from_db()
    assert item.handed_over_quantity == 1


def test_mixed_purchase_keeps_its_own_flow(mixed_purchase, post_batch):
    partner_line = mixed_purchase.items.get(fulfilled_by="infibeam").line_number
    batch = [event(mixed_purchase, partner_line, quantity=2, event_id="m-1")]
    assert post_batch({"events": batch})[0] == 200
    mixed_purchase.refresh_from_db()
    assert mixed_purchase.status == PurchaseStatus.CONFIRMED  # own part still awaits fraud review
    assert mixed_purchase.partner_status == PartnerStatus.COMPLETE
    own = mixed_purchase.items.get(fulfilled_by="own")
    assert (own.handed_over_quantity, own.status) == (0, ItemStatus.PENDING)
    assert list(Purchase.objects.awaiting_fraud_review()) == [mixed_purchase]


# -- refusals of the whole request ------------------------------------------------------------


def assert_refused(answer, reason):
    assert answer["status"] == "rejected"
    assert answer["reason"] == reason
    assert answer["results"] == []
    assert answer["detail"]


@pytest.fixture
def one_event(partner_purchase):
    return {"events": [event(partner_purchase, 1, event_id="x-1")]}


def assert_nothing_applied(partner_purchase):
    assert not PartnerEvent.objects.exists()
    assert state(partner_purchase)[0] == PurchaseStatus.CONFIRMED
    assert not AuditEntry.objects.exists()


def test_tampered_body_is_refused(partner_purchase, one_event, post_batch, secret):
    body = json.dumps(one_event).encode()
    timestamp = str(int(time.time()))
    signature = signature_of(secret=secret, timestamp=timestamp, body=body)
    tampered = body.replace(b'"quantity": 1', b'"quantity": 2')
    status, answer = post_batch(None, raw=tampered, timestamp=timestamp, signature=signature)
    assert status == 401
    assert_refused(answer, "bad_signature")
    assert_nothing_applied(partner_purchase)
    [record] = rejected("bad_signature")
    assert '"quantity": 2' in record.payload and record.received_via == "api"


def test_wrong_secret_is_refused(partner_purchase, one_event, post_batch):
    status, answer = post_batch(one_event, key="not-the-secret")
    assert status == 401
    assert_refused(answer, "bad_signature")
    assert_nothing_applied(partner_purchase)
    assert len(rejected("bad_signature")) == 1


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_timestamp_outside_the_window_is_refused(partner_purchase, one_event, post_batch, offset):
    status, answer = post_batch(one_event, timestamp=str(int(time.time()) + offset))
    assert status == 401
    assert_refused(answer, "stale_timestamp")
    assert_nothing_applied(partner_purchase)
    assert len(rejected("stale_timestamp")) == 1


def test_timestamp_inside_the_window_is_accepted(partner_purchase, one_event, post_batch):
    assert post_batch(one_event, timestamp=str(int(time.time()) - 250))[0] == 200


@pytest.mark.parametrize("timestamp", ["yesterday", "1.7e9", "-5", "2026-01-01T00:00:00Z"])
def test_timestamp_that_is_not_unix_seconds_is_refused(one_event, post_batch, timestamp):
    status, answer = post_batch(one_event, timestamp=timestamp)
    assert status == 401
    assert_refused(answer, "bad_timestamp")


@pytest.mark.parametrize("missing", ["X-Webstore-Timestamp", "X-Webstore-Signature", "both"])
def test_missing_headers_are_refused(partner_purchase, one_event, post_batch, missing):
    headers = {"X-Webstore-Timestamp": str(int(time.time())), "X-Webstore-Signature": "sha256=00"}
    for name in list(headers):
        if missing in (name, "both"):
            del headers[name]
    status, answer = post_batch(one_event, headers=headers)
    assert status == 401
    assert_refused(answer, "missing_headers")
    assert_nothing_applied(partner_purchase)
    assert len(rejected("missing_headers")) == 1


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"not json", b'{"events": [NaN]}', "\u00ff".encode("latin-1"), b"[" * 100_000],
)
def test_malformed_json_is_refused(partner_purchase, post_batch, raw):
    status, answer = post_batch(None, raw=raw)
    assert status == 400
    assert_refused(answer, "malformed_json")
    assert_nothing_applied(partner_purchase)
    assert len(rejected("malformed_json")) == 1


@pytest.mark.parametrize(
    "payload", [[], {}, {"events": []}, {"events": {"a": 1}}, "events", {"events": [{}] * 1001}]
)
def test_body_that_is_not_a_batch_is_refused(post_batch, payload):
    status, answer = post_batch(payload)
    assert status == 400
    assert_refused(answer, "invalid_batch")


def test_oversized_body_is_refused_without_applying(partner_purchase, one_event, post_batch):
    body = json.dumps(one_event).encode()
    padded = body[:-1] + b', "padding": "' + b"x" * MAX_BODY_BYTES + b'"}'
    status, answer = post_batch(None, raw=padded)
    assert status == 413
    assert_refused(answer, "body_too_large")
    assert_nothing_applied(partner_purchase)
    assert rejected("body_too_large")[0].payload == ""


def test_body_longer_than_its_content_length_is_read_no_further(client, one_event, secret):
    """A lying Content-Length cannot make the server read more than the limit."""
    body = json.dumps(one_event).encode() + b" " * (MAX_BODY_BYTES + 10)
    timestamp = str(int(time.time()))
    response = client.generic(
        "POST",
        reverse("partners:feed"),
        data=body,
        content_type="application/json",
        headers={
            "X-Webstore-Timestamp": timestamp,
            "X-Webstore-Signature": signature_of(secret=secret, timestamp=timestamp, body=body),
        },
        CONTENT_LENGTH="100",
    )
    assert response.status_code == 401  # read only 100 bytes, which the signature does not cover
    assert response.json()["reason"] == "bad_signature"


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/partners/feed/", "/partners/feed"])
def test_feed_accepts_its_path_with_or_without_the_trailing_slash(
    client, settings, partner_purchase, secret, path, debug
):
    """A partner's client may drop the slash; APPEND_SLASH cannot redirect a POST (under DEBUG
    it raised a RuntimeError, a 500), so both forms must be the feed itself."""
    settings.DEBUG = debug
    body = json.dumps({"events": [event(partner_purchase, 1, event_id="e-slash")]}).encode()
    timestamp = str(int(time.time()))
    response = client.post(
        path,
        data=body,
        content_type="application/json",
        headers={
            "X-Webstore-Timestamp": timestamp,
            "X-Webstore-Signature": signature_of(secret=secret, timestamp=timestamp, body=body),
        },
    )
    assert response.status_code == 200
    assert response.json()["applied"] == 1
    assert PartnerEvent.objects.filter(event_id="e-slash").exists()


def test_get_is_not_allowed(client):
    response = client.get(reverse("partners:feed"))
    assert response.status_code == 405
    assert response.json()["reason"] == "method_not_allowed"


def test_feed_needs_no_login_or_csrf_token(partner_purchase, one_event, secret):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = json.dumps(one_event).encode()
    timestamp = str(int(time.time()))
    response = strict.post(
        reverse("partners:feed"),
        data=body,
        content_type="application/json",
        headers={
            "X-Webstore-Timestamp": timestamp,
            "X-Webstore-Signature": signature_of(secret=secret, timestamp=timestamp, body=body),
        },
    )
    assert response.status_code == 200


# -- refusals of single events ------------------------------------------------------------------


def test_batch_with_some_bad_events_applies_the_good_ones_and_says_which_failed(
    partner_purchase, post_batch
):
    own_purchase = factories.purchase_with_items(own=1)
    batch = [
        event(partner_purchase, 1, event_id="ok-1"),
        {**event(partner_purchase, 1, event_id="bad-1"), "purchase": "WS999999"},
        event(partner_purchase, 9, event_id="bad-2"),
        event(own_purchase, 1, event_id="bad-3"),
        event(partner_purchase, 2, quantity=3, event_id="bad-4"),
        event(partner_purchase, 2, event_id="ok-2"),
    ]
    status, answer = post_batch({"events": batch})
    assert status == 207
    assert answer["status"] == "partial"
    assert [(r["event_id"], r["result"], r["reason"]) for r in answer["results"]] == [
        ("ok-1", "applied", None),
        ("bad-1", "rejected", "unknown_purchase"),
        ("bad-2", "rejected", "unknown_item"),
        ("bad-3", "rejected", "own_item"),
        ("bad-4", "rejected", "excess_quantity"),
        ("ok-2", "applied", None),
    ]
    assert state(partner_purchase)[2] == [
        (1, 0, ItemStatus.PARTIALLY_COMPLETE),
        (1, 0, ItemStatus.PARTIALLY_COMPLETE),
    ]
    recorded = {r.event_id: r for r in RejectedPartnerEvent.objects.all()}
    assert set(recorded) == {"bad-1", "bad-2", "bad-3", "bad-4"}
    assert recorded["bad-1"].purchase_number == "WS999999" and recorded["bad-1"].purchase is None
    assert recorded["bad-2"].purchase == partner_purchase
    assert recorded["bad-3"].purchase == own_purchase
    assert json.loads(recorded["bad-4"].payload)["quantity"] == 3


def test_all_events_rejected_gives_422(partner_purchase, post_batch):
    batch = [{**event(partner_purchase, 1, event_id="u-1"), "purchase": "NOPE"}]
    status, answer = post_batch({"events": batch})
    assert status == 422
    assert answer["status"] == "rejected" and answer["rejected"] == 1


def test_out_of_order_event_is_refused_and_recorded(partner_purchase, post_batch):
    newer = event(partner_purchase, 1, event_id="new", at="2026-01-02T10:00:00+05:30")
    older = event(
        partner_purchase, 1, "cancelled", 1, event_id="old", at="2026-01-01T10:00:00+05:30"
    )
    post_batch({"events": [newer]})
    status, answer = post_batch({"events": [older]})
    assert status == 422
    assert answer["results"][0]["reason"] == "out_of_order"
    assert state(partner_purchase)[2][0] == (1, 0, ItemStatus.PARTIALLY_COMPLETE)
    assert rejected("out_of_order")[0].event_id == "old"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"quantity": "1"}, "invalid_field"),
        ({"quantity": 1.0}, "invalid_field"),
        ({"quantity": 0}, "invalid_field"),
        ({"quantity": True}, "invalid_field"),
        ({"quantity": 10**30}, "invalid_field"),
        ({"line": "1"}, "invalid_field"),
        ({"kind": "shipped"}, "invalid_field"),
        ({"occurred_at": "2026-01-01 10:00"}, "invalid_field"),
        ({"occurred_at": "0001-01-01T00:00:00+05:30"}, "invalid_field"),
        ({"occurred_at": 1767225600}, "invalid_field"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_in_future"),
        ({"event_id": "has space"}, "invalid_field"),
        ({"event_id": "x" * 101}, "invalid_field"),
        ({"purchase": ["WS1"]}, "invalid_field"),
        ({"purchase": "WS\u0000"}, "invalid_field"),
        ({"event_id": None}, "missing_field"),
        ({"line": None}, "missing_field"),
        ({"kind": "cancelled", "reason": ""}, "invalid_field"),
        ({"kind": "cancelled", "reason": "\ud800"}, "invalid_field"),
    ],
)
def test_events_of_the_wrong_form_are_refused(partner_purchase, post_batch, change, reason):
    data = {
        key: value
        for key, value in {**event(partner_purchase, 1, event_id="f-1"), **change}.items()
        if value is not None
    }
    status, answer = post_batch({"events": [data]})
    assert status == 422, answer
    assert answer["results"][0]["reason"] == reason
    assert answer["results"][0]["detail"]
    assert_nothing_applied(partner_purchase)
    assert len(rejected(reason)) == 1


def test_event_that_is_not_an_object_is_refused(post_batch):
    status, answer = post_batch({"events": ["e-1", 5, None]})
    assert status == 422
    assert [r["reason"] for r in answer["results"]] == ["invalid_event"] * 3
    assert [r["event_id"] for r in answer["results"]] == [None] * 3


def test_reused_event_id_with_other_content_is_refused(partner_purchase, post_batch):
    post_batch({"events": [event(partner_purchase, 1, event_id="r-1")]})
    status, answer = post_batch({"events": [event(partner_purchase, 2, event_id="r-1")]})
    assert status == 422
    assert answer["results"][0]["reason"] == "event_id_reused"
    assert state(partner_purchase)[2][1] == (0, 0, ItemStatus.PENDING)


def test_same_event_with_other_key_order_and_spacing_is_a_duplicate(partner_purchase, post_batch):
    data = event(partner_purchase, 1, event_id="k-1")
    post_batch({"events": [data]})
    reordered = json.dumps({"events": [dict(reversed(list(data.items())))]}, indent=4).encode()
    status, answer = post_batch(None, raw=reordered)
    assert status == 200 and answer["results"][0]["result"] == "duplicate"


def test_sku_on_two_lines_needs_the_line(partner_purchase, post_batch):
    first, second = partner_purchase.items.order_by("line_number")
    type(second).objects.filter(pk=second.pk).update(sku=first.sku)
    data = event(partner_purchase, None, event_id="a-1", sku=first.sku)
    del data["line"]
    status, answer = post_batch({"events": [data]})
    assert answer["results"][0]["reason"] == "ambiguous_item"
    status, answer = post_batch({"events": [{**data, "event_id": "a-2", "line": 2}]})
    assert status == 200
