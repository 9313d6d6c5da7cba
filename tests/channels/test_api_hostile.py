"""Malformed and hostile requests thrown at the orders API's two POSTs: random JSON, wrong types,
huge numbers, any unicode (NUL, lone surrogates), deep nesting, bytes that are not UTF-8, and
missing or garbled headers. Whatever comes, the answer is never a server error, and a refused
request leaves nothing behind but its RefusedOrder row (and, when the store's own checks refused
it, that answer kept under its Idempotency-Key). Each example runs in a transaction rolled back
after it, so that every one starts from the same store."""

import json
from urllib.parse import quote

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.models import ChannelRequest, PaymentEvent, RefusedOrder, SalesChannel
from customers.models import Customer
from purchases.models import Address, Item, Purchase

from .api_client import ORDERS, ChannelClient, payments_url
from .conftest import order

pytestmark = pytest.mark.django_db

KEPT = (Purchase, Item, Customer, Address, PaymentEvent, SalesChannel)

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
# Characters that break things downstream (NUL in PostgreSQL, lone surrogates in UTF-8, controls
# in logs and CSV files), put inside otherwise ordinary text so that the rest of it passes.
breaking = st.sampled_from(
    ["\x00", "\x1b", "\n", "\t", "\x7f", "\x85", "\u2028", "\ud800", "\udfff", "\ufeff", "\u202e"]
)
hostile_text = st.one_of(
    any_text,
    st.builds(
        lambda left, bad, right: left + bad + right,
        st.text(max_size=8),
        breaking,
        st.text(max_size=8),
    ),
)
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**80),
    st.floats(),  # NaN and infinities become bare NaN/Infinity in the JSON
    st.sampled_from(["", " ", "\x00", "1e999", "-0", "NaN", "2026-13-45T99:00:00+05:30"]),
    hostile_text,
    st.text(min_size=300, max_size=3000),
)
json_values = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
ORDER_FIELDS = [
    ("reference",),
    ("placed_at",),
    ("customer",),
    ("customer", "name"),
    ("customer", "email"),
    ("customer", "mobile"),
    ("customer", "gstin"),
    ("billing_address", "state"),
    ("billing_address", "pin_code"),
    ("billing_address", "landmark"),
    ("shipping_address",),
    ("lines",),
    ("lines", 0),
    ("lines", 0, "sku"),
    ("lines", 0, "quantity"),
    ("lines", 0, "unit_price"),
    ("lines", 0, "discount"),
    ("lines", 0, "total"),
    ("shipping_charge",),
    ("payment_method",),
    ("amount_charged",),
]


TEXT_FIELDS = [
    ("reference",),
    ("customer", "name"),
    ("customer", "email"),
    ("customer", "gstin"),
    ("billing_address", "line1"),
    ("billing_address", "landmark"),
    ("billing_address", "city"),
    ("lines", 0, "sku"),
]
NUMBER_FIELDS = [
    ("lines", 0, "quantity"),
    ("lines", 0, "unit_price"),
    ("lines", 0, "total"),
    ("shipping_charge",),
    ("amount_charged",),
]
numbers = st.one_of(
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["2797.76", "2797.760", "2797.7600000001", "1e2", "0x10", "١٢٣"]),
)


def nested(depth: int) -> bytes:
    return b'{"reference": ' + b"[" * depth + b"]" * depth + b"}"


@st.composite
def order_bodies(draw) -> bytes:
    """A real order with fields replaced by anything, random JSON, or bytes that are not JSON."""
    kind = draw(st.sampled_from(["one_text", "one_number", "mutated", "json", "bytes", "deep"]))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        return nested(draw(st.integers(50, 50_000)))
    data = order().model_dump(mode="json")
    if kind == "one_text":  # everything else valid, so the text reaches the store's checks
        replace(data, draw(st.sampled_from(TEXT_FIELDS)), draw(hostile_text))
        return json.dumps(data).encode()
    if kind == "one_number":
        replace(data, draw(st.sampled_from(NUMBER_FIELDS)), draw(numbers))
        return json.dumps(data).encode()
    for path in draw(st.lists(st.sampled_from(ORDER_FIELDS), min_size=1, max_size=4)):
        replace(data, path, draw(json_values))
    return json.dumps(data).encode()


