"""Setting stock from a CSV file: `sku,on_hand[,reason]` per row, each row a count of the shelf.

The file is checked as every upload is (core/tables.py), read with tablib, and each row counted
through `stock_count` in its own transaction (core/bulk.py), so a refused row changes nothing and
the rows beside it still count. Every row is reported: SKU, on hand before → after, or why not.
"""

import csv
import re
from collections import defaultdict
from dataclasses import dataclass

import tablib
from django.contrib.auth.models import AbstractBaseUser
from tablib import InvalidDimensions

from core.bulk import BulkReport, run_bulk
from core.exceptions import InvalidInput, NotFound
from core.panel import detail_url_prefix
from core.tables import (
    MAX_ROWS,
    MB,
    FileUnreadable,
    check_size,
    csv_text,
    delimiter_of,
    looks_like_formula,
)

from .models import Product
from .services import stock_count

COLUMNS = ("sku", "on_hand", "reason")
# tablib pads a row shorter than the header and refuses a longer one as a whole file. The file is
# read under a header of this many columns, so that a spreadsheet's empty trailing columns and a
# row with one cell too many are told row by row instead.
READ_WIDTH = 20
WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")
NEGATIVE_NUMBER = re.compile(r"-[0-9]+")
SHOWN_CELL = 40  # a cell quoted in a message is cut to this many characters
SKUS_PER_QUERY = 500


@dataclass(frozen=True)
class StockLine:
    row: int
    sku: str
    on_hand: int | None
    reason: str
    problem: str = ""


def read_stock_csv(raw: bytes) -> list[StockLine]:
    """The file's rows, each usable or with its problem; FileUnreadable if the file is unusable."""
    check_size(raw, MB)
    text = csv_text(raw)
    delimiter = delimiter_of(text)
    header = delimiter.join(f"column{n}" for n in range(READ_WIDTH))
    try:
        rows = tablib.Dataset().load(
            f"{header}\n{text}", format="csv", headers=True, delimiter=delimiter
        )
    except InvalidDimensions:
        raise FileUnreadable(
            f"A row has more than {READ_WIDTH} columns; each row is sku, on hand, reason."
        ) from None
    except csv.Error as error:
        raise FileUnreadable(f"The file is not a readable CSV file ({error}).") from None
    lines = []
    for number, cells in enumerate(rows, start=1):
        cells = [(cell or "").strip() for cell in cells]
        if not any(cells) or (number == 1 and _is_header(cells)):
            continue
        lines.append(_line(number, cells))
        if len(lines) > MAX_ROWS:
            raise FileUnreadable(f"The file has more than {MAX_ROWS:,} rows; split it.")
    if not lines:
        raise FileUnreadable("The file has no rows to count (only a header or blank lines).")
    return _refuse_repeated_skus(lines)


def _is_header(cells: list[str]) -> bool:
    return "sku" in cells[0].lower() and not WHOLE_NUMBER.fullmatch(cells[1])


def _line(number: int, cells: list[str]) -> StockLine:
    while cells and not cells[-1]:
        cells = cells[:-1]  # spreadsheets add empty trailing columns
    sku, count, reason = (cells + ["", "", ""])[:3]
    problem = ""
    if len(cells) > len(COLUMNS):
        problem = (
            f"Expected sku, on hand and a reason, found {len(cells)} columns "
            "(a reason with the delimiter in it needs quotes)."
        )
    elif looks_like_formula(sku) or looks_like_formula(reason) or _formula_count(count):
        problem = "A cell looks like a spreadsheet formula; nothing was read from this row."
    elif not sku:
        problem = "The SKU is empty."
    elif not count:
        problem = "On hand is empty: give the number of units on the shelf."
    elif not WHOLE_NUMBER.fullmatch(count):
        problem = f"On hand must be a whole number of 0 or more, not “{_shown(count)}”."
    on_hand = int(count) if not problem else None
    return StockLine(number, sku, on_hand, reason, problem)


def _formula_count(count: str) -> bool:
    return looks_like_formula(count) and not NEGATIVE_NUMBER.fullmatch(count)


def _shown(cell: str) -> str:
    return cell if len(cell) <= SHOWN_CELL else cell[:SHOWN_CELL] + "…"


def _refuse_repeated_skus(lines: list[StockLine]) -> list[StockLine]:
    """Every row of a SKU that the file names twice is refused: which count is right is a guess."""
    rows_of = defaultdict(list)
    for line in lines:
        if line.sku:
            rows_of[line.sku.upper()].append(line.row)
    refused = []
    for line in lines:
        rows = rows_of.get(line.sku.upper(), [])
        if len(rows) > 1 and not line.problem:
            named = ", ".join(str(row) for row in rows[:-1]) + f" and {rows[-1]}"
            line = StockLine(
                line.row,
                line.sku,
                None,
                line.reason,
                f"{_shown(line.sku)} is on rows {named}: give each SKU once.",
            )
        refused.append(line)
    return refused


def count_stock_lines(
    lines: list[StockLine], *, user: AbstractBaseUser, reason: str = ""
) -> BulkReport:
    """Count each row's product in its own transaction; each row reports what happened.
    `reason` is for the rows that give none of their own."""
    product_ids = _product_ids({line.sku for line in lines if not line.problem})
    detail = detail_url_prefix("catalog:product-detail")

    def apply(line: StockLine):
        def action() -> str:
            if line.problem:
                raise InvalidInput(line.problem)
            if _product_id(line.sku, product_ids) is None:
                raise NotFound(f"Unknown SKU {_shown(line.sku)}.")
            if not (line.reason or reason.strip()):
                raise InvalidInput("No reason: give one in the file's third column or in the form.")
            movement = stock_count(
                product_id=_product_id(line.sku, product_ids),
                user=user,
                on_hand=line.on_hand,
                reason=line.reason or reason,
            )
            after, before = movement.on_hand_after, movement.on_hand_after - movement.quantity
            if before == after:
                return f"{after} on hand, as the panel had it."
            return f"{before} → {after} on hand."

        return action

    def url(line: StockLine) -> str:
        product_id = _product_id(line.sku, product_ids)
        return f"{detail}{product_id}/" if product_id else ""

    return run_bulk(
        "Set stock from file",
        ((f"Row {line.row}: {_shown(line.sku) or '—'}", apply(line), url(line)) for line in lines),
    )


def _product_ids(skus: set[str]) -> dict[str, int]:
    """Product ids by SKU, for the SKUs as typed and in capitals (SKUs are kept in capitals)."""
    wanted = sorted(skus | {sku.upper() for sku in skus})
    found = {}
    for start in range(0, len(wanted), SKUS_PER_QUERY):
        chunk = wanted[start : start + SKUS_PER_QUERY]
        found.update(Product.objects.filter(sku__in=chunk).values_list("sku", "pk"))
    return found


def _product_id(sku: str, product_ids: dict[str, int]) -> int | None:
    return product_ids.get(sku) or product_ids.get(sku.upper())
