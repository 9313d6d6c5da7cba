"""Address slips (4×6 inch labels, or four to an A4 sheet) and handover manifests as PDF.

Slips are drawn for the renderer: block layout, one font family, one line of text per block, and
the Code 128 barcode as a tiny image (one pixel a bar module) stretched without smoothing, so a
page costs little more than its text.
"""

import base64
import io
import math
from decimal import Decimal
from functools import cache

import barcode
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.template.loader import get_template, render_to_string
from PIL import Image

from configuration.models import StoreProfile
from core.india import format_inr
from core.pdf import write_pdf
from core.templatetags.money import weight

from .models import HandoverBatch, Shipment

LABEL, A4 = "label", "a4"
LAYOUTS = (LABEL, A4)
LABELS_PER_SHEET = 4

# Bars as wide as a 203 dpi label printer can draw them exactly: 4, 3 or 2 dots a module.
MODULE_WIDTHS_MM = (0.5, 0.375, 0.25)
BARCODE_MAX_WIDTH_MM = 86
QUIET_ZONE_MODULES = 10


def code128_modules(value: str) -> str:
    """The Code 128 symbol of `value` as '1' (bar) and '0' (space) modules, stop included."""
    return barcode.get("code128", value).build()[0]


def barcode_image(value: str) -> dict:
    """The Code 128 barcode of `value` as a one-pixel-high PNG, one pixel a module, quiet zones
    included, and the width to print it at (the slip stretches it without smoothing)."""
    modules = "0" * QUIET_ZONE_MODULES + code128_modules(value) + "0" * QUIET_ZONE_MODULES
    total = len(modules)
    module_mm = next(
        (w for w in MODULE_WIDTHS_MM if total * w <= BARCODE_MAX_WIDTH_MM),
        BARCODE_MAX_WIDTH_MM / total,
    )
    image = Image.new("1", (total, 1), 1)
    image.putdata([0 if module == "1" else 1 for module in modules])
    png = io.BytesIO()
    image.save(png, "PNG")
    return {
        "src": "data:image/png;base64," + base64.b64encode(png.getvalue()).decode(),
        "width_mm": f"{total * module_mm:.3f}",
        "modules": total,
    }


def slip_queryset() -> QuerySet:
    """Shipments with everything a slip prints, in one query."""
    return Shipment.objects.select_related("agent", "purchase__shipping_address").annotate(
        pieces=Coalesce(Sum("lines__quantity"), 0)
    )


def _mobile(number: str) -> str:
    return f"{number[:5]} {number[5:]}" if len(number) == 10 else number


def store_context(store: StoreProfile) -> dict:
    """The store's particulars a slip or manifest prints, as plain data."""
    return {
        "legal_name": store.legal_name,
        "display_name": store.display_name,
        "gstin": store.gstin,
        "address": ", ".join(store.address_lines),
        "phone": _mobile(store.phone),
    }


# About how many characters of the address fit on a line of the slip at its usual size, and how
# many lines it has room for: a longer address prints smaller (and, past that, is cut short, so
# the slip never runs onto a second label).
SLIP_ADDRESS_CHARACTERS_PER_LINE = 46
SLIP_ADDRESS_LINES = 5


def _needs_small_print(address: str) -> bool:
    lines = sum(
        max(1, math.ceil(len(line) / SLIP_ADDRESS_CHARACTERS_PER_LINE))
        for line in address.splitlines()
    )
    return lines > SLIP_ADDRESS_LINES


def slip_context(shipment: Shipment, store: dict) -> dict:
    """Everything one address slip prints, as plain data (from a slip_queryset() row)."""
    address = shipment.purchase.shipping_address
    cod = shipment.cod_amount or Decimal("0")
    lines = "\n".join(
        line
        for line in (
            address.line1,
            address.line2,
            f"Landmark: {address.landmark}" if address.landmark else "",
            f"{address.city}, {address.get_state_display()}",
        )
        if line
    )
    return {
        "courier": shipment.agent.name,
        "awb": shipment.awb or "",
        "barcode_value": shipment.barcode_value,
        "barcode": barcode_image(shipment.barcode_value),
        "facts": f"Purchase {shipment.purchase.number} · Shipment {shipment.reference}\n"
        f"Weight {weight(shipment.weight_grams)} · Pieces {shipment.pieces}"
        + (f"\nE-way bill {shipment.eway_bill_number}" if shipment.eway_bill_number else ""),
        "is_cod": cod > 0,
        "cod_amount": format_inr(cod),
        "name": address.name,
        # One text broken by newlines: the slip lays it out as one pre-line paragraph.
        "address": lines,
        "small_print": _needs_small_print(lines),
        "pin_code": address.pin_code,
        "mobile": _mobile(address.mobile),
        "store": store,
    }


