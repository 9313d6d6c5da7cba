"""GST invoice and credit note numbers and their frozen content (CGST rules 46 and 53).

Numbers come from a DocumentSeries row locked in the same transaction that inserts the
document: two staff pressing the button at once queue on the lock, and a rollback gives the
number back, so the series has no gaps and no duplicates.
"""

import datetime as dt
import functools
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from num2words import num2words

from configuration.models import StoreProfile
from core.exceptions import InvalidInput
from core.india import PAISE, GstState, to_paise

from .models import CreditNote, DocumentSeries, Item, Purchase

NUMBER_DIGITS = 6
NUMBER_MAX_LENGTH = 16  # CGST rule 46(b)


def financial_year_of(moment: dt.datetime) -> str:
    """'26-27' for any moment from 1 April 2026 to 31 March 2027, in India's time."""
    local = timezone.localtime(moment)
    start = local.year if local.month >= 4 else local.year - 1
    return f"{start % 100:02d}-{(start + 1) % 100:02d}"


def document_number(prefix: str, year: str, sequence: int) -> str:
    """WS/26-27/000123: the prefix, the financial year and the sequence in six digits."""
    return f"{prefix}/{year}/{sequence:0{NUMBER_DIGITS}d}"


def allocate_number(*, kind: str, prefix: str, issued_at: dt.datetime) -> tuple[str, str, int]:
    """Take the next number of a series: (number, financial year, sequence). Call inside atomic."""
    assert transaction.get_connection().in_atomic_block, "allocate_number needs a transaction"
    year = financial_year_of(issued_at)
    DocumentSeries.objects.get_or_create(kind=kind, financial_year=year)
    series = DocumentSeries.objects.select_for_update().get(kind=kind, financial_year=year)
    sequence = series.next_number
    number = document_number(prefix, year, sequence)
    if len(number) > NUMBER_MAX_LENGTH:
        # Refused before anything is saved: the transaction rolls back and the series keeps no gap.
        raise InvalidInput(
            f"{number} would be longer than the {NUMBER_MAX_LENGTH} characters a GST document "
            "number may have: shorten the prefix in the store profile."
        )
    series.next_number = sequence + 1
    series.save(update_fields=["next_number"])
    return number, year, sequence


def payable(invoiced: Iterable[Decimal], credited: Iterable[Decimal]) -> Decimal | None:
    """What the customer owes for a purchase's own items: its invoices' (rounded) totals less its
    credit notes', or None while nothing is invoiced."""
    invoiced = list(invoiced)
    if not invoiced:
        return None
    return sum(invoiced, Decimal("0")) - sum(credited, Decimal("0"))


def amount_payable(purchase: Purchase) -> Decimal | None:
    """`payable` of a purchase, read from its invoices and credit notes."""
    return payable(
        purchase.invoices.values_list("grand_total", flat=True),
        CreditNote.objects.filter(invoice__purchase=purchase).values_list("grand_total", flat=True),
    )


@functools.lru_cache(maxsize=4096)  # pure, and slow (num2words); many documents share totals
def amount_in_words(amount: Decimal) -> str:
    """'Rupees One Lakh Twenty-Three Thousand ... and Fifty Paise Only' in the Indian system."""
    amount = to_paise(amount)
    rupees = int(amount)
    paise = int((amount - rupees) * 100)
    words = "Rupees " + _capitalised(num2words(rupees, lang="en_IN"))
    if paise:
        words += " and " + _capitalised(num2words(paise, lang="en_IN")) + " Paise"
    return words + " Only"


def _capitalised(words: str) -> str:
    """'one lakh, twenty-three thousand and four' → 'One Lakh Twenty-Three Thousand and Four'."""
    return " ".join(
        word if word == "and" else word.title() for word in words.replace(",", "").split()
    )


