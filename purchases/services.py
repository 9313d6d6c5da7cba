"""Business actions on purchases. Each locks what it changes, checks state and role, runs the
transition, saves, audits, and schedules its side effects after commit."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from configuration.models import StoreProfile
from core.exceptions import InvalidInput, NotFound, RoleNotAllowed, TransitionNotAllowed
from core.permissions import CANCEL

from .audit import audit_record
from .fulfilment import purchase_follow_fulfilment
from .invoicing import allocate_number, credit_note_content, document_content
from .models import CreditNote, DocumentKind, Invoice, Item, Purchase, PurchaseStatus
from .transitions import run_transition


def lock_purchase(purchase_id: int) -> Purchase:
    """The purchase, locked for this transaction, or NotFound."""
    try:
        return Purchase.objects.select_for_update(of=("self",)).for_detail().get(pk=purchase_id)
    except (Purchase.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no purchase {purchase_id}.") from None


def _required_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"Say why you {action}.")
    if len(reason) > 1000:
        raise InvalidInput("The reason is too long (1,000 characters at most).")
    return reason


@transaction.atomic
def purchase_approve_fraud(*, purchase_id: int, user: AbstractBaseUser) -> Purchase:
    """Approve the fraud check of a confirmed purchase."""
    purchase = lock_purchase(purchase_id)
    run_transition(purchase, "approve_fraud", user=user, purchase=purchase)
    return purchase


@transaction.atomic
def purchase_deny_fraud(*, purchase_id: int, user: AbstractBaseUser, reason: str) -> Purchase:
    """Deny the fraud check of a confirmed purchase; a reason is required."""
    reason = _required_reason(reason, "deny the fraud check")
    purchase = lock_purchase(purchase_id)
    run_transition(purchase, "deny_fraud", user=user, purchase=purchase, reason=reason)
    return purchase


@transaction.atomic
def purchase_issue_invoice(*, purchase_id: int, user: AbstractBaseUser) -> Invoice:
    """Issue the GST tax invoice for the own items, numbered from this year's series."""
    purchase = lock_purchase(purchase_id)
    run_transition(purchase, "issue_invoice", user=user, purchase=purchase)
    store = StoreProfile.objects.current()
    issued_at = timezone.now()
    number, year, sequence = allocate_number(
        kind=DocumentKind.INVOICE, prefix=store.invoice_prefix, issued_at=issued_at
    )
    items = list(purchase.items.own().order_by("line_number"))
    content = document_content(
        purchase=purchase,
        store=store,
        # Units cancelled before invoicing are not supplied, so they are not invoiced.
        quantities={item: item.quantity - item.cancelled_quantity for item in items},
        number=number,
        issued_at=issued_at,
        title="Tax Invoice",
        # Frozen with the rest: a GSTIN entered or corrected later does not change this invoice.
        recipient_gstin=purchase.customer.gstin,
        shipping_charge=purchase.shipping_charge,
    )
    invoice = Invoice.objects.create(
        purchase=purchase,
        number=number,
        financial_year=year,
        sequence=sequence,
        issued_at=issued_at,
        issued_by=user,
        content=content,
        taxable_total=Decimal(content["taxable_total"]),
        tax_total=Decimal(content["tax_total"]),
        grand_total=Decimal(content["grand_total"]),
    )
    audit_record(purchase=purchase, subject=invoice, action="Invoice issued", user=user)
    # From invoicing on the state follows the items: partner items already handed over make it
    # Partially Complete at once, not at the next shipment.
    purchase_follow_fulfilment(purchase=purchase, user=user)
    return invoice


@transaction.atomic
def purchase_cancel(
    *,
    purchase_id: int,
    user: AbstractBaseUser,
    reason: str,
    item_quantities: dict[int, int] | None = None,
) -> Purchase:
    """Cancel a purchase, or some of its own items' open quantities (item id → quantity).

    Shipments not yet handed over that carry cancelled quantities are cancelled; once invoiced,
    a credit note is issued for what was cancelled.
    """
    from shipments.services import shipments_release_for_cancellation

    reason = _required_reason(reason, "cancel")
    purchase = lock_purchase(purchase_id)
    if not user.has_perm(CANCEL):
        raise RoleNotAllowed(f"{purchase}: your role may not cancel purchases.")
    if purchase.status in (PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED):
        raise TransitionNotAllowed(
            f"{purchase}: cannot cancel while {purchase.get_status_display()}."
        )
    own_items = {item.pk: item for item in purchase.items.own().select_for_update()}
    if item_quantities is None:
        item_quantities = {pk: item.open_quantity for pk, item in own_items.items()}
    to_cancel = _validated_cancellation(own_items, item_quantities)
    if not to_cancel:
        raise InvalidInput(f"{purchase}: nothing left to cancel.")

    shipments_release_for_cancellation(purchase=purchase, items=to_cancel, user=user, reason=reason)
    for item, quantity in to_cancel.items():
        item.refresh_from_db()
        item.cancelled_quantity += quantity
        moved = run_transition(
            item, "follow_quantities", user=None, purchase=purchase, reason=reason
        )
        item.save()
        if not moved:  # part of the item stays open; the timeline still says what was cancelled
            audit_record(
                purchase=purchase,
                subject=item,
                action=f"Cancelled {quantity} of {item.quantity}",
                user=user,
                reason=reason,
            )

    invoice = purchase.invoices.order_by("-issued_at").first()
    if invoice is not None:
        _issue_credit_note(
            purchase=purchase, invoice=invoice, items=to_cancel, user=user, reason=reason
        )

    everything_cancelled = all(
        item.cancelled_quantity == item.quantity for item in purchase.items.all()
    )
    if everything_cancelled:
        run_transition(purchase, "cancel", user=user, purchase=purchase, reason=reason)
    else:
        purchase_follow_fulfilment(purchase=purchase, user=user, reason=reason)
    return purchase


def _validated_cancellation(own_items: dict[int, Item], wanted: dict[int, int]) -> dict[Item, int]:
    result = {}
    for item_id, quantity in wanted.items():
        item = own_items.get(int(item_id))
        if item is None:
            raise InvalidInput(f"Item {item_id} is not an own item of this purchase.")
        if quantity < 0 or quantity > item.open_quantity:
            raise InvalidInput(
                f"{item.sku}: you can cancel at most {item.open_quantity} (asked {quantity})."
            )
        if quantity:
            result[item] = quantity
    return result


def _issue_credit_note(
    *, purchase, invoice, items: dict[Item, int], user, reason: str
) -> CreditNote:
    """A credit note against `invoice` for the cancelled `items` (item → units)."""
    store = StoreProfile.objects.current()
    issued_at = timezone.now()
    number, year, sequence = allocate_number(
        kind=DocumentKind.CREDIT_NOTE, prefix=store.credit_note_prefix, issued_at=issued_at
    )
    content = credit_note_content(
        purchase=purchase,
        store=store,
        invoice_content=invoice.content,
        quantities=items,
        own_items=list(purchase.items.own()),
        number=number,
        issued_at=issued_at,
        reason=reason,
    )
    note = CreditNote.objects.create(
        invoice=invoice,
        number=number,
        financial_year=year,
        sequence=sequence,
        issued_at=issued_at,
        issued_by=user,
        reason=reason,
        content=content,
        taxable_total=Decimal(content["taxable_total"]),
        tax_total=Decimal(content["tax_total"]),
        grand_total=Decimal(content["grand_total"]),
    )
    audit_record(
        purchase=purchase, subject=note, action="Credit note issued", user=user, reason=reason
    )
    return note
