"""Calls to the orders API through Django's test client, signed as a channel signs them."""

import json
import time

from django.test import Client

from core.signing import signature_of

ORDERS = "/api/v1/purchases/"


def payments_url(reference: str) -> str:
    return f"{ORDERS}{reference}/payments/"


def body_of(data) -> bytes:
    return data if isinstance(data, bytes) else json.dumps(data).encode()


class ChannelClient:
    """A channel's developer's client: every request signed with `secret` under `code`, unless
    a test takes a header away or changes it."""

    def __init__(self, code: str, secret: str, *, raise_request_exception: bool = False):
        self.code, self.secret = code, secret
        self.client = Client(raise_request_exception=raise_request_exception)

    def headers(self, body: bytes, timestamp: int | None = None, **extra) -> dict:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "X-Webstore-Channel": self.code,
            "X-Webstore-Timestamp": stamp,
            "X-Webstore-Signature": signature_of(secret=self.secret, timestamp=stamp, body=body),
        }
        headers.update(extra)
        return {name: value for name, value in headers.items() if value is not None}

    def post(self, path: str, data, *, key: str | None = "key-1", timestamp=None, **headers):
        body = body_of(data)
        sent = self.headers(body, timestamp, **{"Idempotency-Key": key, **headers})
        return self.send(path, body, sent)

    def send(self, path: str, body: bytes, headers: dict):
        """POST exactly these bytes with exactly these headers."""
        return self.client.generic(
            "POST", path, body, content_type="application/json", headers=headers
        )

    def get(self, path: str, *, timestamp=None, **headers):
        return self.client.get(path, headers=self.headers(b"", timestamp, **headers))
