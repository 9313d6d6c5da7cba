"""The kinds of printed document, one entry each in DOCUMENT_TYPES: the print endpoint, the print
jobs and the print_documents command learn everything about a kind from its entry.

A printed document is a Ref, (kind, primary key): ("invoice", 12), ("slip", 40). A type says what
the ids chosen are (purchases, shipments, handover batches), turns them into refs with a title and
a file name (or refuses them, saying why), builds the HTML of a part of them, renders one alone, and
records them as printed in their purchases' timelines.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count

from configuration.models import StoreProfile
from core.exceptions import InvalidInput, NotFound
from purchases import documents as tax_documents
from purchases.audit import audit_record
from purchases.models import CreditNote, Invoice, Purchase
from shipments import documents as shipment_documents
from shipments.models import HandoverBatch, Shipment, ShipmentStatus
from shipments.services import shipment_record_slip_printed

from .models import DocumentSet, SlipLayout

INVOICE, CREDIT_NOTE, SLIP, MANIFEST = "invoice", "credit_note", "slip", "manifest"
Ref = tuple[str, int]
NAMED_IN_MESSAGES = 5


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


@dataclass(frozen=True, kw_only=True)
class DocumentType:
    """One kind of printed document: what its ids are, and how they are printed and recorded."""

    one: str  # what an id chosen names, in messages: "purchase"
    many: str  # several of them: "purchases"
    # (ids, checked and in order; layout) → the Selection, or an ActionRefused saying what is wrong
    select: Callable[[tuple[int, ...], str], Selection]
    # Documents per part: enough to share fonts and start-up, few enough to keep memory flat.
    part_size: int
    # One document printed on its own, where that differs from a part of one; None: as a part
    render_alone: Callable[[Ref], bytes] | None
    # (refs of one part, layout) → the part's HTML documents and their stylesheet, read from the
    # database now
    part_html: Callable[[Sequence[Ref], str], tuple[list[str], str]]
    # record_printed(refs=, user=, drawn_at=): the timeline entries of documents just printed
    record_printed: Callable[..., None]


# -- words ----------------------------------------------------------------------------------


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


def _refuse_missing(chosen: tuple[int, ...], found: Iterable[int], document: str) -> None:
    missing = [str(pk) for pk in chosen if pk not in set(found)]
    if missing:
        kind = DOCUMENT_TYPES[document]
        if len(missing) == 1:
            raise NotFound(f"There is no {kind.one} {missing[0]}.")
        raise NotFound(f"There are no {kind.many} {named(missing)}.")


def _pks(refs: Sequence[Ref], kind: str) -> list[int]:
    return [pk for ref_kind, pk in refs if ref_kind == kind]


# -- tax invoices and credit notes, by purchase ---------------------------------------------


def _select_tax_documents(chosen: tuple[int, ...], layout: str) -> Selection:
    """Every invoice of each purchase, each followed by its credit notes."""
    numbers = dict(Purchase.objects.filter(pk__in=chosen).values_list("pk", "number"))
    _refuse_missing(chosen, numbers, DocumentSet.INVOICES)
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


def _tax_documents_html(refs: Sequence[Ref], layout: str) -> tuple[list[str], str]:
    """One HTML document per invoice or credit note (each keeps its own page numbers)."""
    invoices = Invoice.objects.in_bulk(_pks(refs, INVOICE))
    notes = CreditNote.objects.in_bulk(_pks(refs, CREDIT_NOTE))
    htmls = [
        tax_documents.invoice_html(invoices[pk])
        if kind == INVOICE
        else tax_documents.credit_note_html(notes[pk])
        for kind, pk in refs
    ]
    return htmls, tax_documents.stylesheet()


def _tax_document_alone(ref: Ref) -> bytes:
    """An invoice or credit note alone is exactly its reprint: the same bytes every time."""
    kind, pk = ref
    if kind == INVOICE:
        return tax_documents.invoice_pdf(Invoice.objects.get(pk=pk))
    return tax_documents.credit_note_pdf(CreditNote.objects.get(pk=pk))


def _record_tax_documents(
    *, refs: Sequence[Ref], user: AbstractBaseUser | None, drawn_at: dt.datetime
) -> None:
    """'Tax invoice printed' or 'Credit note printed' on the purchase."""
    invoices = Invoice.objects.select_related("purchase").in_bulk(_pks(refs, INVOICE))
    notes = CreditNote.objects.select_related("invoice__purchase").in_bulk(_pks(refs, CREDIT_NOTE))
    for kind, pk in refs:
        if kind == INVOICE:
            invoice = invoices[pk]
            audit_record(
                purchase=invoice.purchase, subject=invoice, action="Tax invoice printed", user=user
            )
        else:
            note = notes[pk]
            audit_record(
                purchase=note.invoice.purchase,
                subject=note,
                action="Credit note printed",
                user=user,
            )


TAX_DOCUMENTS = DocumentType(
    one="purchase",
    many="purchases",
    select=_select_tax_documents,
    part_size=10,
    render_alone=_tax_document_alone,
    part_html=_tax_documents_html,
    record_printed=_record_tax_documents,
)


# -- address slips, by shipment -------------------------------------------------------------


def _select_slips(chosen: tuple[int, ...], layout: str) -> Selection:
    """A slip for each shipment not cancelled, as 4×6 inch labels (the default) or A4 sheets."""
    layout = layout or SlipLayout.LABEL
    if layout not in SlipLayout.values:
        raise InvalidInput("Choose a slip layout: 4×6 inch labels or A4 sheets of four.")
    rows = {
        pk: (reference, status)
        for pk, reference, status in Shipment.objects.filter(pk__in=chosen).values_list(
            "pk", "reference", "status"
        )
    }
    _refuse_missing(chosen, rows, DocumentSet.SLIPS)
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


def _slips_html(refs: Sequence[Ref], layout: str) -> tuple[list[str], str]:
    """The slips of a part as one HTML document (four to a sheet on A4)."""
    store = shipment_documents.store_context(StoreProfile.objects.current())
    ids = [pk for _, pk in refs]
    shipments = shipment_documents.slip_queryset().in_bulk(ids)
    slips = [shipment_documents.slip_context(shipments[pk], store) for pk in ids]
    html = shipment_documents.slips_html(slips, layout=layout)
    return [html], shipment_documents.slip_stylesheet()


def _record_slips(
    *, refs: Sequence[Ref], user: AbstractBaseUser | None, drawn_at: dt.datetime
) -> None:
    """A slip drawn before its courier or AWB changed does not count (see the service)."""
    for _, pk in refs:
        shipment_record_slip_printed(shipment_id=pk, user=user, drawn_at=drawn_at)


ADDRESS_SLIPS = DocumentType(
    one="shipment",
    many="shipments",
    select=_select_slips,
    part_size=48,  # twelve A4 sheets of four, or 48 labels
    render_alone=None,
    part_html=_slips_html,
    record_printed=_record_slips,
)


# -- handover manifests, by handover batch --------------------------------------------------


def _select_manifests(chosen: tuple[int, ...], layout: str) -> Selection:
    """A manifest for each batch with shipments handed over."""
    rows = {
        pk: (code, count)
        for pk, code, count in HandoverBatch.objects.filter(pk__in=chosen)
        .annotate(count=Count("shipments"))
        .values_list("pk", "agent__code", "count")
    }
    _refuse_missing(chosen, rows, DocumentSet.MANIFEST)
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


def _manifests_html(refs: Sequence[Ref], layout: str) -> tuple[list[str], str]:
    """One HTML document per manifest (each keeps its own page numbers)."""
    store = shipment_documents.store_context(StoreProfile.objects.current())
    ids = [pk for _, pk in refs]
    batches = shipment_documents.manifest_queryset().in_bulk(ids)
    manifests = [shipment_documents.manifest_context(batches[pk], store) for pk in ids]
    return shipment_documents.manifests_html(manifests), shipment_documents.manifest_stylesheet()


def _record_manifests(
    *, refs: Sequence[Ref], user: AbstractBaseUser | None, drawn_at: dt.datetime
) -> None:
    """'Handover manifest printed (courier)' on each purchase the manifest lists."""
    batches = HandoverBatch.objects.select_related("agent").in_bulk(_pks(refs, MANIFEST))
    for _, pk in refs:
        batch = batches[pk]
        purchases = {s.purchase_id: s.purchase for s in batch.shipments.select_related("purchase")}
        action = f"Handover manifest printed ({batch.agent.name})"
        for purchase in purchases.values():
            audit_record(purchase=purchase, subject=batch, action=action, user=user)


HANDOVER_MANIFESTS = DocumentType(
    one="handover batch",
    many="handover batches",
    select=_select_manifests,
    part_size=4,
    render_alone=None,  # a manifest alone is the same bytes either way
    part_html=_manifests_html,
    record_printed=_record_manifests,
)


# -- the registry ---------------------------------------------------------------------------

DOCUMENT_TYPES: dict[str, DocumentType] = {
    DocumentSet.INVOICES: TAX_DOCUMENTS,
    DocumentSet.SLIPS: ADDRESS_SLIPS,
    DocumentSet.MANIFEST: HANDOVER_MANIFESTS,
}
