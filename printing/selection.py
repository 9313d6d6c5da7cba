"""What to print: the ids a page or the command chose, checked and turned into a list of documents
by their document type (printing/document_types.py).

A bad selection (no ids, unknown ids, a cancelled shipment, a purchase without invoice...) is
refused with a message that names what is wrong; nothing is printed or recorded then.
"""

from collections.abc import Iterable

from core.exceptions import InvalidInput
from core.panel import MAX_ID

from .document_types import DOCUMENT_TYPES, Selection

MAX_IDS = 5000


def parse_ids(raw: Iterable, document: str) -> tuple[int, ...]:
    """Whole positive numbers, duplicates dropped, order kept; InvalidInput otherwise."""
    one, many = DOCUMENT_TYPES[document].one, DOCUMENT_TYPES[document].many
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
    if document not in DOCUMENT_TYPES:
        *others, last = DOCUMENT_TYPES
        raise InvalidInput(f"Choose what to print: {', '.join(others)} or {last}.")
    return DOCUMENT_TYPES[document].select(parse_ids(ids, document), layout)
