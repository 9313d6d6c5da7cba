"""What every CSV upload of the panel checks before its rows are read (the AWB file, the stock
file): the file's size, its encoding and delimiter, and cells that a spreadsheet would run as a
formula. Each upload reads its own columns; none trusts the file."""

import csv

from django import forms

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = ",;\t"
# A cell starting with one of these is run by a spreadsheet as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CsvProblem(ValueError):
    """The file as a whole cannot be read; the message says why."""


def too_large(size: int) -> str:
    return f"The file is larger than 1 MB ({size / 1024 / 1024:.1f} MB); split it."


def decoded(raw: bytes) -> str:
    """The file's text: UTF-8 with or without a byte order mark; CsvProblem for anything else."""
    if not raw:
        raise CsvProblem("The file is empty.")
    if len(raw) > MAX_BYTES:
        raise CsvProblem(too_large(len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem(
            "The file is not UTF-8 text. In your spreadsheet choose Save as → “CSV UTF-8” "
            "and upload it again."
        ) from None
    if "\x00" in text:
        raise CsvProblem("This is not a CSV text file.")
    return text


def dialect_of(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, semicolon or tab, as the file's first lines show; a comma when they do not say."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel


def delimiter_of(text: str) -> str:
    """The dialect's delimiter; when the rows do not agree (a reason column only on some rows),
    the one of comma, semicolon and tab that the first row holds most of."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        most = max(DELIMITERS, key=first.count)
        return most if first.count(most) else ","


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_PREFIXES)


class CsvUploadForm(forms.Form):
    """One CSV file, refused as a whole when it cannot be read; its lines, as `read` makes them
    from the file's bytes, are `form.lines` afterwards."""

    file = forms.FileField(label="CSV file")

    @staticmethod
    def read(raw: bytes) -> list:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        try:
            self.lines = self.read(upload.read(MAX_BYTES + 1))
        except CsvProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        return upload
