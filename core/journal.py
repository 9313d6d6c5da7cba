"""Where the changes of a business action go.

The rules (`purchases/rules.py`, `shipments/rules.py`, `partners/rules.py`, the stock rules of
`catalog/models.py`) change objects in memory and tell a journal what they changed; they never touch
the database themselves. A service hands them a `DatabaseJournal`, which saves each change as it is
told, inside the service's transaction and under its locks. The demo builder (`demo/`) hands them
its own journal, which turns the very same changes into rows written in bulk: the demo store is
made by the rules the panel runs.
"""

from typing import Protocol

from django.db import models


class Journal(Protocol):
    def add(self, obj: models.Model) -> None:
        """A new row; it has its id when this returns (later rows may point to it)."""

    def update(self, obj: models.Model) -> None:
        """An existing row changed."""

    def audit(self, entry: models.Model) -> None:
        """A new entry on a timeline (an AuditEntry)."""


class DatabaseJournal:
    """Saves each change at once (the caller holds the transaction and the row locks)."""

    def add(self, obj: models.Model) -> None:
        obj.save(force_insert=True)

    def update(self, obj: models.Model) -> None:
        obj.save()

    def audit(self, entry: models.Model) -> None:
        entry.save(force_insert=True)
