"""Who sends a request to the orders API: the channel its header names, proven by its signature.

A request is checked in this order, and the first failure answers: the body's size (413, before
the body is read), the three headers (401), the channel (401 when no channel has that code), the
signature under one of the channel's secrets (401), and last whether the channel is active (403:
said only to someone who proved to hold its secret). docs/orders-api.md is the same contract
written for a channel's developer.
"""

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import NoReturn

from django.utils import timezone

from core import signing

from .models import ReceivedVia, RefusedOrder, SalesChannel
from .refusals import OrderRefused, refusal_record

CHANNEL_HEADER = "X-Webstore-Channel"
TIMESTAMP_HEADER = "X-Webstore-Timestamp"
SIGNATURE_HEADER = "X-Webstore-Signature"
MAX_BODY_BYTES = 256 * 1024
CHANNEL_CODE = re.compile(r"[-a-zA-Z0-9_]{1,30}")

# Anyone can send a request without a secret. Its refusal is kept for the Owner (a storefront with
# a wrong secret shows up there), but no more than this many of one code a minute for each channel
# (and for unknown channels together), so a flood of junk cannot fill the table; the sender is
# answered all the same. What it sent is kept shorter than a signed channel's refused orders.
RECORDED_PER_MINUTE = 30
UNSIGNED_PAYLOAD_LIMIT = 2_000


def channel_authenticate(
    *,
    headers: Mapping[str, str],
    content_length: int,
    read_body: Callable[[], bytes],
    now: datetime | None = None,
) -> SalesChannel:
    """The active channel that signed this request; otherwise OrderRefused (413, 401 or 403),
    recorded within the cap. `read_body` is called only once the declared size is known fine."""
    now = now or timezone.now()
    channel, body = None, b""
    try:
        if content_length > MAX_BODY_BYTES:
            raise _too_large()
        body = read_body()
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
        channel = _channel_named(headers)
        signing.check_signature(
            secrets=channel.secrets_accepted(now),
            timestamp=headers.get(TIMESTAMP_HEADER),
            signature=headers.get(SIGNATURE_HEADER),
            body=body,
            now=now,
            headers=(TIMESTAMP_HEADER, SIGNATURE_HEADER),
        )
    except signing.SignatureRefused as refused:
        _refuse(channel, OrderRefused(refused.code, refused.message, http_status=401), body, now)
    except OrderRefused as refusal:
        _refuse(channel, refusal, body, now)
    if not channel.active:
        disabled = OrderRefused(
            "channel_disabled",
            f"The channel {channel.code} is disabled: the store takes nothing from it.",
            http_status=403,
        )
        _refuse(channel, disabled, body, now)
    return channel


def _too_large() -> OrderRefused:
    return OrderRefused(
        "body_too_large",
        f"A request's body may hold at most {MAX_BODY_BYTES:,} bytes.",
        http_status=413,
    )


def _channel_named(headers: Mapping[str, str]) -> SalesChannel:
    missing = [
        name
        for name in (CHANNEL_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)
        if not (headers.get(name) or "").strip()
    ]
    if missing:
        raise OrderRefused(
            "missing_headers", f"Missing header: {', '.join(missing)}.", http_status=401
        )
    code = headers[CHANNEL_HEADER].strip()
    channel = None
    if CHANNEL_CODE.fullmatch(code):
        channel = SalesChannel.objects.filter(code=code).first()
    if channel is None:
        raise OrderRefused(
            "unknown_channel",
            f"No sales channel has the code sent in {CHANNEL_HEADER}; the Owner finds it under "
            "CONFIGURATION › Sales Channels.",
            http_status=401,
        )
    return channel


def _refuse(
    channel: SalesChannel | None, refusal: OrderRefused, body: bytes, now: datetime
) -> NoReturn:
    if _under_cap(channel, refusal.code, now):
        refusal_record(
            channel=channel,
            via=ReceivedVia.API,
            refusal=refusal,
            payload=body[:UNSIGNED_PAYLOAD_LIMIT].decode("utf-8", "replace"),
        )
    raise refusal


def _under_cap(channel: SalesChannel | None, code: str, now: datetime) -> bool:
    recent = RefusedOrder.objects.filter(
        channel=channel, code=code, received_at__gte=now - timedelta(minutes=1)
    )
    return recent.values("pk")[:RECORDED_PER_MINUTE].count() < RECORDED_PER_MINUTE
