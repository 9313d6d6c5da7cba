"""What the next invoice and credit note numbers will look like, read without taking one.

The numbers themselves are taken by `purchases.invoicing.allocate_number` when a document is
issued; tests check that this preview and that function agree.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from purchases.invoicing import document_number, financial_year_of
from purchases.models import DocumentKind, DocumentSeries

from .models import StoreProfile

INVOICE_NUMBER_MAX_LENGTH = 16  # CGST rule 46(b)


def number_preview(prefix: str, *, sequence: int, year: str | None = None) -> str:
    """The number a document with this prefix and sequence gets, e.g. WS/26-27/000124."""
    year = year or financial_year_of(timezone.now())
    return document_number(prefix, year, sequence)


def max_prefix_length() -> int:
    """The longest prefix that keeps every number of the year within the 16 characters allowed."""
    model_limit = StoreProfile._meta.get_field("invoice_prefix").max_length
    return min(model_limit, INVOICE_NUMBER_MAX_LENGTH - len(number_preview("", sequence=1)))


@dataclass(frozen=True)
class NextNumber:
    kind: str
    label: str
    prefix: str
    financial_year: str
    issued_this_year: int
    number: str


def next_numbers(store: StoreProfile, *, now: dt.datetime | None = None) -> list[NextNumber]:
    """The next invoice and credit note numbers of the current financial year (nothing is taken)."""
    year = financial_year_of(now or timezone.now())
    counters = dict(
        DocumentSeries.objects.filter(financial_year=year).values_list("kind", "next_number")
    )
    prefixes = {
        DocumentKind.INVOICE: store.invoice_prefix,
        DocumentKind.CREDIT_NOTE: store.credit_note_prefix,
    }
    result = []
    for kind, prefix in prefixes.items():
        sequence = counters.get(kind, 1)
        result.append(
            NextNumber(
                kind=kind,
                label=kind.label,
                prefix=prefix,
                financial_year=year,
                issued_this_year=sequence - 1,
                number=number_preview(prefix, sequence=sequence, year=year),
            )
        )
    return result
