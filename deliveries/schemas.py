"""A courier's scans as its webhook sends them (docs/tracking-webhook.md), as pydantic schemas:
the validation and the OpenAPI document are the same code. A status file's rows become the same
ScanIn (files.py)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from core.api_fields import Instant, text_of

MAX_SCANS = 500

Awb = text_of(40)
Words = text_of(100)
OptionalLocation = text_of(100, min_length=0)
OptionalReason = text_of(200, min_length=0)


class ScanIn(Schema):
    awb: Awb = Field(description="The AWB number the courier gave the parcel.")
    status: Words = Field(
        description="A delivery status code (`in_transit`, `out_for_delivery`, `delivered`, "
        "`undelivered`, `rto_in_transit`, `rto_delivered`, `lost`) or the courier's own words "
        "for it (`OFD`, `RTO Initiated`)."
    )
    at: Instant = Field(description="When the scan was made, with its UTC offset.")
    location: OptionalLocation = Field("", description="Where: the hub or the city.")
    reason: OptionalReason = Field(
        "", description="Why delivery failed (with `undelivered`): customer not available, …"
    )
    attempt: int | None = Field(
        None, ge=1, le=20, description="Which delivery attempt failed, when known."
    )


class ScansIn(Schema):
    scans: list[ScanIn] = Field(min_length=1, max_length=MAX_SCANS)


class ScanResultOut(Schema):
    awb: str
    result: Literal["moved", "recorded", "duplicate", "refused"]
    message: str


class ScansAnswer(Schema):
    moved: int = Field(description="Scans that changed a parcel's delivery status.")
    recorded: int = Field(description="Scans kept as history that changed nothing (late, same).")
    duplicates: int = Field(description="Scans received before: nothing done.")
    refused: int = Field(description="Scans refused; each result says why.")
    results: list[ScanResultOut]


class WebhookRefusal(Schema):
    code: str
    detail: str
