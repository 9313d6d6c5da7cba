"""Indian formats: rupee amounts with lakh/crore grouping, GSTINs."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from core.india import (
    GSTIN_ALPHABET,
    format_inr,
    is_valid_gstin,
    validate_gstin,
)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("0"), "₹0.00"),
        (Decimal("7.5"), "₹7.50"),
        (Decimal("999"), "₹999.00"),
        (Decimal("1000"), "₹1,000.00"),
        (Decimal("123456.5"), "₹1,23,456.50"),
        (Decimal("12345678.905"), "₹1,23,45,678.91"),
        (Decimal("-2500"), "-₹2,500.00"),
    ],
)
def test_amounts_use_indian_digit_grouping(amount, shown):
    assert format_inr(amount) == shown


@given(st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False))
def test_agrees_with_babel_en_in(amount):
    assert format_inr(amount) == format_currency(amount, "INR", locale="en_IN")


def test_nothing_shows_nothing():
    assert format_inr(None) == ""


def with_check_character(first14: str) -> str:
    return first14 + luhn.calc_check_digit(first14, GSTIN_ALPHABET)


@pytest.mark.parametrize(
    "number",
    [
        "27AAPFU0939F1ZV",  # Maharashtra, python-stdnum's own example
        " 27aapfu0939f1zv ",  # typed in lower case with spaces
        with_check_character("38ABCPL1234F1Z"),  # Ladakh, which python-stdnum does not know
        with_check_character("29ABCPI1234F1Z"),
    ],
)
def test_valid_gstins_are_accepted(number):
    assert is_valid_gstin(number)
    validate_gstin(number)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("27AAPFU0939F1ZW", "wrong check character"),
        (with_check_character("99ABCPL1234F1Z"), "no such state code"),
        (with_check_character("00ABCPL1234F1Z"), "no such state code"),
        (with_check_character("38ABCPL1234F0Z"), "entity number 0"),
        (with_check_character("38ABCPL1234F1Y"), "14th character not Z"),
        (with_check_character("38ABC1L1234F1Z"), "not a PAN"),
        ("27AAPFU0939F1Z", "too short"),
        ("", "empty"),
    ],
)
def test_invalid_gstins_are_refused(number, why):
    assert not is_valid_gstin(number), why
    with pytest.raises(ValidationError):
        validate_gstin(number)
