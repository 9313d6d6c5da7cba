"""Requests signed with a shared secret, as the partner feed and the sales channels send them.

The sender puts the Unix time in one header and `sha256=` + the hex HMAC-SHA256 of
`<timestamp>.<exact body bytes>` under the shared secret in another. Signing the time with the body
means a captured request cannot be replayed later; within the window, the receivers' event ids
and idempotency keys make a replay harmless.
"""

import hashlib
import hmac
from datetime import datetime

from .exceptions import ActionRefused

TIMESTAMP_WINDOW_SECONDS = 300
SIGNATURE_PREFIX = "sha256="


class SignatureRefused(ActionRefused):
    """The request is not signed as agreed (HTTP 401); `code` says how."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def signature_of(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the shared secret."""
    message = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def check_signature(
    *,
    secrets: list[str],
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime,
    headers: tuple[str, str],
) -> None:
    """Refuse a request without its two headers (named in `headers`: timestamp, signature), out of
    the time window, or not signed with one of `secrets`."""
    timestamp_header, signature_header = headers
    if not timestamp or not signature:
        missing = [
            name
            for name, value in ((timestamp_header, timestamp), (signature_header, signature))
            if not value
        ]
        raise SignatureRefused("missing_headers", f"Missing header: {', '.join(missing)}.")
    timestamp = timestamp.strip()
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise SignatureRefused(
            "bad_timestamp",
            f"{timestamp_header} must be the Unix time in whole seconds, e.g. 1767225600.",
        )
    skew = int(timestamp) - int(now.timestamp())
    if abs(skew) > TIMESTAMP_WINDOW_SECONDS:
        raise SignatureRefused(
            "stale_timestamp",
            f"{timestamp_header} is {abs(skew)} s {'ahead of' if skew > 0 else 'behind'} "
            f"our clock; at most {TIMESTAMP_WINDOW_SECONDS} s either way is accepted.",
        )
    given = signature.strip().encode("utf-8", "replace")
    for secret in secrets:
        expected = signature_of(secret=secret, timestamp=timestamp, body=body)
        if hmac.compare_digest(expected.encode("ascii"), given):
            return
    raise SignatureRefused(
        "bad_signature",
        f"{signature_header} does not match: sign '<timestamp>.<body>' with HMAC-SHA256 "
        "under the shared secret and send 'sha256=<hex>'.",
    )
