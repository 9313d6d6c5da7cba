"""A file of orders (CSV or Excel .xlsx) as the orders it holds, each checked by the orders API's
own schema (schemas.OrderIn) with its problems said by row and column.

One row per order line; the order's columns are repeated on each of its lines, and the rows of
one `reference` are one order, wherever they stand. A header row names the columns (any case;
"Unit Price" is unit_price); the columns are listed in COLUMNS and in channels/README.md. Columns
the file has beyond them are not read (the report names them).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from pydantic import BaseModel, ValidationError

from core.panel import EARLIEST_DAY, LATEST_DAY, day_in_range
from core.tables import MB, FileUnreadable, TableRow, read_table

from .schemas import AddressIn, CustomerIn, LineIn, OrderIn

MAX_BYTES = 2 * MB

# The order's columns: the same on each of its rows.
ORDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "placed_at": ("placed_at",),
    **{f"customer_{name}": ("customer", name) for name in CustomerIn.model_fields},
    **{f"billing_{name}": ("billing_address", name) for name in AddressIn.model_fields},
    **{f"shipping_{name}": ("shipping_address", name) for name in AddressIn.model_fields},
    "shipping_charge": ("shipping_charge",),
    "payment_method": ("payment_method",),
    "amount_charged": ("amount_charged",),
}
# Each row's line: column -> the field of schemas.LineIn.
LINE_COLUMNS = {
    "sku": "sku",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "discount": "discount",
    "line_total": "total",
}
COLUMNS = [*ORDER_COLUMNS, *LINE_COLUMNS]
COLUMN_OF = {path: column for column, path in ORDER_COLUMNS.items()} | {
    ("lines", name): column for column, name in LINE_COLUMNS.items()
}


def _required(path: tuple[str, ...]) -> bool:
    """Whether the schema requires this field, and every object it lies in."""
    model: type[BaseModel] = OrderIn
    for name in path:
        schema_field = model.model_fields[name]
        if not schema_field.is_required():
            return False
        model = LineIn if name == "lines" else schema_field.annotation
    return True


REQUIRED_COLUMNS = [column for path, column in COLUMN_OF.items() if _required(path)]
MISSING = "Empty; a value is needed."
# A purchase placed in another century is a typing slip, and year 1 at +14:00 is no date at all
# once in UTC: the database could not store it.
WHEN = f"A date and time between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."
FORMULA = (
    "Starts like a spreadsheet formula (=, +, - or @), which is refused: write a mobile as its "
    "10 digits, an amount without a sign."
)


@dataclass(frozen=True)
class FileProblem:
    """One problem of an order, where the file has it."""

    row: int
    column: str  # empty: the order (or its row) as a whole
    message: str
    code: str = "invalid"

    @property
    def where(self) -> str:
        return f"row {self.row}" + (f", {self.column}" if self.column else "")

    def as_problem(self) -> dict:
        """As a refusal's problem (refusals.problem), its field the file's row and column."""
        return {"field": self.where, "code": self.code, "message": self.message}


@dataclass
class FileOrder:
    """The rows of one reference, the order they make, and what is wrong with them."""

    rows: list[TableRow]
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return self.rows[0].cells.get("reference", "")

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(row.number for row in self.rows)

    def data(self) -> dict:
        """The order as the orders API's JSON body: the first row's order columns, a line per
        row; an empty cell is a field not given, so the schema's default or `missing` applies."""
        first = self.rows[0].cells
        order: dict = {"customer": {}, "billing_address": {}}
        for column, path in ORDER_COLUMNS.items():
            if text := first.get(column, ""):
                target = order
                for name in path[:-1]:
                    target = target.setdefault(name, {})
                target[path[-1]] = _value(column, text)
        order["lines"] = [
            {
                name: row.cells[column]
                for column, name in LINE_COLUMNS.items()
                if row.cells.get(column)
            }
            for row in self.rows
        ]
        return order

    def validated(self) -> OrderIn | None:
        """The order through the API's schema; None when it or its rows have problems, all of
        them then in `problems` (one a cell: the file's own rules say it first)."""
        try:
            order = OrderIn.model_validate(self.data())
        except ValidationError as error:
            order = None
            found = [
                FileProblem(
                    *self.locate(each["loc"]),
                    MISSING if each["type"] == "missing" else each["msg"],
                    each["type"],
                )
                for each in error.errors()
            ]
        else:
            in_range = order.placed_at is None or day_in_range(order.placed_at)
            found = (
                [] if in_range else [FileProblem(self.rows[0].number, "placed_at", WHEN, "when")]
            )
        flagged = {(p.row, p.column) for p in self.problems}
        self.problems += [p for p in found if (p.row, p.column) not in flagged]
        return None if self.problems else order

    def locate(self, loc) -> tuple[int, str]:
        """The row and column of a field: a pydantic location or a field path ('lines.1.sku')."""
        if isinstance(loc, str):
            loc = tuple(int(part) if part.isdigit() else part for part in loc.split(".") if part)
        first = self.rows[0].number
        if not loc:
            return first, ""
        if loc[0] == "lines":
            index = loc[1] if len(loc) > 1 else None
            if not isinstance(index, int) or not 0 <= index < len(self.rows):
                return first, ""
            return self.rows[index].number, COLUMN_OF.get(("lines", *loc[2:3]), "")
        return first, COLUMN_OF.get(tuple(loc[:2]), COLUMN_OF.get(tuple(loc[:1]), ""))


