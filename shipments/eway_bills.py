"""E-way bills: which shipments need one before they move, and the e-way bill portal's bulk JSON
for a selection of them (docs/eway-bills.md says which version and how each field is filled).

A consignment of goods worth the store's limit or more, tax included (₹50,000 by default; a state
may set another limit for moves within it), needs an e-way bill before the courier takes it. The
store generates them on the portal from the downloaded JSON, and records each number here; the
parcel is handed over only then (`rules.refuse_unless_ready`), and the number prints on the slip
and the manifest.
"""

import re
from decimal import Decimal

from django.utils import timezone

from configuration.models import StoreProfile
from core.india import PAISE, to_paise
from purchases.models import Item

from .models import Shipment, ShipmentItem

# The portal's bulk generation format (EWB bulk JSON, "version" as its offline tool writes it).
BULK_VERSION = "1.0.0621"
EWAY_BILL_NUMBER = re.compile(r"^[0-9]{12}$")
UNREGISTERED = "URP"  # the portal's word for a recipient without a GSTIN
# Text fields the portal takes: letters, digits, spaces and a few marks.
PORTAL_TEXT = re.compile(r"[^\w@#/,&. -]")


def goods_value_of(chosen: dict[Item, int]) -> Decimal:
    """What the units of a shipment are worth, tax included, to the paisa."""
    return to_paise(sum((item.value_of(units) for item, units in chosen.items()), Decimal("0")))


def eway_bill_required(*, goods_value: Decimal, within_state: bool, store: StoreProfile) -> bool:
    limit = store.eway_bill_intra_state_threshold if within_state else store.eway_bill_threshold
    return goods_value >= limit


def normalise_eway_bill_number(raw: str) -> str:
    """As typed or pasted: '1812 3456 7890' → '181234567890'."""
    return "".join((raw or "").split())


def bulk_json(shipments: list[Shipment], *, store: StoreProfile) -> dict:
    """The portal's bulk JSON for `shipments`, each read with its purchase, addresses, customer,
    courier, lines with their items, and its purchase's invoice (`invoice` attribute)."""
    return {"version": BULK_VERSION, "billLists": [_bill(each, store) for each in shipments]}


def _bill(shipment: Shipment, store: StoreProfile) -> dict:
    invoice = shipment.invoice.content
    purchase = shipment.purchase
    billing, shipping = purchase.billing_address, purchase.shipping_address
    gstin = invoice["recipient"].get("gstin", "")
    items, values = _items(shipment, invoice)
    taxable = sum((Decimal(str(item["taxableAmount"])) for item in items), Decimal("0"))
    other = _shipping_value(shipment, invoice)
    issued = timezone.localtime(shipment.invoice.issued_at)
    return {
        "userGstin": store.gstin,
        "supplyType": "O",  # outward
        "subSupplyType": 1,  # supply
        "subSupplyDesc": "",
        "docType": "INV",
        "docNo": invoice["number"],
        "docDate": issued.strftime("%d/%m/%Y"),
        # 1: regular; 2: billed to one address, shipped to another.
        "transType": 2 if invoice.get("delivery_differs") else 1,
        "fromGstin": store.gstin,
        "fromTrdName": _text(store.legal_name, 100),
        "fromAddr1": _text(store.address_line1, 120),
        "fromAddr2": _text(store.address_line2, 120),
        "fromPlace": _text(store.city, 50),
        "fromPincode": int(store.pin_code),
        "fromStateCode": int(store.state),
        "actualFromStateCode": int(store.state),
        "toGstin": gstin or UNREGISTERED,
        "toTrdName": _text(billing.name, 100),
        "toAddr1": _text(shipping.line1, 120),
        "toAddr2": _text(shipping.line2, 120),
        "toPlace": _text(shipping.city, 50),
        "toPincode": int(shipping.pin_code),
        "toStateCode": int(invoice["place_of_supply"]["state_code"]),
        "actualToStateCode": int(shipping.state),
        "totalValue": _number(taxable),
        "cgstValue": _number(values["cgst"]),
        "sgstValue": _number(values["sgst"]),
        "igstValue": _number(values["igst"]),
        "cessValue": 0,
        "cessNonAdvolValue": 0,
        "OthValue": _number(other),
        "totInvValue": _number(taxable + sum(values.values()) + other),
        "transMode": "1",  # road: couriers carry parcels by road to their hub
        "transDistance": "0",  # 0: the portal works it out from the two PIN codes
        "transporterId": shipment.agent.transporter_id,
        "transporterName": _text(shipment.agent.name, 100),
        "transDocNo": shipment.awb or "",
        "transDocDate": issued.strftime("%d/%m/%Y") if shipment.awb else "",
        "vehicleNo": "",
        "vehicleType": "R",
        "mainHsnCode": int(items[0]["hsnCode"]) if items else 0,
        "itemList": items,
    }


TAX_HEADS = ("cgst", "sgst", "igst")


def _items(shipment: Shipment, invoice: dict) -> tuple[list[dict], dict[str, Decimal]]:
    """The shipment's goods as the invoice charged them: each line's share for the units this
    parcel carries (the whole line when it carries all of them); and their tax by head."""
    invoiced = {line["line"]: line for line in invoice["lines"] if line["sku"]}
    items, totals = [], dict.fromkeys(TAX_HEADS, Decimal("0"))
    lines: list[ShipmentItem] = sorted(shipment.lines.all(), key=lambda x: x.item.line_number)
    for number, line in enumerate(lines, 1):
        source = invoiced[line.item.line_number]
        share = Decimal(line.quantity) / Decimal(source["quantity"])
        for head in TAX_HEADS:
            totals[head] += to_paise(Decimal(source[head]) * share)
        items.append(
            {
                "itemNo": number,
                "productName": _text(source["description"], 100),
                "productDesc": _text(source["description"], 100),
                "hsnCode": int(source["hsn"]),
                "quantity": line.quantity,
                "qtyUnit": "NOS",
                "taxableAmount": _number(to_paise(Decimal(source["taxable_value"]) * share)),
                "cgstRate": _number(Decimal(source["cgst_rate"])),
                "sgstRate": _number(Decimal(source["sgst_rate"])),
                "igstRate": _number(Decimal(source["igst_rate"])),
                "cessRate": 0,
                "cessNonAdvol": 0,
            }
        )
    return items, totals


def _shipping_value(shipment: Shipment, invoice: dict) -> Decimal:
    """The invoice's shipping line goes with the parcel that carries all its goods; a split
    consignment's parcels carry only their goods' value."""
    shipping = next(
        (line for line in invoice["lines"] if not line["sku"] and line["hsn"] == "9965"), None
    )
    invoiced_units = sum(line["quantity"] for line in invoice["lines"] if line["sku"])
    carried = sum(line.quantity for line in shipment.lines.all())
    if shipping is None or carried != invoiced_units:
        return Decimal("0")
    return Decimal(shipping["total"])


def _number(amount: Decimal) -> float | int:
    """An amount as the portal's JSON numbers are written: 2 decimals, no trailing zeros."""
    value = amount.quantize(PAISE)
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: str, limit: int) -> str:
    return PORTAL_TEXT.sub("", value or "")[:limit]
