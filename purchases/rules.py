"""What invoicing and cancelling do to a purchase, its items and shipments: the rules, in memory.

Each function changes the objects it is given and tells the journal (`journal.py`) what changed and
what the timeline says; none reads or writes the database itself. The services (`services.py`)
lock and load what a rule needs, check the user's role and what was typed, call the rule with a
DatabaseJournal and schedule what follows the commit; the demo builder (`demo/`) calls the same
rules to make its store. Shipments have theirs in `shipments/rules.py`, partner reports in
`partners/rules.py`.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from configuration.models import StoreProfile
from shipments.models import Shipment, ShipmentItem
from shipments.rules import cancel_shipments_carrying

from .audit import audit_entry
from .fulfilment import follow_fulfilment
from .invoicing import credit_note_content, document_content
from .journal import Journal
from .models import CreditNote, Invoice, Item, Purchase
from .transitions import run_transition

# Takes the next number of a series for a document issued at the given time:
# (number, financial year, sequence).
NumberTaker = Callable[[dt.datetime], tuple[str, str, int]]


def issue_invoice(
    *,
    purchase: Purchase,
    items: list[Item],
    shipments: list[Shipment],
    store: StoreProfile,
    take_number: NumberTaker,
    user: AbstractBaseUser | None,
    at: dt.datetime,
    journal: Journal,
) -> Invoice:
    """Issue the GST tax invoice of the own items, numbered by `take_number`."""
    run_transition(purchase, "issue_invoice", purchase=purchase, user=user, at=at, journal=journal)
    number, year, sequence = take_number(at)
    own = sorted((item for item in items if item.is_own()), key=lambda item: item.line_number)
    content = document_content(
        purchase=purchase,
        store=store,
        # Units cancelled before invoicing are not supplied, so they are not invoiced.
        quantities={item: item.quantity - item.cancelled_quantity for item in own},
        number=number,
        issued_at=at,
        title="Tax Invoice",
        # Frozen with the rest: a GSTIN entered or corrected later does not change this invoice.
        recipient_gstin=purchase.customer.gstin,
        shipping_charge=purchase.shipping_charge,
    )
    invoice = Invoice(purchase=purchase, **_numbered(content, number, year, sequence, at, user))
    journal.add(invoice)
    journal.audit(
        audit_entry(purchase=purchase, subject=invoice, action="Invoice issued", user=user, at=at)
    )
    # From invoicing on the state follows the items: partner items already handed over make it
    # Partially Complete at once, not at the next shipment.
    follow_fulfilment(
        purchase=purchase, items=items, shipments=shipments, user=user, at=at, journal=journal
    )
    return invoice


def cancel(
    *,
    purchase: Purchase,
    quantities: dict[Item, int],
    items: list[Item],
    shipments: list[Shipment],
    lines: list[ShipmentItem],
    invoice: Invoice | None,
    store: StoreProfile,
    take_number: NumberTaker,
    user: AbstractBaseUser | None,
    at: dt.datetime,
    journal: Journal,
    reason: str,
) -> CreditNote | None:
    """Cancel `quantities` (own item → units, each at most what is open). The shipments not yet
    handed over that carry them are cancelled first (their other units wait for a courier
    again); once invoiced, a credit note numbered by `take_number` gives back what was
    cancelled (and is returned); when every unit is cancelled, so is the purchase."""
    context = {"purchase": purchase, "at": at, "journal": journal, "reason": reason}
    cancel_shipments_carrying(
        quantities, items=items, shipments=shipments, lines=lines, user=user, **context
    )
    for item, quantity in quantities.items():
        item.cancel(quantity)
        journal.update(item)
        if not run_transition(item, "follow_quantities", user=None, **context):
            # Part of the item stays open; the timeline still says what was cancelled.
            action = f"Cancelled {quantity} of {item.quantity}"
            journal.audit(
                audit_entry(
                    purchase=purchase, subject=item, action=action, user=user, at=at, reason=reason
                )
            )
    note = None
    if invoice is not None:
        note = issue_credit_note(
            purchase=purchase,
            invoice=invoice,
            quantities=quantities,
            items=items,
            store=store,
            take_number=take_number,
            user=user,
            at=at,
            journal=journal,
            reason=reason,
        )
    if all(item.cancelled_quantity == item.quantity for item in items):
        run_transition(purchase, "cancel", user=user, **context)
    else:
        follow_fulfilment(items=items, shipments=shipments, user=user, **context)
    return note


def issue_credit_note(
    *,
    purchase: Purchase,
    invoice: Invoice,
    quantities: dict[Item, int],
    items: list[Item],
    store: StoreProfile,
    take_number: NumberTaker,
    user: AbstractBaseUser | None,
    at: dt.datetime,
    journal: Journal,
    reason: str,
) -> CreditNote:
    """A credit note against `invoice` for the cancelled `quantities` (item → units)."""
    number, year, sequence = take_number(at)
    content = credit_note_content(
        purchase=purchase,
        store=store,
        invoice_content=invoice.content,
        quantities=quantities,
        own_items=[item for item in items if item.is_own()],
        number=number,
        issued_at=at,
        reason=reason,
    )
    note = CreditNote(
        invoice=invoice, reason=reason, **_numbered(content, number, year, sequence, at, user)
    )
    journal.add(note)
    journal.audit(
        audit_entry(
            purchase=purchase,
            subject=note,
            action="Credit note issued",
            user=user,
            at=at,
            reason=reason,
        )
    )
    return note


def _numbered(content: dict, number: str, year: str, sequence: int, at, user) -> dict:
    """The fields an invoice and a credit note share: number, issue and frozen totals."""
    return {
        "number": number,
        "financial_year": year,
        "sequence": sequence,
        "issued_at": at,
        "issued_by": user,
        "content": content,
        "taxable_total": Decimal(content["taxable_total"]),
        "tax_total": Decimal(content["tax_total"]),
        "grand_total": Decimal(content["grand_total"]),
    }
