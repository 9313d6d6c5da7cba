"""What a channel sends and is answered, as pydantic schemas: the validation and the OpenAPI
document (`/api/v1/openapi.json`) are the same code. A CSV import's rows go through the same
schemas (`imports.py`). docs/orders-api.md explains each field to a channel's developer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from core.api_fields import Instant, text_of
from core.india import (
    GstState,
    is_valid_gstin,
    normalise_gstin,
    normalise_mobile,
    validate_mobile,
    validate_pin_code,
)

MAX_LINES = 100
REFERENCE = r"^[A-Za-z0-9._:/-]{1,100}$"

Text = text_of(200)
OptionalText = text_of(200, min_length=0)
City = text_of(100)
Sku = text_of(40)
Reference = Annotated[str, StringConstraints(strip_whitespace=True, pattern=REFERENCE)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


def _django_check(validator, code: str, message: str):
    """A pydantic validator from a Django one, refusing with our code and message."""

    def check(value: str) -> str:
        try:
            validator(value)
        except ValidationError:
            raise PydanticCustomError(code, message) from None
        return value

    return check


def _mobile(value: str) -> str:
    return _django_check(
        validate_mobile, "invalid_mobile", "An Indian mobile number: 10 digits from 6 to 9."
    )(normalise_mobile(value))


def _gstin(value: str) -> str:
    value = normalise_gstin(value)
    if value and not is_valid_gstin(value):
        raise PydanticCustomError(
            "invalid_gstin", "Not a valid GSTIN (15 characters with its check character)."
        )
    return value


def _state(value: str) -> str:
    value = value.strip()
    if value not in GstState.values:
        raise PydanticCustomError(
            "invalid_state", "A GST state code of two digits, e.g. 29 for Karnataka."
        )
    return value


Mobile = Annotated[str, StringConstraints(max_length=20), AfterValidator(_mobile)]
PinCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_django_check(validate_pin_code, "invalid_pin_code", "A PIN code of 6 digits.")),
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254),
    AfterValidator(_django_check(validate_email, "invalid_email", "Not an email address.")),
]
Gstin = Annotated[str, StringConstraints(max_length=20), AfterValidator(_gstin)]
StateCode = Annotated[str, StringConstraints(max_length=2), AfterValidator(_state)]


class CustomerIn(Schema):
    name: Text
    email: Email
    mobile: Mobile
    gstin: Gstin = Field("", description="For a customer registered for GST; empty otherwise.")


class AddressIn(Schema):
    name: Text
    line1: Text
    line2: OptionalText = ""
    landmark: OptionalText = ""
    city: City
    state: StateCode = Field(description="GST state code, e.g. 29 (Karnataka), 27 (Maharashtra).")
    pin_code: PinCode
    mobile: Mobile


class LineIn(Schema):
    sku: Sku
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Money = Field(description="Before GST, in rupees.")
    discount: Money = Field(Decimal("0"), description="On the whole line, before GST.")
    total: Money = Field(description="What the customer pays for the line: less discount, GST in.")


class OrderIn(Schema):
    """One order, as a channel sends it to `POST /api/v1/purchases/`."""

    reference: Reference = Field(description="The channel's own order number; unique per channel.")
    placed_at: Instant | None = Field(None, description="When it was placed (now if absent).")
    customer: CustomerIn
    billing_address: AddressIn
    shipping_address: AddressIn | None = Field(None, description="When it differs from billing.")
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    shipping_charge: Money = Field(Decimal("0"), description="Shipping paid, GST included.")
    payment_method: Literal["prepaid", "cod"]
    amount_charged: Money = Field(description="The order's total: the lines and shipping.")


class PaymentEventIn(Schema):
    """One payment gateway event about an order, `POST /api/v1/purchases/<reference>/payments/`."""

    event_id: Reference = Field(description="Unique for ever per channel: the event's identity.")
    kind: Literal["started", "captured", "failed", "expired"]
    amount: Money = Field(description="The order's amount the event is about.")
    occurred_at: Instant = Field(description="When the gateway saw it, with its UTC offset.")


class Problem(Schema):
    field: str = Field(description="Where in the body, e.g. lines.0.sku; empty for the whole.")
    code: str
    message: str


class Refusal(Schema):
    """Every refused request is answered with this, and nothing of it is stored but the refusal."""

    code: str
    detail: str
    problems: list[Problem] = []


class ShipmentOut(Schema):
    reference: str
    courier: str
    awb: str | None
    tracking_url: str
    status: str
    handed_over_at: dt.datetime | None


class PurchaseOut(Schema):
    """A purchase as its channel sees it: where it is, and where its parcels are."""

    number: str
    reference: str
    status: str
    status_label: str
    partner_status: str
    payment_method: str
    paid: bool
    amount: Decimal
    placed_at: dt.datetime
    shipments: list[ShipmentOut]


class OrderAnswer(Schema):
    """`POST /api/v1/purchases/`: 201 with the new purchase, 200 with the one its reference made."""

    created: bool = Field(description="false: this reference was placed before; nothing new.")
    purchase: PurchaseOut


class PaymentAnswer(Schema):
    """`POST /api/v1/purchases/<reference>/payments/`: what became of the event."""

    result: Literal["applied", "duplicate", "waiting"]
    outcome: str = Field(description="In words: what the event did (or why it changed nothing).")
    purchase: PurchaseOut | None = Field(None, description="Only when applied.")
