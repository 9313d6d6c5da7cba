"""Recording AWBs from a CSV file: `purchase or shipment reference, agent code, AWB` per line.

Parsing never trusts the file: size, encoding and formula cells are checked as for every upload
(core/tables.py), then the columns, and every line gets a result of its own when the rows are
applied.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from core.bulk import BulkReport, run_bulk
from core.exceptions import InvalidInput, NotFound
from core.tables import (
    MAX_ROWS,
    MB,
    FileUnreadable,
    check_size,
    csv_dialect,
    csv_text,
    looks_like_formula,
)

from .models import Shipment, ShipmentStatus
from .services import normalise_awb, shipment_record_awb

MAX_BYTES = 1 * MB


@dataclass(frozen=True)
class AwbLine:
    line: int
    reference: str
    agent_code: str
    awb: str
    problem: str = ""


def read_awb_csv(raw: bytes) -> list[AwbLine]:
    """The file's lines, each usable or with its problem; FileUnreadable if the file is unusable."""
    check_size(raw, MAX_BYTES)
    text = csv_text(raw)
    dialect = csv_dialect(text)
    lines = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if not lines and _is_header(cells):
                continue
            lines.append(_line(number, cells))
            if len(lines) > MAX_ROWS:
                raise FileUnreadable(f"The file has more than {MAX_ROWS:,} lines; split it.")
    except csv.Error as error:
        raise FileUnreadable(f"The file is not a readable CSV file ({error}).") from None
    if not lines:
        raise FileUnreadable("The file has no lines to record (only a header or blank lines).")
    return lines


def _is_header(cells: list[str]) -> bool:
    return any("awb" in cell.lower() for cell in cells) and not any(
        cell[:1].isdigit() for cell in cells[2:3]
    )


def _line(number: int, cells: list[str]) -> AwbLine:
    while cells and not cells[-1]:
        cells = cells[:-1]  # spreadsheets add empty trailing columns
    if len(cells) != 3:
        return AwbLine(
            number,
            *(cells + ["", "", ""])[:3],
            problem=f"Expected 3 columns (reference, agent code, AWB), found {len(cells)}.",
        )
    reference, agent_code, awb = cells
    if any(looks_like_formula(cell) for cell in cells):
        return AwbLine(
            number,
            reference,
            agent_code,
            awb,
            problem="Not a valid AWB line: a cell looks like a spreadsheet formula.",
        )
    if not reference:
        return AwbLine(number, reference, agent_code, awb, problem="The reference is empty.")
    if not agent_code:
        return AwbLine(number, reference, agent_code, awb, problem="The agent code is empty.")
    return AwbLine(number, reference, agent_code, awb)


def shipment_for_reference(reference: str, agent_code: str) -> Shipment:
    """The shipment a line names: its reference, or a purchase with one shipment awaiting an AWB."""
    reference = reference.strip().upper()
    shipment = Shipment.objects.select_related("agent").filter(reference=reference).first()
    if shipment is not None:
        return shipment
    waiting = list(
        Shipment.objects.select_related("agent")
        .filter(purchase__number=reference, status=ShipmentStatus.AGENT_ASSIGNED)
        .order_by("reference")
    )
    if len(waiting) > 1:
        same_courier = [
            s for s in waiting if s.agent.code.upper() == agent_code.upper() and not s.awb
        ]
        if len(same_courier) == 1:
            return same_courier[0]
        references = ", ".join(s.reference for s in waiting)
        raise InvalidInput(
            f"Purchase {reference} has {len(waiting)} shipments waiting for an AWB ({references}); "
            "use the shipment reference."
        )
    if waiting:
        return waiting[0]
    raise NotFound(
        f"Unknown purchase or shipment reference {reference}, or nothing waits for an AWB there."
    )


def record_awb_lines(lines: list[AwbLine], *, user: AbstractBaseUser) -> BulkReport:
    """Record every line's AWB in its own transaction; each line reports what happened."""
    seen: dict[int, int] = {}

    def apply(line: AwbLine) -> Callable[[], str]:
        def action() -> str:
            if line.problem:
                raise InvalidInput(line.problem)
            shipment = shipment_for_reference(line.reference, line.agent_code)
            if shipment.agent.code.upper() != line.agent_code.upper():
                raise InvalidInput(
                    f"{shipment.reference} is with {shipment.agent.name} ({shipment.agent.code}), "
                    f"not {line.agent_code}."
                )
            if shipment.pk in seen:
                raise InvalidInput(f"Line {seen[shipment.pk]} already names {shipment.reference}.")
            before = shipment.awb
            saved = shipment_record_awb(shipment_id=shipment.pk, user=user, awb=line.awb)
            seen[shipment.pk] = line.line
            if before == saved.awb:
                return f"{saved.reference}: AWB {saved.awb} was already recorded."
            if shipment.has_slip_printed() and not saved.has_slip_printed():
                return f"{saved.reference}: AWB {saved.awb} recorded; print its slip again."
            return f"{saved.reference}: AWB {saved.awb} recorded" + (
                "; shipped." if saved.status == ShipmentStatus.SHIPPED else "."
            )

        return action

    return run_bulk(
        "Record AWBs from file",
        (
            (f"Line {line.line}: {line.reference or '—'}", apply(line), _reference_url(line))
            for line in lines
        ),
    )


def _reference_url(line: AwbLine) -> str:
    if not line.reference:
        return ""
    return (
        reverse("shipments:shipment-list") + "?" + urlencode({"q": normalise_awb(line.reference)})
    )
