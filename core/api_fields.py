"""Field types the JSON APIs share (the orders API, the couriers' tracking webhook): text a
database can store, and instants with their UTC offset within the years a store's records span."""

import datetime as dt
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

# Instants a database stores in UTC without overflowing, and that a shop's order could carry.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _plain(value: str) -> str:
    """No control characters (NUL, line breaks, escapes): PostgreSQL cannot store NUL, and a name
    or SKU never holds the others."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise PydanticCustomError("control_character", "No control characters (NUL, tab, newline).")
    return value


def _instant(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("naive_datetime", "A time with its UTC offset, e.g. +05:30.")
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("datetime_out_of_range", "A time from 2000 to 2099.")
    return value


def text_of(max_length: int, min_length: int = 1):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_plain),
    ]


Instant = Annotated[dt.datetime, AfterValidator(_instant)]
