"""The orders API (`/api/v1/`): thin doors onto the channels' services. Each call is signed by its
channel (signed.py); the bodies are the pydantic schemas of schemas.py, so the validation and the
OpenAPI document (`/api/v1/openapi.json`, shown at `/api/v1/docs`) are the same code. No CSRF and
no login: the signature authenticates. docs/orders-api.md is the contract for a channel's developer.
"""

import json
from typing import Annotated

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import Header, NinjaAPI, Status
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyHeader

from . import api_services, signed
from .idempotency import IDEMPOTENCY_HEADER, KEY_PATTERN
from .refusals import OrderRefused, problem
from .schemas import (
    OrderAnswer,
    OrderIn,
    PaymentAnswer,
    PaymentEventIn,
    PurchaseOut,
    Reference,
    Refusal,
)

IdempotencyKey = Annotated[
    str,
    Header(
        alias=IDEMPOTENCY_HEADER,
        pattern=KEY_PATTERN,
        description="1–255 printable ASCII characters; the same when the request is sent again.",
    ),
]

SIGNATURE_REFUSED = (
    "`missing_headers`, `unknown_channel`, `bad_timestamp`, `stale_timestamp`, `bad_signature`"
)
# Each operation's refusals by HTTP status, as the OpenAPI document lists them.
ORDER_REFUSALS = {
    400: "`missing_idempotency_key`",
    401: SIGNATURE_REFUSED,
    403: "`channel_disabled`",
    409: "`idempotency_key_reused`, `out_of_stock`",
    413: "`body_too_large`",
    422: "`invalid_order`, with every problem and its field",
}
PAYMENT_REFUSALS = {
    **ORDER_REFUSALS,
    409: "`idempotency_key_reused`, `event_id_reused`, `cash_on_delivery`, `purchase_cancelled`",
    422: "`invalid_order`, with every problem and its field; `amount_mismatch`",
}
LOOK_UP_REFUSALS = {
    401: SIGNATURE_REFUSED,
    403: "`channel_disabled`",
    404: "`unknown_reference`",
    413: "`body_too_large`",
}


