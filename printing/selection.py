"""What to print: the ids a page or the command chose, checked and turned into a list of documents.

A bad selection (no ids, unknown ids, a cancelled shipment, a purchase without invoice...) is
refused with a message that names what is wrong; nothing is printed or recorded then.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from core.exceptions import InvalidInput, NotFound
from core.panel import MAX_ID
from purchases.models import CreditNote, Invoice, Purchase
from shipments.models import HandoverBatch, Shipment, ShipmentStatus

from .models import DocumentSet, SlipLayout

INVOICE, CREDIT_NOTE, SLIP, MANIFEST = "invoice", "credit_note", "slip", "manifest"
Ref = tuple[str, int]
MAX_IDS = 5000
NAMED_IN_MESSAGES = 5

WHAT = {
    DocumentSet.INVOICES: ("purchase", "purchases"),
    DocumentSet.SLIPS: ("shipment", "shipments"),
    DocumentSet.MANIFEST: ("handover batch", "handover batches"),
}


@dataclass(frozen=True)
class Selection:
    """Documents to print, in order, with a title and a file name for them."""

    document: str
    layout: str
    ids: tuple[int, ...]
    refs: tuple[Ref, ...]
    title: str
    filename: str

    @property
    def count(self) -> int:
        return len(self.refs)

    @property
    def key(self) -> str:
        """The same choice gives the same key (to spot a double submit)."""
        text = f"{self.document}|{self.layout}|{','.join(map(str, self.ids))}"
        return hashlib.sha256(text.encode()).hexdigest()


def named(values: list[str]) -> str:
    """'A, B and C', or 'A, B, C, D, E and 7 more'."""
    if len(values) > NAMED_IN_MESSAGES:
        return f"{', '.join(values[:NAMED_IN_MESSAGES])} and {len(values) - NAMED_IN_MESSAGES} more"
    if len(values) > 1:
        return f"{', '.join(values[:-1])} and {values[-1]}"
    return values[0] if values else ""


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in text)


def _filename(stem: str, first: str, count: int, suffix: str = "") -> str:
    more = f"-and-{count - 1}-more" if count > 1 else ""
    return f"{stem}-{_safe(first)}{more}{suffix}.pdf"


def parse_ids(raw: Iterable, document: str) -> tuple[int, ...]:
    """Whole positive numbers, duplicates dropped, order kept; InvalidInput otherwise."""
    one, many = WHAT[document]
    ids, seen = [], set()
    for value in raw:
        text = str(value).strip()
        if not text:
            continue
        # isascii: "²" is a digit to str.isdigit() but not to int(); beyond MAX_ID the query fails
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
            raise InvalidInput(f"{text[:20]!r} is not a {one} id.")
        number = int(text)
        if number not in seen:
            seen.add(number)
            ids.append(number)
    if not ids:
        raise InvalidInput(f"Choose at least one {one} to print.")
    if len(ids) > MAX_IDS:
        raise InvalidInput(f"Print at most {MAX_IDS:,} {many} at once (you chose {len(ids):,}).")
    return tuple(ids)


def select_documents(*, document: str, ids: Iterable, layout: str = "") -> Selection:
    """The documents to print for these ids, or an ActionRefused saying what is wrong."""
    if document not in DocumentSet.values:
        raise InvalidInput("Choose what to print: invoices, slips or manifest.")
    chosen = parse_ids(ids, document)
    if document == DocumentSet.INVOICES:
        return _invoices(chosen)
    if document == DocumentSet.SLIPS:
        return _slips(chosen, layout or SlipLayout.LABEL)
    return _manifests(chosen)


def _missing(chosen: tuple[int, ...], found: Iterable[int], document: str) -> None:
    missing = [str(pk) for pk in chosen if pk not in set(found)]
    if missing:
        one, many = WHAT[document]
        if len(missing) == 1:
            raise NotFound(f"There is no {one} {missing[0]}.")
        raise NotFound(f"There are no {many} {named(missing)}.")


def _invoices(chosen: tuple[int, ...]) -> Selection:
    numbers = dict(Purchase.objects.filter(pk__in=chosen).values_list("pk", "number"))
    _missing(chosen, numbers, DocumentSet.INVOICES)
    invoices: dict[int, list] = {}
    for pk, purchase_id, number in (
        Invoice.objects.filter(purchase_id__in=chosen)
        .order_by("financial_year", "sequence")
        .values_list("pk", "purchase_id", "number")
    ):
        invoices.setdefault(purchase_id, []).append((pk, number))
    without = [numbers[pk] for pk in chosen if pk not in invoices]
    if without:
        verb = "has" if len(without) == 1 else "have"
        raise InvalidInput(
            f"{named(without)} {verb} no tax invoice yet: issue the invoice before printing it."
        )
    notes: dict[int, list[int]] = {}
    for pk, invoice_id in (
        CreditNote.objects.filter(invoice__purchase_id__in=chosen)
        .order_by("financial_year", "sequence")
        .values_list("pk", "invoice_id")
    ):
        notes.setdefault(invoice_id, []).append(pk)
    refs = []
    for purchase_id in chosen:
        for invoice_id, _ in invoices[purchase_id]:
            refs.append((INVOICE, invoice_id))
            refs.extend((CREDIT_NOTE, note_id) for note_id in notes.get(invoice_id, []))
    first = numbers[chosen[0]]
    if len(refs) == 1:
        filename = f"invoice-{_safe(invoices[chosen[0]][0][1])}.pdf"
    else:
        filename = _filename("invoices", first, len(chosen))
    return Selection(
        document=DocumentSet.INVOICES,
        layout="",
        ids=chosen,
        refs=tuple(refs),
        title=f"Tax invoices and credit notes of {named([numbers[pk] for pk in chosen])}",
        filename=filename,
    )


def _slips(chosen: tuple[int, ...], layout: str) -> Selection:
    if layout not in SlipLayout.values:
        raise InvalidInput("Choose a slip layout: 4×6 inch labels or A4 sheets of four.")
    rows = {
        pk: (reference, status)
        for pk, reference, status in Shipment.objects.filter(pk__in=chosen).values_list(
            "pk", "reference", "status"
        )
    }
    _missing(chosen, rows, DocumentSet.SLIPS)
    cancelled = [rows[pk][0] for pk in chosen if rows[pk][1] == ShipmentStatus.CANCELLED]
    if cancelled:
        one = len(cancelled) == 1
        raise InvalidInput(
            f"Shipment{'' if one else 's'} {named(cancelled)} {'is' if one else 'are'} cancelled: "
            "no slip is printed for a cancelled shipment."
        )
    references = [rows[pk][0] for pk in chosen]
    return Selection(
        document=DocumentSet.SLIPS,
        layout=layout,
        ids=chosen,
        refs=tuple((SLIP, pk) for pk in chosen),
        title=f"Address slips of {named(references)}",
        filename=_filename(
            "slip" if len(chosen) == 1 else "slips",
            references[0],
            len(chosen),
            "-a4" if layout == SlipLayout.A4 else "",
        ),
    )


def _manifests(chosen: tuple[int, ...]) -> Selection:
    rows = {
        pk: (code, count)
        for pk, code, count in HandoverBatch.objects.filter(pk__in=chosen)
        .annotate(count=Count("shipments"))
        .values_list("pk", "agent__code", "count")
    }
    _missing(chosen, rows, DocumentSet.MANIFEST)
    empty = [f"{pk} ({rows[pk][0]})" for pk in chosen if rows[pk][1] == 0]
    if empty:
        one = len(empty) == 1
        raise InvalidInput(
            f"Handover batch{'' if one else 'es'} {named(empty)} {'has' if one else 'have'} "
            "no shipments handed over yet: there is nothing to list on a manifest."
        )
    names = [f"{rows[pk][0]} batch {pk}" for pk in chosen]
    return Selection(
        document=DocumentSet.MANIFEST,
        layout="",
        ids=chosen,
        refs=tuple((MANIFEST, pk) for pk in chosen),
        title=f"Handover manifests of {named(names)}",
        filename=_filename(
            "manifest" if len(chosen) == 1 else "manifests",
            f"{rows[chosen[0]][0]}-{chosen[0]}",
            len(chosen),
        ),
    )
