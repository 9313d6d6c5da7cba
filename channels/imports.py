"""Importing a channel's file of orders: each order through `intake.order_receive`, the one
service the orders API calls too, so a file's order is placed, found already placed, or refused
exactly as the same order sent to the API would be.

The same code previews and imports. A preview runs every order, in the file's order, inside one
transaction that is then rolled back: stock, "already imported" and every other check answer as
an import would, and nothing is stored, not even the refusals. An import gives each order its
own transaction, so a refused order (or one the database could not place) stops no other.
Importing the same file again places nothing new and says so, order by order.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from django.db import DatabaseError, transaction

from core.exceptions import InvalidInput

from .intake import order_receive
from .models import ReceivedVia, SalesChannel
from .order_files import FileOrder, FileProblem, read_orders
from .refusals import Answer, OrderRefused, refusal_record

logger = logging.getLogger(__name__)

NEW, ALREADY, REFUSED = "new", "already", "refused"


@dataclass(frozen=True)
class OrderResult:
    """What became of one order of the file."""

    reference: str
    rows: tuple[int, ...]
    outcome: str  # NEW (imported, or to be), ALREADY or REFUSED
    number: str = ""  # the purchase it made or had made; none for a preview's new order
    detail: str = ""  # why it was refused, in a sentence
    problems: tuple[FileProblem, ...] = ()

    @property
    def rows_label(self) -> str:
        if len(self.rows) == 1:
            return f"row {self.rows[0]}"
        if list(self.rows) == list(range(self.rows[0], self.rows[-1] + 1)):
            return f"rows {self.rows[0]}–{self.rows[-1]}"
        return "rows " + ", ".join(str(row) for row in self.rows)


@dataclass(frozen=True)
class ImportReport:
    """Every order of a file and what became (or would become) of it."""

    channel: str
    preview: bool
    results: tuple[OrderResult, ...]
    unread_columns: tuple[str, ...] = ()

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def already(self) -> int:
        return self.count(ALREADY)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    @property
    def summary(self) -> str:
        done = "to import" if self.preview else "imported"
        return f"{self.new} {done}, {self.already} already imported, {self.refused} refused."

    def as_data(self) -> dict:
        """As JSON-safe data (a session keeps it until the page shows it)."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "ImportReport":
        results = tuple(
            OrderResult(
                **{
                    **result,
                    "rows": tuple(result["rows"]),
                    "problems": tuple(FileProblem(**p) for p in result["problems"]),
                }
            )
            for result in data["results"]
        )
        return cls(data["channel"], data["preview"], results, tuple(data.get("unread_columns", ())))


def order_file_import(
    *,
    channel: SalesChannel,
    raw: bytes,
    preview: bool,
    via: str = ReceivedVia.FILE,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import (or, with `preview`, check without storing anything) every order of a file.

    core.tables.FileUnreadable for a file that is not a table of orders, InvalidInput for a
    disabled channel: then nothing is tried. `progress(done, total)` follows the orders."""
    if not channel.active:
        raise InvalidInput(f"The channel {channel} is disabled; enable it to import its orders.")
    orders, unread = read_orders(raw)

    def receive_all() -> list[OrderResult]:
        results = []
        for done, file_order in enumerate(orders, start=1):
            results.append(_receive(channel, file_order, via))
            if progress is not None:
                progress(done, len(orders))
        return results

    if preview:
        with transaction.atomic():
            results = [replace(r, number="") if r.outcome == NEW else r for r in receive_all()]
            transaction.set_rollback(True)
    else:
        results = receive_all()
    return ImportReport(channel.name, preview, tuple(results), tuple(unread))


def _receive(channel: SalesChannel, file_order: FileOrder, via: str) -> OrderResult:
    """One order in its own transaction (a savepoint in a preview): placed, found, or refused."""
    order = file_order.validated()
    payload = json.dumps(file_order.data(), ensure_ascii=False)
    try:
        with transaction.atomic():
            if order is None:
                answer = _refuse_rows(channel, file_order, via, payload)
            else:
                answer = order_receive(channel=channel, order=order, via=via, payload=payload)
    except DatabaseError:
        logger.exception("Order %s of a file could not be placed", file_order.reference)
        detail = "The database could not place it just now; import the file again."
        return _result(file_order, {"detail": detail}, REFUSED, ())
    if answer.http_status in (200, 201):
        return _result(file_order, answer.body, NEW if answer.body["created"] else ALREADY, ())
    if order is None:
        return _result(file_order, answer.body, REFUSED, file_order.problems)
    problems = [
        FileProblem(*file_order.locate(found["field"]), found["message"], found["code"])
        for found in answer.body["problems"]
    ]
    return _result(file_order, answer.body, REFUSED, problems)


def _refuse_rows(channel: SalesChannel, file_order: FileOrder, via: str, payload: str) -> Answer:
    """Record the refusal of an order whose rows the schema (or the file's rules) refused, as
    the API records a body its schema refuses."""
    problems = [found.as_problem() for found in file_order.problems]
    refusal = OrderRefused("invalid_rows", "The order's rows have problems.", problems)
    return refusal_record(
        channel=channel, via=via, refusal=refusal, reference=file_order.reference, payload=payload
    )


def _result(file_order: FileOrder, body: dict, outcome: str, problems) -> OrderResult:
    return OrderResult(
        reference=file_order.reference,
        rows=file_order.row_numbers,
        outcome=outcome,
        number=body.get("purchase", {}).get("number", ""),
        detail=body.get("detail", "") if outcome == REFUSED else "",
        problems=tuple(problems),
    )