class JsonBody(Parser):
    """JSON in UTF-8 and nothing else: anything unreadable is refused as an invalid order, with
    why, instead of ninja's bare 400."""

    def parse_body(self, request: HttpRequest):
        try:
            return json.loads(request.body.decode("utf-8"), parse_constant=_not_json)
        except (ValueError, RecursionError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            raise OrderRefused(
                "invalid_order",
                "The body is not JSON in UTF-8.",
                [problem("", "malformed_json", reason[:200])],
            ) from None


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


class ChannelSignature(APIKeyHeader):
    """The channel's signature (with its code and the time in two more headers)."""

    param_name = signed.SIGNATURE_HEADER
    openapi_description = (
        f"`{signed.SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>` under the "
        f"channel's secret, with `{signed.CHANNEL_HEADER}: <channel code>` and "
        f"`{signed.TIMESTAMP_HEADER}: <Unix seconds>`. See docs/orders-api.md."
    )

    def authenticate(self, request: HttpRequest, key: str | None):
        return signed.channel_authenticate(
            headers=request.headers,
            content_length=_declared_length(request),
            read_body=lambda: request.body,
        )


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


api = NinjaAPI(
    title="Webstore orders API",
    version="1",
    description="Orders and payment events from the store's sales channels; docs/orders-api.md.",
    urls_namespace="api",
    auth=ChannelSignature(),
    parser=JsonBody(),
    docs_decorator=login_not_required,
)


def _refusals(refusals: dict[int, str]) -> dict:
    """The operation's error answers in its OpenAPI document: each status with its codes."""
    return {"responses": {status: {"description": codes} for status, codes in refusals.items()}}


@api.post(
    "/purchases/",
    response={(200, 201): OrderAnswer, tuple(ORDER_REFUSALS): Refusal},
    url_name="purchase-create",
    summary="Send an order",
    openapi_extra=_refusals(ORDER_REFUSALS),
)
def purchase_create(request: HttpRequest, order: OrderIn, idempotency_key: IdempotencyKey):
    """201: a new purchase; 200: the purchase this reference made before."""
    answer = api_services.purchase_request_receive(
        channel=request.auth, key=idempotency_key, body=request.body, order=order
    )
    return Status(answer.http_status, answer.body)


@api.post(
    "/purchases",
    response={(200, 201): OrderAnswer, tuple(ORDER_REFUSALS): Refusal},
    url_name="purchase-create-without-slash",
    include_in_schema=False,
)
def purchase_create_without_slash(
    request: HttpRequest, order: OrderIn, idempotency_key: IdempotencyKey
):
    """The same door for clients that leave the slash out (Django cannot redirect a POST)."""
    return purchase_create(request, order, idempotency_key)


@api.post(
    "/purchases/{path:reference}/payments/",
    response={(200, 202): PaymentAnswer, tuple(PAYMENT_REFUSALS): Refusal},
    url_name="purchase-payment",
    summary="Send a payment event",
    exclude_unset=True,
    openapi_extra=_refusals(PAYMENT_REFUSALS),
)
def purchase_payment(
    request: HttpRequest,
    reference: Reference,
    event: PaymentEventIn,
    idempotency_key: IdempotencyKey,
):
    """200: applied, or a duplicate of an event applied before; 202: kept until the order comes."""
    answer = api_services.payment_request_receive(
        channel=request.auth,
        key=idempotency_key,
        body=request.body,
        reference=reference,
        event=event,
    )
    return Status(answer.http_status, answer.body)


@api.get(
    "/purchases/{path:reference}",
    response={200: PurchaseOut, tuple(LOOK_UP_REFUSALS): Refusal},
    url_name="purchase-detail",
    summary="Where is my order",
    openapi_extra=_refusals(LOOK_UP_REFUSALS),
)
def purchase_detail(request: HttpRequest, reference: str):
    """The purchase's state, its shipments, their AWBs and tracking links."""
    answer = api_services.purchase_look_up(channel=request.auth, reference=reference)
    return Status(answer.http_status, answer.body)


@api.exception_handler(OrderRefused)
def refused(request: HttpRequest, refusal: OrderRefused) -> HttpResponse:
    """A refusal already recorded (the signature's) is only said."""
    return api.create_response(request, refusal.answer().body, status=refusal.http_status)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return _recorded(request, api_services.refusal_of_invalid(error.errors))


@api.exception_handler(HttpError)
def unreadable(request: HttpRequest, error: HttpError) -> HttpResponse:
    """ninja answers a body its parser could not read with a bare 400; JsonBody said why."""
    refusal = error.__cause__
    if not isinstance(refusal, OrderRefused):
        refusal = OrderRefused("invalid_order", str(error), http_status=error.status_code)
    return _recorded(request, refusal)


def _recorded(request: HttpRequest, refusal: OrderRefused) -> HttpResponse:
    """Record a refusal of a signed request (ninja checks the signature before anything else)."""
    answer = api_services.request_refuse(
        channel=request.auth,
        refusal=refusal,
        body=request.body,
        reference=request.resolver_match.kwargs.get("reference", ""),
    )
    return api.create_response(request, answer.body, status=answer.http_status)


def urls():
    """The API's URL patterns, open without a login (LoginRequiredMiddleware): the signature
    authenticates its calls, and its document holds no secret. `/api/v1/` itself, which ninja
    keeps only to know where the API starts (a 404), shows the docs page too."""
    patterns, app_name, namespace = api.urls
    docs_page = next(pattern.callback for pattern in patterns if pattern.name == "openapi-view")
    patterns = [
        path("", docs_page, name="api-root") if pattern.name == "api-root" else pattern
        for pattern in patterns
    ]
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
