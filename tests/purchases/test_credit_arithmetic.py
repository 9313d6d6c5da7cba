"""What credit notes give back of an invoiced line: never more than it was invoiced for, however
its units come back (cancelled, returned to origin, returned by the customer, a few at a time),
and exactly that once every unit is back."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.exceptions import InvalidInput
from purchases.crediting import credited_line
from purchases.invoicing import taxes_on

AMOUNTS = ("discount", "taxable_value", "cgst", "sgst", "igst", "total")


def invoiced_line(*, quantity: int, unit_price: Decimal, discount: Decimal, rate: int, intra: bool):
    taxable = unit_price * quantity - discount
    cgst, sgst, igst = taxes_on(taxable, rate, intra)
    return {
        "line": 1,
        "sku": "KH-BED-101",
        "quantity": quantity,
        "unit_price": str(unit_price),
        "discount": str(discount),
        "taxable_value": str(taxable),
        "gst_rate": rate,
        "cgst": str(cgst),
        "sgst": str(sgst),
        "igst": str(igst),
        "total": str(taxable + cgst + sgst + igst),
    }


@st.composite
def lines_and_returns(draw):
    quantity = draw(st.integers(1, 12))
    unit_price = Decimal(draw(st.integers(1, 500_000))) / 100
    discount = Decimal(draw(st.integers(0, int(unit_price * quantity * 100)))) / 100
    line = invoiced_line(
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        rate=draw(st.sampled_from([0, 3, 5, 12, 18, 28, 40])),
        intra=draw(st.booleans()),
    )
    parts, left = [], quantity
    while left:
        part = draw(st.integers(1, left))
        parts.append(part)
        left -= part
    return line, parts


@given(lines_and_returns())
def test_the_notes_of_a_line_add_up_to_exactly_what_it_was_invoiced_for(case):
    line, parts = case
    given_back, before = [], 0
    for quantity in parts:
        given_back.append(credited_line(line, before=before, quantity=quantity))
        before += quantity

    for name in AMOUNTS:
        amounts = [Decimal(note[name]) for note in given_back]
        assert all(amount >= 0 for amount in amounts)
        assert sum(amounts) == Decimal(line[name])
    for note in given_back:
        taxes = Decimal(note["cgst"]) + Decimal(note["sgst"]) + Decimal(note["igst"])
        assert Decimal(note["total"]) == Decimal(note["taxable_value"]) + taxes


def test_a_third_of_a_discounted_line_three_times_is_the_line_to_the_paisa():
    line = invoiced_line(
        quantity=3, unit_price=Decimal("100.00"), discount=Decimal("10.00"), rate=12, intra=True
    )
    notes = [credited_line(line, before=n, quantity=1) for n in range(3)]

    assert [note["taxable_value"] for note in notes] == ["96.67", "96.66", "96.67"]
    assert (
        sum(Decimal(note["total"]) for note in notes) == Decimal(line["total"]) == Decimal("324.80")
    )


def test_more_units_than_are_left_to_give_back_are_refused():
    line = invoiced_line(
        quantity=2, unit_price=Decimal("649.00"), discount=Decimal("0"), rate=5, intra=False
    )
    with pytest.raises(InvalidInput, match="2 invoiced, 1 given back already; 2 more cannot be"):
        credited_line(line, before=1, quantity=2)
