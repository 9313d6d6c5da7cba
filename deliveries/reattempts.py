"""The reattempts file: the failed deliveries the store asked a courier to try again, with what
changed (a new mobile, an address line, a day), as a CSV the courier's NDR desk reads.

Text a spreadsheet would read as a formula (an address line typed as "=1+1") gets a leading
apostrophe, as in every file the panel writes (purchases/exports.py).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils import timezone

from purchases.exports import neutralised
from shipments.models import ShippingAgent

from .models import DeliveryInstruction

COLUMNS = [
    "AWB",
    "Shipment",
    "Customer",
    "Old mobile",
    "New mobile",
    "Address line",
    "Deliver on",
    "Note",
    "Attempts",
    "NDR reason",
    "Sent (IST)",
]
RESENT_DAYS = 7  # how far back a file can be downloaded again


def instruction_row(instruction: DeliveryInstruction) -> list:
    shipment = instruction.shipment
    address = shipment.purchase.shipping_address
    sent = instruction.sent_to_courier_at
    return [
        shipment.awb or "",
        shipment.reference,
        address.name,
        address.mobile,
        instruction.new_mobile,
        instruction.new_address_line,
        instruction.deliver_on.isoformat() if instruction.deliver_on else "",
        instruction.note,
        instruction.failed_attempts,
        instruction.ndr_reason,
        timezone.localtime(sent).strftime("%Y-%m-%d %H:%M") if sent else "",
    ]


def reattempts_csv(instructions: Iterable[DeliveryInstruction]) -> bytes:
    """The file: a header, then a line a reattempt; UTF-8 with the mark Excel needs to read it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for instruction in instructions:
        writer.writerow([neutralised(cell) for cell in instruction_row(instruction)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_name(agent: ShippingAgent, *, again: bool = False) -> str:
    """'reattempts-BLUEDART-20261202-1405.csv' (…-resent-… for a file downloaded again)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    code = "".join(ch for ch in agent.code if ch.isalnum() or ch in "-_") or str(agent.pk)
    return f"reattempts-{code}-{'resent-' if again else ''}{stamp}.csv"


def sent_recently(agent: ShippingAgent) -> list[DeliveryInstruction]:
    """The reattempts sent to `agent` in the last RESENT_DAYS days, to download again."""
    since = timezone.now() - dt.timedelta(days=RESENT_DAYS)
    return list(
        DeliveryInstruction.objects.reattempts_sent_since(since)
        .filter(shipment__agent=agent)
        .for_file()
    )
