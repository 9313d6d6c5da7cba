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
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from catalog.models import Product
from configuration.models import StoreProfile
from core.india import to_paise
from core.journal import Journal
from customers.models import Customer
from shipments.models import ShipmentItem
from shipments.rules import cancel_shipments_carrying

from .crediting import credit_note_content
from .fulfilment import partner_status_of
from .invoicing import document_content
from .models import Address, CreditNote, Invoice, Item, PartnerStatus, Purchase, PurchaseKind
from .step import Step

# Takes the next number of a series for a document issued at the given time:
# (number, financial year, sequence).
NumberTaker = Callable[[dt.datetime], tuple[str, str, int]]


@dataclass(frozen=True)
class OrderLine:
    """One line of an order as placed: a product, how many, at what price before GST (the store's
    price or the channel's), less a discount on the whole line, before GST."""

    product: Product
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal("0.00")

    @property
    def taxable(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount

    @property
    def tax(self) -> Decimal:
        return to_paise(self.taxable * self.product.gst_rate / 100)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # taxable value
    tax_total: Decimal
    grand_total: Decimal  # what the customer is charged: the lines with their tax, and shipping


def totals_of(lines: list[OrderLine], shipping_charge: Decimal) -> Totals:
    """What an order comes to: each line's tax to the paisa, then shipping (tax included)."""
    subtotal = sum((line.taxable for line in lines), Decimal("0.00"))
    tax_total = sum((line.tax for line in lines), Decimal("0.00"))
    return Totals(subtotal, tax_total, subtotal + tax_total + shipping_charge)


def kind_of(lines: list[OrderLine]) -> str:
    """Own, Infibeam or mixed, by who fulfils the lines' products."""
    own = sum(1 for line in lines if line.product.is_own())
    if own == len(lines):
        return PurchaseKind.OWN
    return PurchaseKind.MIXED if own else PurchaseKind.INFIBEAM


def place(
    *,
    number: str,
    customer: Customer,
    billing: Address,
    shipping: Address,
    lines: list[OrderLine],
    shipping_charge: Decimal,
    payment_method: str,
    placed_at: dt.datetime,
    journal: Journal,
    user: AbstractBaseUser | None = None,
    channel: object | None = None,
    external_reference: str = "",
) -> Step:
    """A purchase as its customer placed it, In Checkout: its lines copied from their products,
    what it comes to, and its own units committed from stock (OutOfStock when a product has too
    few). The addresses are new rows already; the products' rows are locked by the caller.
    Returns the step the purchase's next moves (payment, confirmation) take."""
    totals = totals_of(lines, shipping_charge)
    kind = kind_of(lines)
    purchase = Purchase(
        number=number,
        customer=customer,
        billing_address=billing,
        shipping_address=shipping,
        payment_method=payment_method,
        kind=kind,
        subtotal=totals.subtotal,
        tax_total=totals.tax_total,
        shipping_charge=shipping_charge,
        grand_total=totals.grand_total,
        placed_at=placed_at,
        updated_at=placed_at,
        partner_status=PartnerStatus.NONE if kind == PurchaseKind.OWN else PartnerStatus.AWAITING,
        channel=channel,
        external_reference=external_reference,
    )
    journal.add(purchase)
    items = []
    for number_of_line, line in enumerate(lines, start=1):
        item = Item.of_product(
            line.product,
            purchase=purchase,
            line_number=number_of_line,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
        )
        journal.add(item)
        items.append(item)
        line.product.commit(line.quantity)
        journal.update(line.product)
    # Questions the transitions ask about the items (has_open_own_items) are answered from these
    # objects, as on a page that prefetched them.
    purchase._prefetched_objects_cache = {"items": items}
    return Step(purchase, items, [], user, placed_at, journal)


def start_payment(step: Step) -> None:
    """The customer started paying; the gateway has not confirmed yet."""
    step.move(step.purchase, "freeze_for_payment")


def pay(step: Step, *, paid_at=None) -> None:
    """The gateway captured the payment (at `paid_at`, when it says so): the purchase is
    Confirmed, and paid."""
    step.move(step.purchase, "confirm")
    step.purchase.paid_at = paid_at or step.at
    step.update(step.purchase)


def accept_cash_on_delivery(step: Step) -> None:
    """A cash-on-delivery purchase is Confirmed when placed; it is paid when the courier remits
    the cash it collects."""
    step.move(step.purchase, "confirm")


def abandon(step: Step, *, reason: str) -> None:
    """The payment failed or expired before the purchase was placed: every unit of it, the
    partner's too (Infibeam never heard of it), is cancelled, and its own units go back to stock."""
    for item in step.items:
        if item.open_quantity:
            quantity = item.open_quantity
            item.cancel(quantity)
            step.update(item)
            if item.product is not None:
                item.product.release(quantity)
                step.update(item.product)
            step.move(item, "follow_quantities", reason=reason, by_system=True)
    step.move(step.purchase, "follow_partner_reports", args=(partner_status_of(step.items),))
    step.move(step.purchase, "abandon", reason=reason)


def deny_fraud(step: Step, *, reason: str) -> None:
    """Refuse the purchase as fraudulent: its own units go back to stock."""
    step.move(step.purchase, "deny_fraud", reason=reason)
    for item in step.items:
        if item.is_own() and item.product is not None:
            item.product.release(item.open_quantity)
            step.update(item.product)


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
        # Cash is collected in whole rupees; a prepaid charge is invoiced to the paisa.
        to_whole_rupees=purchase.is_cash_on_delivery(),
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
    credited_before: list[dict],
    store: StoreProfile,
    take_number: NumberTaker,
    reason: str,
) -> CreditNote | None:
    """Cancel `quantities` (own item → units, each at most what is open). The shipments not yet
    handed over that carry them are cancelled first (their other units wait for a courier
    again); once invoiced, a credit note numbered by `take_number` gives back what was
    cancelled (and is returned; `credited_before` are the invoice's earlier notes' contents);
    when every unit is cancelled, so is the purchase."""
    cancel_shipments_carrying(step, quantities=quantities, lines=lines, reason=reason)
    for item, quantity in quantities.items():
        item.cancel(quantity)
        step.update(item)
        if item.product is not None:
            item.product.release(quantity)
            step.update(item.product)
        if not step.move(item, "follow_quantities", reason=reason, by_system=True):
            # Part of the item stays open; the timeline still says what was cancelled.
            step.note(item, f"Cancelled {quantity} of {item.quantity}", reason=reason)
    note = None
    if invoice is not None:
        note = issue_credit_note(
            step,
            invoice=invoice,
            credited_before=credited_before,
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
    credited_before: list[dict],
    quantities: dict[Item, int],
    store: StoreProfile,
    take_number: NumberTaker,
    reason: str,
) -> CreditNote:
    """A credit note against `invoice` giving back `quantities` (item → units: cancelled, or
    received back), `credited_before` being the contents of the invoice's earlier notes. The
    shipping the customer paid is given back too once none of the goods reaches them (the items
    as they are after this step)."""
    number = take_number(step.at)
    content = credit_note_content(
        purchase=step.purchase,
        store=store,
        invoice_content=invoice.content,
        credited_before=credited_before,
        quantities=quantities,
        with_shipping=not any(item.reaches_customer() for item in step.items if item.is_own()),
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
