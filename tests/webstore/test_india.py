"""Indian formats: rupee amounts with lakh/crore grouping."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webstore.india import format_inr, format_inr_with_babel


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
    assert format_inr(amount) == format_inr_with_babel(amount)


def test_nothing_shows_nothing():
    assert format_inr(None) == ""