def read_orders(raw: bytes) -> tuple[list[FileOrder], list[str]]:
    """The file's orders in the order they first appear, and the columns it has that are not
    read; FileUnreadable for a file that is not a table of orders."""
    table = read_table(raw, max_bytes=MAX_BYTES)
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise FileUnreadable(
            "The first row must name the columns; it lacks "
            + ", ".join(missing)
            + ". See “Columns” below for what each one holds."
        )
    groups: dict[str, list[TableRow]] = {}
    for row in table.rows:
        # A row without a reference is an order of its own, refused for that.
        key = row.cells.get("reference", "") or f"\x00{row.number}"
        groups.setdefault(key, []).append(row)
    orders = [FileOrder(rows, _row_problems(rows)) for rows in groups.values()]
    return orders, [column for column in table.columns if column not in COLUMNS]


def _row_problems(rows: list[TableRow]) -> list[FileProblem]:
    """Formula-looking cells, and order columns a later row gives otherwise than the first."""
    first = rows[0]
    problems = [
        FileProblem(row.number, column, FORMULA, "formula")
        for row in rows
        for column in row.formulas
        if column in COLUMN_OF.values()
    ]
    flagged = {(found.row, found.column) for found in problems}
    for row in rows[1:]:
        for column in ORDER_COLUMNS:
            if (row.number, column) in flagged:
                continue
            theirs, ours = first.cells.get(column, ""), row.cells.get(column, "")
            if ours != theirs:
                there = f"has “{theirs}”" if theirs else "leaves it empty"
                message = f"The rows of an order must agree: row {first.number} {there}."
                problems.append(FileProblem(row.number, column, message, "rows_disagree"))
    return problems


def _value(column: str, text: str) -> str:
    """A cell as the API would be sent it, where a spreadsheet changed what was typed."""
    if column.endswith("_state") and text.isdigit():
        return text.zfill(2)  # 07 (Delhi) typed in a number cell is 7
    if column == "placed_at":
        return placed_at(text)
    return text


def placed_at(text: str) -> str:
    """A time without its UTC offset is the store's (India's): a spreadsheet cannot hold one."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # the schema says what is wrong with it
    if timezone.is_naive(moment):
        # Out of the years a purchase may have, any offset will do: FileOrder refuses it.
        in_range = day_in_range(moment)
        moment = timezone.make_aware(moment) if in_range else moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()
