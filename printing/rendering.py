"""A selection of documents to one PDF: parts rendered in worker processes, merged with PDFium.

Why it is built this way (measured in scripts/bench_documents.py):
- one WeasyPrint document of a thousand labels keeps every page's layout in memory until the end;
  parts of a few dozen documents keep memory flat whatever the count;
- WeasyPrint is pure Python for layout, so parts are rendered by one process per core;
- the worker processes come from a forkserver that has imported WeasyPrint once (core.pdf
  imports no Django), so starting them is cheap and they inherit no database connection or thread;
- the parent builds each part's HTML just before it is needed and keeps at most two parts per worker
  in flight, so neither HTML nor PDF bytes pile up in memory;
- finished parts are files, so a job stopped half-way resumes from the next part;
- the parts are joined by PDFium (pypdfium2, C++), which copies pages without parsing them into
  Python objects: 1,000 slips in 21 parts merge in 0.06 s, where pypdf took 0.64 s.
"""

import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pypdfium2
from django.conf import settings

from configuration.models import StoreProfile
from core.pdf import render_part
from purchases import documents as tax_documents
from purchases.models import CreditNote, Invoice
from shipments import documents as shipment_documents

from .models import DocumentSet
from .selection import CREDIT_NOTE, INVOICE, Ref, Selection

# Documents per part: enough to share fonts and start-up, few enough to keep memory flat.
PART_SIZE = {
    DocumentSet.INVOICES: 10,
    DocumentSet.SLIPS: 48,  # twelve A4 sheets of four, or 48 labels
    DocumentSet.MANIFEST: 4,
}
IN_FLIGHT_PER_WORKER = 2


class RenderingFailed(Exception):
    """A worker process died (killed, out of memory) while rendering."""


def parts_of(selection: Selection) -> list[list[Ref]]:
    size = PART_SIZE[selection.document]
    return [selection.refs[i : i + size] for i in range(0, len(selection.refs), size)]


def part_html(selection: Selection, refs: list[Ref]) -> tuple[list[str], str]:
    """The HTML documents of one part and their stylesheet, built from the database now."""
    if selection.document == DocumentSet.INVOICES:
        invoices = Invoice.objects.in_bulk([pk for kind, pk in refs if kind == INVOICE])
        notes = CreditNote.objects.in_bulk([pk for kind, pk in refs if kind == CREDIT_NOTE])
        htmls = [
            tax_documents.invoice_html(invoices[pk])
            if kind == INVOICE
            else tax_documents.credit_note_html(notes[pk])
            for kind, pk in refs
        ]
        return htmls, tax_documents.stylesheet()
    store = shipment_documents.store_context(StoreProfile.objects.current())
    ids = [pk for _, pk in refs]
    if selection.document == DocumentSet.SLIPS:
        shipments = shipment_documents.slip_queryset().in_bulk(ids)
        slips = [shipment_documents.slip_context(shipments[pk], store) for pk in ids]
        html = shipment_documents.slips_html(slips, layout=selection.layout)
        return [html], shipment_documents.slip_stylesheet()
    batches = shipment_documents.manifest_queryset().in_bulk(ids)
    manifests = [shipment_documents.manifest_context(batches[pk], store) for pk in ids]
    return shipment_documents.manifests_html(manifests), shipment_documents.manifest_stylesheet()


def render_now(selection: Selection) -> bytes:
    """A few documents rendered in this process into one PDF (the direct print of the panel).

    One invoice or credit note alone is exactly its reprint: the same bytes every time.
    """
    if len(selection.refs) == 1:
        kind, pk = selection.refs[0]
        if kind == INVOICE:
            return tax_documents.invoice_pdf(Invoice.objects.get(pk=pk))
        if kind == CREDIT_NOTE:
            return tax_documents.credit_note_pdf(CreditNote.objects.get(pk=pk))
    if selection.document == DocumentSet.MANIFEST and len(selection.refs) == 1:
        return shipment_documents.manifest_pdf(
            shipment_documents.manifest_queryset().get(pk=selection.refs[0][1])
        )
    htmls, css = part_html(selection, selection.refs)
    return render_part(htmls, css)


def worker_count() -> int:
    configured = getattr(settings, "PRINTING_WORKERS", None)
    if configured is None:
        return os.cpu_count() or 1
    return configured


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: children are forked from a clean server process that preloaded WeasyPrint, not
    # from this one, so they share no database connection, lock or thread with it: nothing to close.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["core.pdf"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=20)


def part_path(parts_dir: Path, index: int) -> Path:
    return parts_dir / f"part-{index:05d}.pdf"


def render_parts(
    selection: Selection,
    parts_dir: Path,
    *,
    first_part: int = 0,
    on_part: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Render each part from `first_part` on into parts_dir; on_part(n) once the n-th is written."""
    parts = parts_of(selection)
    parts_dir.mkdir(parents=True, exist_ok=True)
    todo = list(range(first_part, len(parts)))
    workers = min(worker_count() if workers is None else workers, len(todo))

    def written(index: int, pdf: bytes) -> None:
        path = part_path(parts_dir, index)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pdf)
        tmp.replace(path)
        if on_part:
            on_part(index + 1)

    if workers <= 1:
        for index in todo:
            written(index, render_part(*part_html(selection, parts[index])))
    else:
        _render_in_pool(selection, parts, todo, workers, written)
    return [part_path(parts_dir, index) for index in range(len(parts))]


def _render_in_pool(selection, parts, todo: Iterable[int], workers: int, written) -> None:
    pending = deque()
    queue = iter(todo)
    try:
        with _process_pool(workers) as pool:
            for index in queue:
                pending.append(
                    (index, pool.submit(render_part, *part_html(selection, parts[index])))
                )
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    done_index, future = pending.popleft()
                    written(done_index, future.result())
            while pending:
                done_index, future = pending.popleft()
                written(done_index, future.result())
    except BrokenProcessPool as error:
        raise RenderingFailed(
            "A rendering process stopped unexpectedly (killed or out of memory)."
        ) from error


def merge(paths: list[Path], out: Path) -> None:
    """Concatenate the parts' pages into one PDF at `out` (written atomically)."""
    tmp = out.with_suffix(".tmp")
    if len(paths) == 1:
        shutil.copyfile(paths[0], tmp)
    else:
        merged = pypdfium2.PdfDocument.new()
        try:
            for path in paths:
                part = pypdfium2.PdfDocument(path)
                try:
                    merged.import_pages(part)
                finally:
                    part.close()
            merged.save(tmp)
        finally:
            merged.close()
    tmp.replace(out)


def render_to_file(
    selection: Selection,
    out: Path,
    *,
    parts_dir: Path,
    on_part: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> None:
    """Every document of the selection into one PDF file at `out`."""
    merge(render_parts(selection, parts_dir, on_part=on_part, workers=workers), out)