@cache
def slip_stylesheet() -> str:
    return get_template("pdf/slips.css").template.source


def slips_html(slips: list[dict], *, layout: str = LABEL) -> str:
    """One HTML document of address slips: a 4×6 inch page each, or four to an A4 sheet."""
    if layout == A4:
        sheets = [slips[i : i + LABELS_PER_SHEET] for i in range(0, len(slips), LABELS_PER_SHEET)]
    else:
        sheets = [[slip] for slip in slips]
    return render_to_string("pdf/slips.html", {"sheets": sheets, "layout": layout})


def slips_pdf(shipments: list[Shipment], *, layout: str = LABEL) -> bytes:
    """Address slips of the given shipments (from slip_queryset()) as one PDF."""
    store = store_context(StoreProfile.objects.current())
    slips = [slip_context(shipment, store) for shipment in shipments]
    return write_pdf(slips_html(slips, layout=layout), css=slip_stylesheet())


def manifest_queryset() -> QuerySet:
    return HandoverBatch.objects.select_related("agent", "opened_by").annotate(
        shipment_count=Count("shipments")
    )


def manifest_context(batch: HandoverBatch, store: dict) -> dict:
    """Everything a handover manifest prints, as plain data."""
    shipments = list(
        batch.shipments.select_related("purchase__shipping_address")
        .annotate(pieces=Sum("lines__quantity"))
        .order_by("handed_over_at", "id")
    )
    rows = [
        {
            "awb": s.awb or "",
            "reference": s.reference,
            "eway_bill": s.eway_bill_number or "",
            "purchase_number": s.purchase.number,
            "pin_code": s.purchase.shipping_address.pin_code,
            "city": s.purchase.shipping_address.city,
            "pieces": s.pieces or 0,
            "weight": f"{s.weight_grams / 1000:.2f}",
            "cod": format_inr(s.cod_amount) if s.cod_amount else "Prepaid",
        }
        for s in shipments
    ]
    cod_total = sum((s.cod_amount for s in shipments), Decimal("0"))
    return {
        "store": store,
        "batch_id": batch.pk,
        "courier": batch.agent.name,
        "courier_code": batch.agent.code,
        "opened_at": batch.opened_at,
        "closed_at": batch.closed_at,
        "opened_by": batch.opened_by.get_full_name() or batch.opened_by.get_username(),
        "pickup_person": batch.pickup_person,
        "pickup_mobile": _mobile(batch.pickup_mobile) if batch.pickup_mobile else "",
        "rows": rows,
        "count": len(rows),
        "cod_count": sum(1 for s in shipments if s.cod_amount),
        "prepaid_count": sum(1 for s in shipments if not s.cod_amount),
        "pieces_total": sum(row["pieces"] for row in rows),
        "weight_total": f"{sum(s.weight_grams for s in shipments) / 1000:.2f}",
        "cod_total": format_inr(cod_total),
    }


@cache
def manifest_stylesheet() -> str:
    return get_template("pdf/manifest.css").template.source


def manifests_html(manifests: list[dict]) -> list[str]:
    """One HTML document per manifest (each keeps its own page numbers)."""
    return [render_to_string("pdf/manifest.html", {"m": m}) for m in manifests]


def manifest_pdf(batch: HandoverBatch) -> bytes:
    """The handover manifest of one batch as A4 PDF bytes."""
    store = store_context(StoreProfile.objects.current())
    html = manifests_html([manifest_context(batch, store)])[0]
    return write_pdf(html, css=manifest_stylesheet())
