"""Files of orders as a channel exports them, for the import's tests (channels, pages, browser).

THREE_ORDERS: SF-2001 mixes an own bedsheet with Infibeam towels and pays shipping (rows 2–3),
SF-2002 is cash on delivery (row 4), SF-2003 has two own lines, one discounted, and ships
elsewhere (rows 5–6).
"""

import csv
import io
from decimal import Decimal

import openpyxl

from catalog.models import FulfilledBy
from channels.models import SalesChannel
from tests import factories

HEADER = [
    "reference",
    "placed_at",
    "customer_name",
    "customer_email",
    "customer_mobile",
    "customer_gstin",
    "billing_name",
    "billing_line1",
    "billing_line2",
    "billing_landmark",
    "billing_city",
    "billing_state",
    "billing_pin_code",
    "billing_mobile",
    "shipping_name",
    "shipping_line1",
    "shipping_city",
    "shipping_state",
    "shipping_pin_code",
    "shipping_mobile",
    "sku",
    "quantity",
    "unit_price",
    "discount",
    "line_total",
    "shipping_charge",
    "payment_method",
    "amount_charged",
]

ASHA = {
    "customer_name": "Asha Rao",
    "customer_email": "asha@example.in",
    "customer_mobile": "9845012345",
    "billing_name": "Asha Rao",
    "billing_line1": "Flat 4, Lakeview Apartments",
    "billing_landmark": "Near Ulsoor Lake",
    "billing_city": "Bengaluru",
    "billing_state": "29",
    "billing_pin_code": "560008",
    "billing_mobile": "9845012345",
}
VIKRAM = {
    "customer_name": "Vikram Shah",
    "customer_email": "vikram@example.in",
    "customer_mobile": "9820098200",
    "billing_name": "Vikram Shah",
    "billing_line1": "12 Marine Drive",
    "billing_city": "Mumbai",
    "billing_state": "27",
    "billing_pin_code": "400020",
    "billing_mobile": "9820098200",
}
TO_PUNE = {
    "shipping_name": "Meera Shah",
    "shipping_line1": "7 FC Road",
    "shipping_city": "Pune",
    "shipping_state": "27",
    "shipping_pin_code": "411004",
    "shipping_mobile": "9890098900",
}


def line(sku, quantity, unit_price, total, discount=""):
    return {
        "sku": sku,
        "quantity": str(quantity),
        "unit_price": unit_price,
        "discount": discount,
        "line_total": total,
    }


def three_orders() -> list[dict]:
    first = {"reference": "SF-2001", "placed_at": "2026-04-01 10:30", **ASHA}
    first |= {"shipping_charge": "49.00", "payment_method": "prepaid", "amount_charged": "1683.88"}
    second = {"reference": "SF-2002", **VIKRAM, "payment_method": "cod"}
    second["amount_charged"] = "2797.76"
    third = {"reference": "SF-2003", **VIKRAM, **TO_PUNE, "payment_method": "prepaid"}
    third["amount_charged"] = "2627.52"
    return [
        first | line("KH-BED-101", 1, "1249.00", "1398.88"),
        first | line("IB-TWL-901", 2, "100.00", "236.00"),
        second | line("KH-BED-101", 2, "1249.00", "2797.76"),
        third | line("KH-BED-101", 1, "1249.00", "1286.88", discount="100.00"),
        third | line("KH-KIT-301", 3, "399.00", "1340.64"),
    ]


def csv_file(rows: list[dict], header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(rows: list[dict], header=HEADER) -> bytes:
    """A workbook as a spreadsheet saves it: amounts and quantities as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([name.replace("_", " ").title() for name in header])
    for row in rows:
        sheet.append([_number_or_text(row.get(name, "")) for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(text: str):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text or None


def make_products():
    """The own bedsheet and bottle with stock, and the Infibeam towels."""
    return {
        "bedsheet": factories.ProductFactory(
            sku="KH-BED-101", price=Decimal("1249.00"), gst_rate=12, on_hand=10
        ),
        "bottle": factories.ProductFactory(
            sku="KH-KIT-301", price=Decimal("399.00"), gst_rate=12, on_hand=5
        ),
        "towels": factories.ProductFactory(
            sku="IB-TWL-901",
            price=Decimal("100.00"),
            gst_rate=18,
            fulfilled_by=FulfilledBy.INFIBEAM,
        ),
    }


def make_channel(**changes) -> SalesChannel:
    values = {"name": "Phone orders", "code": "phone", "kind": "phone"} | changes
    return SalesChannel.objects.create(**values)
