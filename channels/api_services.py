"""What each call of the orders API does once its channel is proven (signed.py): the services
behind the doors in api.py. Orders and payment events go to their one service each (intake.py,
payments.py) under the request's Idempotency-Key; a request refused before it reaches them is
recorded here, and nothing else of it is stored.
"""

import json
import re
from collections.abc import Callable

from purchases.models import Purchase

from .answers import purchase_out
from .idempotency import IDEMPOTENCY_HEADER, answer_once
from .intake import order_receive
from .models import ReceivedVia, SalesChannel
from .payments import payment_event_receive
from .refusals import Answer, OrderRefused, problem, refusal_record
from .schemas import REFERENCE, OrderIn, PaymentEventIn

REFERENCE_RE = re.compile(REFERENCE)


def purchase_request_receive(
    *, channel: SalesChannel, key: str, body: bytes, order: OrderIn
) -> Answer:
    """Place the order once per key (intake.order_receive), or answer what the key answered."""
    payload = _text_of(body)
    return _once(
        channel, key, body, lambda: order_receive(channel=channel, order=order, payload=payload)
    )


def payment_request_receive(
    *, channel: SalesChannel, key: str, body: bytes, reference: str, event: PaymentEventIn
) -> Answer:
    """Apply the payment event once per key (payments.payment_event_receive), or answer what
    the key answered."""
    payload = _text_of(body)

    def act() -> Answer:
        return payment_event_receive(
            channel=channel, reference=reference, event=event, payload=payload
        )

    return _once(channel, key, body, act, reference=reference)


def _once(
    channel: SalesChannel, key: str, body: bytes, act: Callable[[], Answer], reference: str = ""
) -> Answer:
    try:
        return answer_once(channel=channel, key=key, body=body, act=act)
    except OrderRefused as refusal:  # the key was used for another body
        return request_refuse(channel=channel, refusal=refusal, body=body, reference=reference)


def purchase_look_up(*, channel: SalesChannel, reference: str) -> Answer:
    """The purchase that `channel`'s order `reference` made, or 404. A look-up is not recorded:
    it changes nothing, and a storefront may ask before the order is in."""
    purchase = None
    if REFERENCE_RE.fullmatch(reference):
        purchase = Purchase.objects.filter(channel=channel, external_reference=reference).first()
    if purchase is None:
        refused = OrderRefused(
            "unknown_reference",
            f"The channel {channel.code} has sent no order with this reference.",
            http_status=404,
        )
        return refused.answer()
    return Answer(200, purchase_out(purchase))


def request_refuse(
    *, channel: SalesChannel, refusal: OrderRefused, body: bytes, reference: str = ""
) -> Answer:
    """Record a signed request refused before (or instead of) its service, and say why."""
    return refusal_record(
        channel=channel,
        via=ReceivedVia.API,
        refusal=refusal,
        reference=reference if REFERENCE_RE.fullmatch(reference) else _reference_in(body),
        payload=_text_of(body),
    )


def refusal_of_invalid(errors: list[dict]) -> OrderRefused:
    """The refusal of a request whose headers, path or body do not fit their schema: 400 when
    the Idempotency-Key is missing or malformed, otherwise 422 with every problem and its path."""
    if any(error["loc"][:1] == ("header",) for error in errors):
        return OrderRefused(
            "missing_idempotency_key",
            f"Send an {IDEMPOTENCY_HEADER} header of 1 to 255 printable ASCII characters, new for "
            "each new request and the same when the request is sent again.",
            [problem(IDEMPOTENCY_HEADER, "missing_idempotency_key", "1 to 255 characters.")],
            http_status=400,
        )
    return OrderRefused(
        "invalid_order", "The request does not fit its schema.", problems_of(errors)
    )


def problems_of(errors: list[dict]) -> list[dict]:
    """pydantic's errors as problems: loc ("body", "order", "lines", 0, "sku") is the field
    "lines.0.sku", the error's type its code, its message the message."""
    return [
        problem(
            ".".join(str(part) for part in _field_path(error["loc"])), error["type"], error["msg"]
        )
        for error in errors
    ]


def _field_path(loc: tuple) -> tuple:
    """Where in what the channel sent: the body's fields without ninja's "body" and parameter
    name; a path parameter by its name."""
    where, *rest = loc
    return tuple(rest[1:]) if where == "body" else tuple(rest)


def _text_of(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def _reference_in(body: bytes) -> str:
    """The order's reference when the body holds one, so the Owner can find a refused order."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    reference = data.get("reference") if isinstance(data, dict) else None
    if isinstance(reference, str) and REFERENCE_RE.fullmatch(reference.strip()):
        return reference.strip()
    return ""
