"""What invoicing and cancelling do to a purchase, its items and shipments: the rules, in memory.

Each rule takes a `Step` (step.py: the purchase with all its items and shipments, who acts, when,
and the journal its changes go to), changes those objects and tells the journal what changed and
what the timeline says; none reads or writes the database itself. The services (`services.py`) lock
and load what a rule needs, check the user's role and what was typed, and call the rule with a
journal that saves; the demo builder (`demo/`) calls the same rules to make its store. Shipments
have theirs in `shipments/rules.py`, partner reports in `partners/rules.py`.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from configuration.models import StoreProfile
from shipments.models import ShipmentItem
from shipments.rules import cancel_shipments_carrying

from .invoicing import credit_note_content, document_content
from .models import CreditNote, Invoice, Item
from .step import Step

# Takes the next number of a series for a document issued at the given time:
# (number, financial year, sequence).
NumberTaker = Callable[[dt.datetime], tuple[str, str, int]]


def issue_invoice(step: Step, *, store: StoreProfile, take_number: NumberTaker) -> Invoice:
    """Issue the GST tax invoice of the own items, numbered by `take_number`."""
    purchase = step.purchase
    step.move(purchase, "issue_invoice")
    own = sorted((item for item in step.items if item.is_own()), key=lambda i: i.line_number)
    number = take_number(step.at)
    content = document_content(
        purchase=purchase,
        store=store,
        # Units cancelled before invoicing are not supplied, so they are not invoiced.
        quantities={item: item.quantity - item.cancelled_quantity for item in own},
        number=number[0],
        issued_at=step.at,
        title="Tax Invoice",
        # Frozen with the rest: a GSTIN entered or corrected later does not change this invoice.
        recipient_gstin=purchase.customer.gstin,
        shipping_charge=purchase.shipping_charge,
    )
    invoice = Invoice(purchase=purchase, **_issued(step, content, number))
    step.add(invoice)
    step.note(invoice, "Invoice issued")
    # From invoicing on the state follows the items: partner items already handed over make it
    # Partially Complete at once, not at the next shipment.
    step.follow()
    return invoice


def cancel(
    step: Step,
    *,
    quantities: dict[Item, int],
    lines: list[ShipmentItem],
    invoice: Invoice | None,
    store: StoreProfile,
    take_number: NumberTaker,
    reason: str,
) -> CreditNote | None:
    """Cancel `quantities` (own item → units, each at most what is open). The shipments not yet
    handed over that carry them are cancelled first (their other units wait for a courier
    again); once invoiced, a credit note numbered by `take_number` gives back what was
    cancelled (and is returned); when every unit is cancelled, so is the purchase."""
    cancel_shipments_carrying(step, quantities=quantities, lines=lines, reason=reason)
    for item, quantity in quantities.items():
        item.cancel(quantity)
        step.update(item)
        if not step.move(item, "follow_quantities", reason=reason, by_system=True):
            # Part of the item stays open; the timeline still says what was cancelled.
            step.note(item, f"Cancelled {quantity} of {item.quantity}", reason=reason)
    note = None
    if invoice is not None:
        note = issue_credit_note(
            step,
            invoice=invoice,
            quantities=quantities,
            store=store,
            take_number=take_number,
            reason=reason,
        )
    if all(item.cancelled_quantity == item.quantity for item in step.items):
        step.move(step.purchase, "cancel", reason=reason)
    else:
        step.follow(reason=reason)
    return note


def issue_credit_note(
    step: Step,
    *,
    invoice: Invoice,
    quantities: dict[Item, int],
    store: StoreProfile,
    take_number: NumberTaker,
    reason: str,
) -> CreditNote:
    """A credit note against `invoice` for the cancelled `quantities` (item → units)."""
    number = take_number(step.at)
    content = credit_note_content(
        purchase=step.purchase,
        store=store,
        invoice_content=invoice.content,
        quantities=quantities,
        own_items=[item for item in step.items if item.is_own()],
        number=number[0],
        issued_at=step.at,
        reason=reason,
    )
    note = CreditNote(invoice=invoice, reason=reason, **_issued(step, content, number))
    step.add(note)
    step.note(note, "Credit note issued", reason=reason)
    return note


def _issued(step: Step, content: dict, number: tuple[str, str, int]) -> dict:
    """The fields an invoice and a credit note share: number, issue and frozen totals."""
    return {
        "number": number[0],
        "financial_year": number[1],
        "sequence": number[2],
        "issued_at": step.at,
        "issued_by": step.user,
        "content": content,
        "taxable_total": Decimal(content["taxable_total"]),
        "tax_total": Decimal(content["tax_total"]),
        "grand_total": Decimal(content["grand_total"]),
    }
