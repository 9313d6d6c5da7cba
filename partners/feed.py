"""The partner feed's wire format: signature, batch and event parsing. Pure functions, no database.

docs/partner-feed.md is the same contract written for the partner; keep the two in step.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import signing

from .exceptions import FeedRefused
from .models import RejectionReason as R
from .models import ReportKind

MAX_BODY_BYTES = 1_048_576
MAX_EVENTS = 1000
TIMESTAMP_WINDOW_SECONDS = signing.TIMESTAMP_WINDOW_SECONDS
FUTURE_TOLERANCE = timedelta(minutes=5)
TIMESTAMP_HEADER = "X-Webstore-Timestamp"
SIGNATURE_HEADER = "X-Webstore-Signature"

EVENT_ID_RE = re.compile(r"[A-Za-z0-9._:/-]{1,100}")
MAX_QUANTITY = 1_000_000
MAX_REASON = 1000


def check_signature(
    *, secret: str, timestamp: str | None, signature: str | None, body: bytes, now: datetime
) -> None:
    """Refuse (401) a request without headers, out of the time window, or wrongly signed."""
    try:
        signing.check_signature(
            secrets=[secret],
            timestamp=timestamp,
            signature=signature,
            body=body,
            now=now,
            headers=(TIMESTAMP_HEADER, SIGNATURE_HEADER),
        )
    except signing.SignatureRefused as refusal:
        raise FeedRefused(refusal.code, refusal.message, http_status=401) from None


def parse_batch(body: bytes) -> list:
    """The events of a batch body `{"events": [...]}`, or a refusal (400)."""
    data = parse_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise FeedRefused(R.INVALID_BATCH, 'The body must be a JSON object {"events": [...]}.')
    events = data["events"]
    if not events:
        raise FeedRefused(R.INVALID_BATCH, "The batch holds no events.")
    if len(events) > MAX_EVENTS:
        raise FeedRefused(
            R.INVALID_BATCH,
            f"A batch holds at most {MAX_EVENTS} events; this one has {len(events)}.",
        )
    return events


def parse_json(raw: bytes) -> object:
    """JSON from UTF-8 bytes, or a malformed_json refusal (also for absurd nesting)."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FeedRefused(R.MALFORMED_JSON, f"Not valid UTF-8 JSON: {_short(error)}.") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _short(error: Exception) -> str:
    return str(error)[:200] if not isinstance(error, RecursionError) else "nested too deeply"


@dataclass(frozen=True)
class PartnerReport:
    """A valid event: `quantity` units of one item handed over or cancelled at `occurred_at`."""

    event_id: str
    purchase_number: str
    line: int | None
    sku: str | None
    kind: str
    quantity: int
    reason: str
    occurred_at: datetime
    fingerprint: str


def fingerprint_of(raw: object) -> str:
    """The same event always gives the same fingerprint, whatever its key order or spacing."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def parse_event(raw: object, *, now: datetime) -> PartnerReport:
    """A PartnerReport from one decoded event, or a refusal saying which field is wrong."""
    if not isinstance(raw, dict):
        raise FeedRefused(R.INVALID_EVENT, "Each event must be a JSON object.")
    event_id = _text(raw, "event_id", 100)
    if not EVENT_ID_RE.fullmatch(event_id):
        raise FeedRefused(
            R.INVALID_FIELD, "event_id: 1 to 100 of the characters A-Z a-z 0-9 . _ : / -."
        )
    purchase_number = _text(raw, "purchase", 100)
    line, sku = raw.get("line"), raw.get("sku")
    if line is None and sku is None:
        raise FeedRefused(R.MISSING_FIELD, "line or sku: name the item by its line number or SKU.")
    if line is not None and not _is_int(line, 1, 32767):
        raise FeedRefused(R.INVALID_FIELD, "line: a whole number from 1.")
    if sku is not None:
        sku = _text(raw, "sku", 40)
    kind = _text(raw, "kind", 20)
    if kind not in ReportKind.values:
        raise FeedRefused(R.INVALID_FIELD, f"kind: one of {', '.join(ReportKind.values)}.")
    if "quantity" not in raw:
        raise FeedRefused(R.MISSING_FIELD, "quantity is missing.")
    quantity = raw["quantity"]
    if not _is_int(quantity, 1, MAX_QUANTITY):
        raise FeedRefused(R.INVALID_FIELD, "quantity: a whole number from 1.")
    if kind == ReportKind.CANCELLED or raw.get("reason") is not None:
        reason = _text(raw, "reason", MAX_REASON, multiline=True)
    else:
        reason = ""
    occurred_at = _instant(raw, "occurred_at")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise FeedRefused(
            R.OCCURRED_IN_FUTURE, f"occurred_at {raw['occurred_at']} is in the future."
        )
    return PartnerReport(
        event_id=event_id,
        purchase_number=purchase_number,
        line=line,
        sku=sku,
        kind=kind,
        quantity=quantity,
        reason=reason,
        occurred_at=occurred_at,
        fingerprint=fingerprint_of(raw),
    )


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _text(raw: dict, name: str, max_length: int, *, multiline: bool = False) -> str:
    if raw.get(name) is None:
        raise FeedRefused(R.MISSING_FIELD, f"{name} is missing.")
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        raise FeedRefused(R.INVALID_FIELD, f"{name}: a non-empty string.")
    value = value.strip()
    allowed_controls = "\n\t" if multiline else ""
    printable = all(ch.isprintable() or ch in allowed_controls for ch in value)
    if len(value) > max_length or not printable or not _encodable(value):
        raise FeedRefused(R.INVALID_FIELD, f"{name}: at most {max_length} printable characters.")
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
        return False
    return True


def _instant(raw: dict, name: str) -> datetime:
    text = _text(raw, name, 40)
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("no offset")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise FeedRefused(
            R.INVALID_FIELD,
            f"{name}: an ISO 8601 time with its UTC offset, e.g. 2026-05-04T14:30:00+05:30.",
        ) from None
