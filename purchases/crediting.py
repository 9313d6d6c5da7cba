"""What a credit note gives back of its invoice: each line's share of what the invoice charged for
it, so that however many notes credit a line (cancelled units, parcels returned to origin,
customers' returns), together they never give back more than it was invoiced for."""

import datetime as dt
from decimal import Decimal

from configuration.models import StoreProfile
from core.exceptions import InvalidInput
from core.india import to_paise

from .invoicing import document_content, document_totals, shipping_line_of, to_rupee
from .models import Item, Purchase


def credit_note_content(
    *,
    purchase: Purchase,
    store: StoreProfile,
    invoice_content: dict,
    credited_before: list[dict],
    quantities: dict[Item, int],
    with_shipping: bool,
    number: str,
    issued_at: dt.datetime,
    reason: str,
) -> dict:
    """A credit note giving back `quantities` (item → units) of the invoice whose content is
    given, `credited_before` being its earlier credit notes' contents: the recipient, place of
    supply and tax heads that invoice printed, whatever changed since. Each line gives back its
    share of what the invoice charged for that line (`credited_line`), so however many notes
    credit a line, together they never give back more than it was invoiced for, and the last
    unit gives back exactly what remains. `with_shipping`: the invoice's shipping line is given
    back too (once), when no goods reach the customer after all."""
    content = document_content(
        purchase=purchase,
        store=store,
        quantities={},
        number=number,
        issued_at=issued_at,
        title="Credit Note",
        recipient_gstin=invoice_content["recipient"].get("gstin", ""),
        as_invoiced=invoice_content,
    )
    invoiced = {line["line"]: line for line in invoice_content["lines"] if line["sku"]}
    lines = []
    for item, quantity in sorted(quantities.items(), key=lambda pair: pair[0].line_number):
        if quantity <= 0:
            continue
        if item.line_number not in invoiced:
            raise InvalidInput(f"{item.sku}: line {item.line_number} is not on the invoice.")
        line = invoiced[item.line_number]
        before = units_credited(credited_before, item.line_number)
        lines.append(credited_line(line, before=before, quantity=quantity))
    shipping = shipping_line_of(invoice_content)
    already = any(shipping_line_of(earlier) for earlier in credited_before)
    if with_shipping and shipping and not already and lines:
        lines.append(shipping | {"line": max(line["line"] for line in lines) + 1})
    content["lines"] = lines
    content["rounded_to_rupee"] = _rounded(invoice_content)
    round_off = credited_round_off(invoice_content, credited_before, lines)
    content.update(document_totals(lines, round_off=round_off))
    content["against_invoice"] = {
        "number": invoice_content["number"],
        "issued_on": invoice_content["issued_on"],
    }
    content["reason"] = reason
    return content


def _rounded(invoice_content: dict) -> bool:
    # Invoices issued before the key was kept were all rounded to the rupee.
    return invoice_content.get("rounded_to_rupee", True)


def credited_round_off(
    invoice_content: dict, credited_before: list[dict], lines: list[dict]
) -> Decimal | None:
    """For an invoice rounded to the rupee, the round-off that makes everything credited so far,
    this note included, the rupee nearest its exact sum: each note gives back whole rupees, and
    once all is credited the notes add up to the invoice's total. None for an exact invoice."""
    if not _rounded(invoice_content):
        return None
    before = sum(
        (Decimal(line["total"]) for note in credited_before for line in note["lines"]),
        Decimal("0"),
    )
    after = before + sum((Decimal(line["total"]) for line in lines), Decimal("0"))
    return (to_rupee(after) - after) - (to_rupee(before) - before)


CREDITED_AMOUNTS = ("discount", "taxable_value", "cgst", "sgst", "igst")


def units_credited(notes: list[dict], line_number: int) -> int:
    """How many units of an invoice's line the given credit notes' contents gave back."""
    return sum(
        line["quantity"]
        for note in notes
        for line in note["lines"]
        if line["sku"] and line["line"] == line_number
    )


def credited_line(invoiced: dict, *, before: int, quantity: int) -> dict:
    """`quantity` more units of an invoice's line given back, `before` units having been given
    back already: each amount is the invoiced amount's share of all units given back so far, less
    its share of those given back before, both to the paisa. The shares telescope, so every note
    together gives back exactly what the line was invoiced for once all its units are back."""
    invoiced_units = invoiced["quantity"]
    if before + quantity > invoiced_units:
        raise InvalidInput(
            f"{invoiced['sku']}: {invoiced_units} invoiced, {before} given back already; "
            f"{quantity} more cannot be."
        )

    def share(amount: str, units: int) -> Decimal:
        return to_paise(Decimal(amount) * units / invoiced_units)

    amounts = {
        name: share(invoiced[name], before + quantity) - share(invoiced[name], before)
        for name in CREDITED_AMOUNTS
    }
    total = amounts["taxable_value"] + amounts["cgst"] + amounts["sgst"] + amounts["igst"]
    return (
        invoiced
        | {name: str(value) for name, value in amounts.items()}
        | {
            "quantity": quantity,
            "total": str(total),
        }
    )
