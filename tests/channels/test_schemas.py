"""What no order may carry, whatever sends it: text a database cannot store, times it cannot
place, each refused with the field it is in."""

import pytest
from pydantic import ValidationError

from .conftest import order


def problems(**changes) -> set[tuple[str, str]]:
    with pytest.raises(ValidationError) as refused:
        order(**changes)
    return {(".".join(map(str, e["loc"])), e["type"]) for e in refused.value.errors()}


def customer(name: str) -> dict:
    return {"name": name, "email": "asha@example.in", "mobile": "9845012345"}


@pytest.mark.parametrize("name", ["Asha\x00Rao", "Asha\nRao", "Asha\x1b[31m"])
def test_control_characters_are_refused_in_text(name):
    assert problems(customer=customer(name)) == {("customer.name", "control_character")}


def test_a_lone_surrogate_is_not_text():
    assert problems(customer=customer("Asha \ud800")) == {("customer.name", "string_unicode")}


def test_names_in_any_script_are_text():
    assert order(customer=customer("आशा राव 🙏")).customer.name == "आशा राव 🙏"


@pytest.mark.parametrize(
    "placed_at, code",
    [
        ("2026-12-01T10:00:00", "naive_datetime"),
        ("0001-01-01T00:00:00+05:30", "datetime_out_of_range"),
        ("9999-12-31T23:59:59-12:00", "datetime_out_of_range"),
    ],
)
def test_placed_at_is_a_time_with_its_offset_this_century(placed_at, code):
    assert problems(placed_at=placed_at) == {("placed_at", code)}
