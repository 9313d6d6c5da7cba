"""Manage Purchases as a CSV file: the filtered list, streamed row by row.

Text a spreadsheet would read as a formula (a customer named "=HYPERLINK(...)") gets a leading
apostrophe; amounts stay plain numbers so that they add up.
"""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 1000

COLUMNS = [
    "Purchase",
    "Placed (IST)",
    "State",
    "Fulfilled by",
    "Partner state",
    "Payment",
    "Customer",
    "Email",
    "Mobile",
    "Ship to",
    "City",
    "PIN code",
    "GST state",
    "Taxable value",
    "Tax",
    "Shipping",
    "Total",
    "Agents",
    "AWBs",
]


def neutralised(value):
    """A cell as written: text that would start a formula becomes plain text; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def purchase_row(purchase) -> list:
    address = purchase.shipping_address
    shipments = list(purchase.shipments.all())
    return [
        purchase.number,
        timezone.localtime(purchase.placed_at).strftime("%Y-%m-%d %H:%M"),
        purchase.get_status_display(),
        purchase.get_kind_display(),
        purchase.get_partner_status_display() if purchase.partner_status else "",
        purchase.get_payment_method_display(),
        purchase.customer.name,
        purchase.customer.email,
        purchase.customer.mobile,
        address.name,
        address.city,
        address.pin_code,
        address.get_state_display(),
        purchase.subtotal,
        purchase.tax_total,
        purchase.shipping_charge,
        purchase.grand_total,
        " ".join(sorted({shipment.agent.code for shipment in shipments})),
        " ".join(shipment.awb for shipment in shipments if shipment.awb),
    ]


class _Line:
    """csv.writer writes into this and gets the line back, so nothing is buffered."""

    def write(self, text: str) -> str:
        return text


def csv_lines(purchases: Iterable) -> Iterator[str]:
    """The header and one line per purchase; `purchases` should be `.for_export()`ed."""
    writer = csv.writer(_Line())
    yield "\ufeff"  # the byte-order mark makes Excel read UTF-8 names and ₹ correctly
    yield writer.writerow(COLUMNS)
    for purchase in _in_chunks(purchases):
        yield writer.writerow([neutralised(cell) for cell in purchase_row(purchase)])


def _in_chunks(purchases) -> Iterator:
    if hasattr(purchases, "iterator"):
        return purchases.iterator(chunk_size=CHUNK_SIZE)
    return iter(purchases)
