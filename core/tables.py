"""Reading a table someone uploads without trusting it: its size, its encoding, its separator, and
cells a spreadsheet would run as formulas. The AWB file (shipments/awb_csv.py) reads its lines
with these pieces.
"""

import csv

MB = 1024 * 1024
MAX_ROWS = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class FileUnreadable(ValueError):
    """The file as a whole cannot be read; the message says why."""


def check_size(raw: bytes, max_bytes: int) -> None:
    """FileUnreadable for an empty file or one over `max_bytes`."""
    if not raw:
        raise FileUnreadable("The file is empty.")
    if len(raw) > max_bytes:
        raise FileUnreadable(too_large(len(raw), max_bytes))


def too_large(size: int, max_bytes: int) -> str:
    return f"The file is larger than {max_bytes // MB} MB ({size / MB:.1f} MB); split it."


def csv_text(raw: bytes) -> str:
    """The file as text: UTF-8, with or without the byte-order mark spreadsheets write."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable(
            "The file is not UTF-8 text. In your spreadsheet choose Save as → “CSV UTF-8” "
            "and upload it again."
        ) from None
    if "\x00" in text:
        raise FileUnreadable("This is not a CSV text file.")
    return text


def csv_dialect(text: str) -> type[csv.Dialect]:
    """Commas, semicolons (a spreadsheet in a comma-decimal locale) or tabs, as the file has."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def looks_like_formula(cell: str) -> bool:
    """A spreadsheet would run this text as a formula (=, +, -, @, or a tab or return first)."""
    return cell.startswith(FORMULA_PREFIXES)