def taxes_on(taxable: Decimal, rate: int, intra_state: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(CGST, SGST, IGST) on a taxable value: the tax at the rate, to the paisa, as the customer
    was charged it (purchases.rules.OrderLine); within the state it is split in halves, CGST
    taking the odd paisa when there is one, so the line still adds up to the charge."""
    tax = to_paise(taxable * Decimal(rate) / 100)
    if intra_state:
        cgst = to_paise(tax / 2)
        return cgst, tax - cgst, Decimal("0.00")
    return Decimal("0.00"), Decimal("0.00"), tax


def _taxed_line(
    *,
    number: int,
    sku: str,
    description: str,
    hsn: str,
    quantity: int,
    unit: str,
    unit_price: Decimal,
    discount: Decimal,
    taxable: Decimal,
    rate: int,
    intra_state: bool,
    taxes: tuple[Decimal, Decimal, Decimal],
) -> dict:
    """One line of an invoice or credit note, as frozen in its content."""
    cgst, sgst, igst = taxes
    half_rate = str(Decimal(rate) / 2)
    return {
        "line": number,
        "sku": sku,
        "description": description,
        "hsn": hsn,
        "quantity": quantity,
        "unit": unit,
        "unit_price": str(unit_price),
        "discount": str(discount),
        "taxable_value": str(taxable),
        "gst_rate": rate,
        "cgst_rate": half_rate if intra_state else "0",
        "sgst_rate": half_rate if intra_state else "0",
        "igst_rate": "0" if intra_state else str(Decimal(rate)),
        "cgst": str(cgst),
        "sgst": str(sgst),
        "igst": str(igst),
        "total": str(taxable + cgst + sgst + igst),
    }


def _line(item: Item, quantity: int, intra_state: bool) -> dict:
    share = Decimal(quantity) / Decimal(item.quantity)
    taxable = to_paise(item.unit_price * quantity - item.discount * share)
    return _taxed_line(
        number=item.line_number,
        sku=item.sku,
        description=item.name,
        hsn=item.hsn_code,
        quantity=quantity,
        unit="NOS",
        unit_price=item.unit_price,
        discount=to_paise(item.discount * share),
        taxable=taxable,
        rate=item.gst_rate,
        intra_state=intra_state,
        taxes=taxes_on(taxable, item.gst_rate, intra_state),
    )


SHIPPING_SAC = "9965"  # services accounting code: goods transport services
SHIPPING_DESCRIPTION = "Shipping and handling"


def shipping_line_of(content: dict) -> dict | None:
    """The shipping line of an issued document's content, if it has one."""
    return next(
        (line for line in content["lines"] if not line["sku"] and line["hsn"] == SHIPPING_SAC),
        None,
    )


def shipping_line(charge: Decimal, rate: int, intra_state: bool, number: int) -> dict:
    """What the customer paid for shipping (tax included) as a line of the invoice. Delivering the
    goods is part of their supply (a composite supply), so it is taxed at the rate of the goods:
    the highest rate among them."""
    # The line adds up to exactly what was paid. Of the taxable values nearest the exact one, take
    # one whose taxes, worked out as on every line, bring it back to the charge; when none does,
    # the tax is what remains of the charge, CGST and SGST equal halves of it (the odd paisa, if
    # any, goes to the taxable value).
    exact = to_paise(charge * 100 / (100 + Decimal(rate)))
    candidates = (exact, exact - PAISE, exact + PAISE)
    fits = [t for t in candidates if _fits(t, rate, intra_state, charge)]
    if fits:
        taxable, taxes = fits[0], taxes_on(fits[0], rate, intra_state)
    elif intra_state:
        half = to_paise((charge - exact) / 2)
        taxable, taxes = charge - 2 * half, (half, half, Decimal("0.00"))
    else:
        taxable, taxes = exact, (Decimal("0.00"), Decimal("0.00"), charge - exact)
    return _taxed_line(
        number=number,
        sku="",
        description=SHIPPING_DESCRIPTION,
        hsn=SHIPPING_SAC,
        quantity=1,
        unit="OTH",
        unit_price=taxable,
        discount=Decimal("0.00"),
        taxable=taxable,
        rate=rate,
        intra_state=intra_state,
        taxes=taxes,
    )


def _fits(taxable: Decimal, rate: int, intra_state: bool, charge: Decimal) -> bool:
    """The taxable value and its taxes add up to the charge, CGST and SGST in equal halves (the
    shipping line's taxable value may take the odd paisa; a product's price may not)."""
    cgst, sgst, igst = taxes_on(taxable, rate, intra_state)
    return taxable + cgst + sgst + igst == charge and cgst == sgst


def place_of_supply(*, shipping_state: str, recipient_gstin: str) -> str:
    """The state code of the place of supply (IGST Act, section 10(1)): where the goods are
    delivered, unless a registered recipient has them delivered to someone else, when it is the
    recipient's own state, the one its GSTIN is registered in (section 10(1)(b), 'bill to, ship
    to'): the recipient claims the tax credit there."""
    if recipient_gstin and recipient_gstin[:2] in GstState.values:
        return recipient_gstin[:2]
    return shipping_state


def document_content(
    *,
    purchase: Purchase,
    store: StoreProfile,
    quantities: dict[Item, int],
    number: str,
    issued_at: dt.datetime,
    title: str,
    recipient_gstin: str,
    shipping_charge: Decimal = Decimal("0"),
    shipping_rate: int | None = None,
    as_invoiced: dict | None = None,
    to_whole_rupees: bool = False,
) -> dict:
    """Every particular printed on an invoice or credit note, as plain JSON, frozen at issue.

    `recipient_gstin` is the customer's GSTIN, or '' when unregistered (printed "Unregistered").
    `shipping_charge`, what the customer paid for shipping (tax included), becomes a line taxed
    at `shipping_rate`, by default the highest rate of the goods. `as_invoiced`, for a credit
    note, is its invoice's content: its place of supply and tax heads are kept.
    `to_whole_rupees`: the total is charged in whole rupees (cash on delivery), so the document
    rounds it and says so; otherwise it is exactly what was charged, to the paisa.
    """
    billing, shipping = purchase.billing_address, purchase.shipping_address
    if as_invoiced is not None:
        supply_state = as_invoiced["place_of_supply"]["state_code"]
        intra_state = as_invoiced["intra_state"]
    else:
        supply_state = place_of_supply(
            shipping_state=shipping.state, recipient_gstin=recipient_gstin
        )
        intra_state = supply_state == store.state
    lines = [_line(item, qty, intra_state) for item, qty in quantities.items() if qty > 0]
    if shipping_charge and lines:
        rates = [line["gst_rate"] for line in lines]
        rate = shipping_rate if shipping_rate is not None else max(rates)
        after_last = max(line["line"] for line in lines) + 1
        lines.append(shipping_line(to_paise(shipping_charge), rate, intra_state, after_last))
    return {
        "title": title,
        "number": number,
        "issued_at": issued_at.isoformat(),
        "issued_on": timezone.localtime(issued_at).strftime("%d %b %Y"),
        "purchase_number": purchase.number,
        "placed_on": timezone.localtime(purchase.placed_at).strftime("%d %b %Y"),
        "payment_method": purchase.get_payment_method_display(),
        "supplier": _supplier(store),
        "recipient": _address(billing) | {"gstin": recipient_gstin},
        "delivery": _address(shipping),
        "delivery_differs": _address_key(billing) != _address_key(shipping),
        "place_of_supply": {"state": GstState(supply_state).label, "state_code": supply_state},
        "intra_state": intra_state,
        "reverse_charge": False,
        "lines": lines,
        "rounded_to_rupee": to_whole_rupees,
        **document_totals(lines, round_off=_round_off(lines) if to_whole_rupees else None),
    }


def _round_off(lines: list[dict]) -> Decimal:
    exact = sum((Decimal(line["total"]) for line in lines), Decimal("0"))
    return to_rupee(exact) - exact


def _supplier(store: StoreProfile) -> dict:
    return {
        "legal_name": store.legal_name,
        "display_name": store.display_name,
        "gstin": store.gstin,
        "address_lines": store.address_lines,
        "state": store.get_state_display(),
        "state_code": store.state,
        "phone": store.phone,
        "email": store.email,
    }


def _address(address) -> dict:
    return {
        "name": address.name,
        "lines": address.lines,
        "state": address.get_state_display(),
        "state_code": address.state,
        "pin_code": address.pin_code,
        "mobile": address.mobile,
    }


def to_rupee(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(PAISE)


def document_totals(lines: list[dict], *, round_off: Decimal | None = None) -> dict:
    """The document's totals: the lines' sums, and the grand total: exactly their sum, or with
    `round_off` added (an amount charged in whole rupees: cash collected on delivery)."""
    taxable = sum((Decimal(line["taxable_value"]) for line in lines), Decimal("0"))
    cgst = sum((Decimal(line["cgst"]) for line in lines), Decimal("0"))
    sgst = sum((Decimal(line["sgst"]) for line in lines), Decimal("0"))
    igst = sum((Decimal(line["igst"]) for line in lines), Decimal("0"))
    exact = taxable + cgst + sgst + igst
    rounded = exact + (round_off or Decimal("0.00"))
    return {
        "taxable_total": str(taxable),
        "cgst_total": str(cgst),
        "sgst_total": str(sgst),
        "igst_total": str(igst),
        "tax_total": str(cgst + sgst + igst),
        "round_off": str((round_off or Decimal("0")).quantize(PAISE)),
        "grand_total": str(rounded.quantize(PAISE)),
        "amount_in_words": amount_in_words(rounded),
    }


def _address_key(a) -> tuple:
    return (a.name, a.line1, a.line2, a.landmark, a.city, a.state, a.pin_code)
