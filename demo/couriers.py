"""The couriers of the demo store: their public tracking pages, AWB formats and pickup times.

Each courier numbers its airway bills in its own format; `awb(serial)` turns a running serial
into one, so AWBs are unique per courier and grow with time as real ones do.
"""

from collections.abc import Callable
from dataclasses import dataclass

# UPU S10 (Speed Post, registered post): weights of the eight serial digits for the check digit.
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> str:
    """The check digit of an eight-digit S10 item number (UPU standard S10)."""
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True)) % 11
    )
    check = 11 - remainder
    return {10: "0", 11: "5"}.get(check, str(check))


def speed_post_awb(serial: int) -> str:
    """EK + eight digits + check digit + IN, as India Post prints on Speed Post articles."""
    digits = f"{serial % 10**8:08d}"
    return f"EK{digits}{s10_check_digit(digits)}IN"


@dataclass(frozen=True)
class Courier:
    name: str
    code: str
    tracking_url_template: str
    awb_pattern: str
    collects_cod: bool
    share: int  # how often the store picks this courier, relative to the others
    pickup_hour: float  # the courier's daily pickup at the store, hours past midnight IST
    first_serial: int
    awb: Callable[[int], str]


COURIERS = [
    Courier(
        name="Delhivery",
        code="DELHIVERY",
        tracking_url_template="https://www.delhivery.com/track/package/{awb}",
        awb_pattern=r"[0-9]{13,14}",
        collects_cod=True,
        share=30,
        pickup_hour=17.5,
        first_serial=4_620_000_000_000,
        awb=lambda serial: f"{serial:013d}",
    ),
    Courier(
        name="Blue Dart",
        code="BLUEDART",
        tracking_url_template=(
            "https://www.bluedart.com/web/guest/trackdartresultthirdparty?trackFor=0&trackNo={awb}"
        ),
        awb_pattern=r"[0-9]{11}",
        collects_cod=True,
        share=16,
        pickup_hour=16.0,
        first_serial=77_930_000_000,
        awb=lambda serial: f"{serial:011d}",
    ),
    Courier(
        name="DTDC",
        code="DTDC",
        tracking_url_template=(
            "https://www.dtdc.in/tracking/tracking_results.asp?Ttype=awb_no&strCnno={awb}&TrkType2=awb_no"
        ),
        awb_pattern=r"[A-Z][0-9]{8}",
        collects_cod=True,
        share=12,
        pickup_hour=18.0,
        first_serial=51_200_000,
        awb=lambda serial: f"D{serial % 10**8:08d}",
    ),
    Courier(
        name="Ecom Express",
        code="ECOM",
        tracking_url_template="https://ecomexpress.in/tracking/?awb_field={awb}",
        awb_pattern=r"[0-9]{9,10}",
        collects_cod=True,
        share=11,
        pickup_hour=15.5,
        first_serial=3_064_000_000,
        awb=lambda serial: f"{serial:010d}",
    ),
    Courier(
        name="Xpressbees",
        code="XPRESSBEES",
        tracking_url_template="https://www.xpressbees.com/shipment/tracking?awbNo={awb}",
        awb_pattern=r"[0-9]{12,15}",
        collects_cod=True,
        share=11,
        pickup_hour=17.0,
        first_serial=14_213_000_000_000,
        awb=lambda serial: f"{serial:014d}",
    ),
    Courier(
        name="Shadowfax",
        code="SHADOWFAX",
        tracking_url_template="https://tracker.shadowfax.in/#/track/{awb}",
        awb_pattern=r"SF[0-9]{10}",
        collects_cod=True,
        share=7,
        pickup_hour=14.0,
        first_serial=1_092_000_000,
        awb=lambda serial: f"SF{serial:010d}",
    ),
    Courier(
        # The store's Speed Post account is a prepaid (bulk customer) one: no cash on delivery.
        name="India Post (Speed Post)",
        code="SPEEDPOST",
        tracking_url_template=(
            "https://www.indiapost.gov.in/_layouts/15/dop.portal.tracking/trackconsignment.aspx"
            "?consignmentnumber={awb}"
        ),
        awb_pattern=r"E[A-Z][0-9]{9}IN",
        collects_cod=False,
        share=13,
        pickup_hour=13.0,
        first_serial=41_270_000,
        awb=speed_post_awb,
    ),
]