def replace(data, path: tuple, value) -> None:
    """Put `value` at `path` in `data`, if an earlier replacement left a place for it."""
    *parents, last = path
    target = data
    for step in parents:
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            return
    fits = (isinstance(target, dict) and isinstance(last, str)) or (
        isinstance(target, list) and isinstance(last, int) and last < len(target)
    )
    if fits:
        target[last] = value


payment_bodies = st.one_of(
    st.fixed_dictionaries(
        {
            "event_id": json_values,
            "kind": st.sampled_from(["started", "captured", "refunded"]) | json_values,
            "amount": st.sampled_from(["2797.76", "1e308"]) | json_values,
            "occurred_at": st.sampled_from(["2026-12-01T10:00:00+05:30"]) | json_values,
        }
    ).map(lambda data: json.dumps(data).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
)
header_value = st.one_of(any_text, st.text(alphabet=st.characters(max_codepoint=255)))


@st.composite
def headers_for(draw, client: ChannelClient, body: bytes) -> dict:
    """Signed as a channel signs, mostly; sometimes with headers missing or replaced by junk."""
    headers = client.headers(body, **{"Idempotency-Key": draw(st.sampled_from(["k-1", "k-2"]))})
    if draw(st.integers(0, 3)):
        return headers
    for name in draw(
        st.lists(st.sampled_from(sorted(headers)), min_size=1, max_size=2, unique=True)
    ):
        replacement = draw(st.none() | header_value)
        if replacement is None:
            del headers[name]
        else:
            headers[name] = replacement
    return headers


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in KEPT}


def throw(client: ChannelClient, path: str, body: bytes, headers: dict) -> None:
    before = counts()
    refused_before = RefusedOrder.objects.count()
    last_key = ChannelRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.send(path, body, headers)

    assert response.status_code < 500
    if response.status_code >= 400:
        assert counts() == before, f"{response.status_code} {response.content[:300]!r}"
        assert RefusedOrder.objects.count() <= refused_before + 1
        # A refusal by the store's checks is kept under its Idempotency-Key, as the answer given.
        kept = ChannelRequest.objects.filter(pk__gt=last_key)
        assert set(kept.values_list("http_status", flat=True)) <= {response.status_code}
        assert kept.count() <= 1
    if response.status_code >= 400 and response.status_code not in (404, 405):
        assert set(response.json()) == {"code", "detail", "problems"}
    # 404 and 405 come from Django's URL resolver before the API: a reference with a line break,
    # or an empty one, names no operation.


HOSTILE = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HOSTILE
@given(data=st.data())
def test_hostile_orders_never_break_the_server_nor_leave_anything_but_a_refusal(
    channel, bedsheet, data
):
    client = ChannelClient(channel.code, channel.secret, raise_request_exception=True)
    body = data.draw(order_bodies())
    with transaction.atomic():
        throw(client, ORDERS, body, data.draw(headers_for(client, body)))
        transaction.set_rollback(True)


@HOSTILE
@given(data=st.data(), reference=st.sampled_from(["SF-1001"]) | hostile_text)
def test_hostile_payment_events_never_break_the_server_nor_leave_anything_but_a_refusal(
    channel, bedsheet, data, reference
):
    client = ChannelClient(channel.code, channel.secret, raise_request_exception=True)
    body = data.draw(payment_bodies)
    with transaction.atomic():
        client.post(ORDERS, order().model_dump(mode="json"), key="the-order")
        throw(
            client,
            payments_url(quote(reference.encode("utf-8", "surrogatepass"), safe="")),
            body,
            data.draw(headers_for(client, body)),
        )
        transaction.set_rollback(True)
