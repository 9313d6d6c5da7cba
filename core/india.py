"""Indian vocabularies and formats used across the panel: GST state codes, money, mobiles, PINs."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from stdnum import luhn
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan as stdnum_pan


class GstState(models.TextChoices):
    """States and union territories by their two-digit GST state code."""

    JAMMU_AND_KASHMIR = "01", "Jammu and Kashmir"
    HIMACHAL_PRADESH = "02", "Himachal Pradesh"
    PUNJAB = "03", "Punjab"
    CHANDIGARH = "04", "Chandigarh"
    UTTARAKHAND = "05", "Uttarakhand"
    HARYANA = "06", "Haryana"
    DELHI = "07", "Delhi"
    RAJASTHAN = "08", "Rajasthan"
    UTTAR_PRADESH = "09", "Uttar Pradesh"
    BIHAR = "10", "Bihar"
    SIKKIM = "11", "Sikkim"
    ARUNACHAL_PRADESH = "12", "Arunachal Pradesh"
    NAGALAND = "13", "Nagaland"
    MANIPUR = "14", "Manipur"
    MIZORAM = "15", "Mizoram"
    TRIPURA = "16", "Tripura"
    MEGHALAYA = "17", "Meghalaya"
    ASSAM = "18", "Assam"
    WEST_BENGAL = "19", "West Bengal"
    JHARKHAND = "20", "Jharkhand"
    ODISHA = "21", "Odisha"
    CHHATTISGARH = "22", "Chhattisgarh"
    MADHYA_PRADESH = "23", "Madhya Pradesh"
    GUJARAT = "24", "Gujarat"
    DADRA_NAGAR_HAVELI_DAMAN_DIU = "26", "Dadra and Nagar Haveli and Daman and Diu"
    MAHARASHTRA = "27", "Maharashtra"
    KARNATAKA = "29", "Karnataka"
    GOA = "30", "Goa"
    LAKSHADWEEP = "31", "Lakshadweep"
    KERALA = "32", "Kerala"
    TAMIL_NADU = "33", "Tamil Nadu"
    PUDUCHERRY = "34", "Puducherry"
    ANDAMAN_AND_NICOBAR = "35", "Andaman and Nicobar Islands"
    TELANGANA = "36", "Telangana"
    ANDHRA_PRADESH = "37", "Andhra Pradesh"
    LADAKH = "38", "Ladakh"


class GstRate(models.IntegerChoices):
    """GST slabs a product can carry, in percent."""

    EXEMPT = 0, "0 %"
    FIVE = 5, "5 %"
    TWELVE = 12, "12 %"
    EIGHTEEN = 18, "18 %"
    TWENTY_EIGHT = 28, "28 %"


PAISE = Decimal("0.01")
PIN_CODE_RE = re.compile(r"^[1-9][0-9]{5}$")
MOBILE_RE = re.compile(r"^[6-9][0-9]{9}$")
HSN_RE = re.compile(r"^[0-9]{4}([0-9]{2}){0,2}$")


def to_paise(amount: Decimal) -> Decimal:
    """Round an amount to whole paise, half up as GST returns do."""
    return Decimal(amount).quantize(PAISE, rounding=ROUND_HALF_UP)


def format_inr(amount: Decimal | int | float | str | None) -> str:
    """₹1,23,456.00: rupees with Indian digit grouping (lakh, crore), as Babel's en_IN does.

    Written out rather than calling Babel on every cell: list pages format hundreds of amounts and
    Babel builds its locale data on each call. A test compares the two.
    """
    if amount is None or amount == "":
        return ""
    value = to_paise(Decimal(amount))
    sign = "-" if value < 0 else ""
    rupees, paise = divmod(abs(value) * 100, 100)
    digits = str(int(rupees))
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return f"{sign}₹{','.join([*groups, tail])}.{int(paise):02d}"


GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def normalise_gstin(value: str) -> str:
    """A GSTIN as typed, without spaces or dashes and in capitals."""
    return stdnum_gstin.compact(value or "")


def gst_state_label(code: str) -> str:
    """'29 Karnataka' for a GST state code, or '' for a code we do not list."""
    return f"{code} {GstState(code).label}" if code in GstState.values else ""


def is_valid_gstin(value: str) -> bool:
    """A GSTIN of a state or union territory we list (GstState), with a valid PAN and check
    character. python-stdnum's own check knows the state codes only up to 37, so it refuses
    every GSTIN of Ladakh (38); its PAN and mod-36 check-character rules are used here."""
    number = normalise_gstin(value)
    return (
        GSTIN_RE.match(number) is not None
        and number[:2] in GstState.values
        and stdnum_pan.is_valid(number[2:12])
        and luhn.is_valid(number, GSTIN_ALPHABET)
    )


def validate_gstin(value: str) -> None:
    if not is_valid_gstin(value):
        raise ValidationError("%(value)s is not a valid GSTIN.", params={"value": value})


def validate_pin_code(value: str) -> None:
    if not PIN_CODE_RE.match(value or ""):
        raise ValidationError("A PIN code has six digits and does not start with 0.")


def normalise_mobile(value: str) -> str:
    """The ten digits of an Indian mobile number, without +91, 0, spaces or dashes."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError("An Indian mobile number has ten digits starting with 6, 7, 8 or 9.")


def validate_hsn_code(value: str) -> None:
    if not HSN_RE.match(value or ""):
        raise ValidationError("An HSN code has 4, 6 or 8 digits.")
