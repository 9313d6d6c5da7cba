"""Running one business action over many rows: each row in its own transaction, each row reported.

A bulk action never stops half-way silently: a refused row (ActionRefused) or a row the database
rejects (DatabaseError: a lock timeout, a constraint) rolls back only itself, is reported with the
reason, and the next row runs. The report is kept in the session until the page the user returns
to shows it, once. Every bulk action of the panel runs through here: Fulfill Shipments' ticked rows,
the AWB file, the stock file.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db import DatabaseError, transaction

from core.exceptions import ActionRefused

logger = logging.getLogger(__name__)

DONE = "done"
REFUSED = "refused"
FAILED = "failed"
REPORT_KEY = "panel.bulk_report"


@dataclass(frozen=True)
class RowResult:
    """What happened to one row of a bulk action, as the user is told."""

    label: str
    outcome: str
    message: str
    url: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == DONE


@dataclass(frozen=True)
class BulkReport:
    """The row-by-row result of one bulk action; kept in the session until it is shown once."""

    title: str
    rows: tuple[RowResult, ...]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.done

    @property
    def summary(self) -> str:
        if not self.rows:
            return f"{self.title}: nothing was selected."
        return f"{self.title}: {self.done} done, {self.refused} refused."

    def as_session_data(self) -> dict:
        return {"title": self.title, "rows": [asdict(row) for row in self.rows]}

    @classmethod
    def from_session_data(cls, data) -> "BulkReport | None":
        try:
            return cls(title=data["title"], rows=tuple(RowResult(**row) for row in data["rows"]))
        except (KeyError, TypeError):
            return None


def run_row(label: str, action: Callable[[], str], *, url: str = "") -> RowResult:
    """Run one row's action in its own transaction; `action` returns what was done."""
    try:
        with transaction.atomic():
            message = action()
    except ActionRefused as refusal:
        return RowResult(label=label, outcome=REFUSED, message=refusal.message, url=url)
    except DatabaseError:
        logger.exception("Bulk row %s failed in the database", label)
        return RowResult(
            label=label,
            outcome=FAILED,
            message="The database refused this change (busy?); nothing changed. Try again.",
            url=url,
        )
    return RowResult(label=label, outcome=DONE, message=message, url=url)


def run_bulk(title: str, rows: Iterable[tuple[str, Callable[[], str], str]]) -> BulkReport:
    """Run every (label, action, url) row and collect a report, whatever each row's fate."""
    return BulkReport(
        title=title, rows=tuple(run_row(label, action, url=url) for label, action, url in rows)
    )


def keep_report(request, report: BulkReport) -> None:
    """Keep the report for the next page the user sees (after the redirect)."""
    request.session[REPORT_KEY] = report.as_session_data()


def pop_report(request) -> BulkReport | None:
    """The report kept for this page, once: it is gone from the session afterwards."""
    data = request.session.pop(REPORT_KEY, None)
    return BulkReport.from_session_data(data) if data else None
