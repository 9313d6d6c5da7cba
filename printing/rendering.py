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

from core.pdf import render_part

from .document_types import DOCUMENT_TYPES, Ref, Selection

# Documents per part, as each document type declares it; read from this table at run time (a test
# makes the parts smaller to stop a job between two of them).
PART_SIZE = {document: kind.part_size for document, kind in DOCUMENT_TYPES.items()}
IN_FLIGHT_PER_WORKER = 2


class RenderingFailed(Exception):
    """A worker process died (killed, out of memory) while rendering."""


def parts_of(selection: Selection) -> list[list[Ref]]:
    size = PART_SIZE[selection.document]
    return [selection.refs[i : i + size] for i in range(0, len(selection.refs), size)]


def part_html(selection: Selection, refs: list[Ref]) -> tuple[list[str], str]:
    """The HTML documents of one part and their stylesheet, built from the database now."""
    return DOCUMENT_TYPES[selection.document].part_html(refs, selection.layout)


def render_now(selection: Selection) -> bytes:
    """A few documents rendered in this process into one PDF (the direct print of the panel).

    One document alone is rendered as its type says (an invoice or credit note alone is exactly
    its reprint: the same bytes every time).
    """
    render_alone = DOCUMENT_TYPES[selection.document].render_alone
    if len(selection.refs) == 1 and render_alone is not None:
        return render_alone(selection.refs[0])
    return render_part(*part_html(selection, selection.refs))


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
    done: int = 0,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> None:
    """Every document of the selection into one PDF file at `out`.

    The parts of the first `done` documents are taken from parts_dir as an earlier run left them;
    on_progress(n) is called with the number of documents rendered once each part is written.
    """
    size = PART_SIZE[selection.document]

    def on_part(parts_done: int) -> None:
        if on_progress:
            on_progress(min(parts_done * size, selection.count))

    paths = render_parts(
        selection, parts_dir, first_part=done // size, on_part=on_part, workers=workers
    )
    merge(paths, out)
