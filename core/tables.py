"""Reading a table someone uploads without trusting it: its size, its encoding, its separator, and
cells a spreadsheet would run as formulas. The AWB file (shipments/awb_csv.py) reads its lines
with these pieces; `read_table` reads a CSV (through tablib) or an Excel workbook with a header
row, by column name (the purchase import, channels/order_files.py).
"""

import csv
import datetime as dt
import io
import itertools
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django import forms
from openpyxl import load_workbook
from tablib.exceptions import InvalidDimensions

MB = 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = ",;\t"
# A cell starting with one of these is run by a spreadsheet as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# An .xlsx is a zip: a small file can unpack to gigabytes. A 5,000-row sheet is about 10 MB.
MAX_UNPACKED_BYTES = 50 * MB
MAX_COLUMNS = 200
ZIP_START = b"PK\x03\x04"
OLE_START = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)


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


def read_upload(upload, max_bytes: int) -> bytes:
    """An uploaded file's bytes; FileUnreadable, without reading it, when it is too large."""
    if upload.size > max_bytes:
        raise FileUnreadable(too_large(upload.size, max_bytes))
    return upload.read(max_bytes + 1)


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
        return csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel


def delimiter_of(text: str) -> str:
    """The dialect's delimiter; when the rows do not agree (a column only some rows fill), the
    one of comma, semicolon and tab that the first row holds most of."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        most = max(DELIMITERS, key=first.count)
        return most if first.count(most) else ","


def looks_like_formula(cell: str) -> bool:
    """A spreadsheet would run this text as a formula (=, +, -, @, or a tab or return first)."""
    return cell.startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class TableRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # by column name, text without surrounding spaces
    formulas: tuple[str, ...] = ()  # the columns whose text looks like a formula


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]  # lower case, spaces as underscores
    rows: tuple[TableRow, ...]  # the rows with anything in them


def read_table(raw: bytes, *, max_bytes: int, max_rows: int = MAX_ROWS) -> Table:
    """The rows under the header row of a CSV file (UTF-8; commas, semicolons or tabs), read by
    tablib, or of an Excel .xlsx workbook's active sheet. FileUnreadable says why one cannot be.

    tablib skips a CSV's empty lines, so a row's number counts the lines with something in them;
    a spreadsheet exports an empty row as a line of separators, so its numbers are the sheet's.
    """
    check_size(raw, max_bytes)
    if raw.startswith(OLE_START):
        raise FileUnreadable(
            "This is an Excel 97-2003 workbook (.xls). Save it as .xlsx or as “CSV UTF-8” and "
            "upload it again."
        )
    max_lines = max_rows * 2  # empty rows between rows count, up to a point
    if b"\x00" in raw[:4096] and not raw.startswith(ZIP_START):
        raise FileUnreadable(
            "This is neither a CSV file nor an Excel workbook (.xlsx). Save it as one of them "
            "and upload it again."
        )
    if raw.startswith(ZIP_START):
        headers, lines = _workbook(raw, max_lines)
    else:
        headers, lines = _csv(csv_text(raw))
    columns = _columns(headers)
    if not any(columns):
        raise FileUnreadable("The file has no header row naming its columns.")
    if len(lines) > max_lines:
        raise FileUnreadable(f"The file has more than {max_lines:,} rows, empty ones included.")
    rows = [_row(number, columns, values) for number, values in enumerate(lines, start=2)]
    rows = [row for row in rows if any(row.cells.values())]
    if not rows:
        raise FileUnreadable("The file has no rows under its header row.")
    if len(rows) > max_rows:
        raise FileUnreadable(f"The file has more than {max_rows:,} rows; split it.")
    return Table(tuple(name for name in columns if name), tuple(rows))


def _csv(text: str) -> tuple[list, list]:
    dialect = csv_dialect(text)
    dataset = tablib.Dataset()
    try:
        dataset.load(text, format="csv", dialect=dialect, delimiter=dialect.delimiter)
    except InvalidDimensions:
        raise FileUnreadable(
            f"Row {dataset.height + 2} has more cells than the header row has columns."
        ) from None
    except csv.Error as error:
        raise FileUnreadable(f"The file is not a readable CSV file ({error}).") from None
    return list(dataset.headers or []), list(dataset)


def _workbook(raw: bytes, max_lines: int) -> tuple[list, list]:
    """The active sheet's header and rows, at most `max_lines` + 1 of them, each at most
    MAX_COLUMNS wide. Read with openpyxl as tablib's xlsx format does, but within bounds: tablib
    reads every row a sheet claims, padded to the widest, and a sheet of a few kilobytes can
    claim a million rows of 16,384 columns."""
    unreadable = FileUnreadable("The file is not a readable Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileUnreadable("The workbook is too large once unpacked; split it.")
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = book.active
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise FileUnreadable(f"The sheet has more than {MAX_COLUMNS} columns.")
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        lines = list(itertools.islice(rows, max_lines + 2))
        book.close()
    except FileUnreadable:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook; each means the same
        raise unreadable from None
    return (list(lines[0]) if lines else []), lines[1:]


def _columns(headers: list) -> list[str]:
    """Header cells as column names: 'Unit Price' and 'unit-price' are 'unit_price'."""
    names = [cell_text(header).lower().replace(" ", "_").replace("-", "_") for header in headers]
    named = [name for name in names if name]
    for name in named:
        if named.count(name) > 1:
            raise FileUnreadable(f"The column “{name}” appears twice in the header row.")
    return names


def _row(number: int, columns: list[str], values) -> TableRow:
    cells, formulas = {}, []
    for name, value in zip(columns, values, strict=False):
        if not name:
            continue
        text = cell_text(value)
        cells[name] = text
        if isinstance(value, str) and looks_like_formula(text):
            formulas.append(name)
    return TableRow(number, cells, tuple(formulas))


def cell_text(value) -> str:
    """A cell as text: a workbook's numbers as a spreadsheet shows them (15 significant digits,
    so 2797.7599999999998 is 2797.76), its dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


class TableUploadForm(forms.Form):
    """One uploaded file, refused as a whole when it cannot be read; `read` (each form's own)
    turns its bytes into lines, which are `form.lines` afterwards."""

    max_bytes = MB
    file = forms.FileField(label="CSV file")

    @staticmethod
    def read(raw: bytes) -> list:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.lines = self.read(read_upload(upload, self.max_bytes))
        except FileUnreadable as problem:
            raise forms.ValidationError(str(problem)) from None
        return upload
