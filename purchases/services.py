"""Business actions on purchases. Each locks what it changes, checks the user's role and what was
typed, lets the rule (`rules.py`) change the purchase with a DatabaseJournal, and schedules its
side effects after commit. Locks are taken purchase first, then its items and shipments."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from configuration.models import StoreProfile
from core.exceptions import InvalidInput, NotFound, TransitionNotAllowed
from core.journal import DatabaseJournal
from core.permissions import CANCEL, require
from shipments.models import Shipment, ShipmentItem

from . import rules
from .audit import SYSTEM
from .invoicing import allocate_number
from .models import REASON_MAX_LENGTH, DocumentKind, Invoice, Item, Purchase, PurchaseStatus
from .step import Step


def lock_purchase(purchase_id: int) -> Purchase:
    """The purchase, locked for this transaction, or NotFound."""
    try:
        return Purchase.objects.select_for_update(of=("self",)).for_detail().get(pk=purchase_id)
    except (Purchase.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no purchase {purchase_id}.") from None


def lock_items_and_shipments(purchase: Purchase) -> tuple[list[Item], list[Shipment]]:
    """All of a locked purchase's items and shipments, locked too, as the rules take them; and
    the products of its items, locked last (by id, as everyone locks them), whose stock the
    rules move."""
    items = list(purchase.items.select_for_update().order_by("line_number"))
    shipments = list(
        purchase.shipments.select_for_update(of=("self",))
        .select_related("agent")
        .order_by("created_at", "id")
    )
    products = lock_products({item.product_id for item in items if item.product_id})
    for item in items:
        if item.product_id:
            item.product = products[item.product_id]
    return items, shipments


def lock_products(ids) -> dict[int, Product]:
    """Products by id, locked in the order of their ids, so that two actions on the same products
    never wait for each other in a circle."""
    return {
        product.pk: product
        for product in Product.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def locked_step(
    purchase: Purchase, user: AbstractBaseUser | None, *, actor_label: str = SYSTEM
) -> Step:
    """A step on a locked purchase, for a rule: its items and shipments locked too, now, and a
    journal that saves each change. `actor_label` names who acts when no user does."""
    items, shipments = lock_items_and_shipments(purchase)
    return Step(purchase, items, shipments, user, timezone.now(), DatabaseJournal(), actor_label)


def required_reason(reason: str, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"Say why you {action}.")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput("The reason is too long (1,000 characters at most).")
    return reason


@transaction.atomic
def purchase_approve_fraud(*, purchase_id: int, user: AbstractBaseUser) -> Purchase:
    """Approve the fraud check of a confirmed purchase."""
    purchase = lock_purchase(purchase_id)
    locked_step(purchase, user).move(purchase, "approve_fraud")
    return purchase


@transaction.atomic
def purchase_deny_fraud(*, purchase_id: int, user: AbstractBaseUser, reason: str) -> Purchase:
    """Deny the fraud check of a confirmed purchase; a reason is required. Its own units go back
    to stock."""
    reason = required_reason(reason, "deny the fraud check")
    purchase = lock_purchase(purchase_id)
    rules.deny_fraud(locked_step(purchase, user), reason=reason)
    return purchase


def number_taker(kind: str, prefix: str) -> rules.NumberTaker:
    """Takes the next number of the financial year's series of `kind` (inside the transaction)."""
    return lambda at: allocate_number(kind=kind, prefix=prefix, issued_at=at)


@transaction.atomic
def purchase_issue_invoice(*, purchase_id: int, user: AbstractBaseUser) -> Invoice:
    """Issue the GST tax invoice for the own items, numbered from this year's series."""
    purchase = lock_purchase(purchase_id)
    store = StoreProfile.objects.current()
    return rules.issue_invoice(
        locked_step(purchase, user),
        store=store,
        take_number=number_taker(DocumentKind.INVOICE, store.invoice_prefix),
    )


def open_quantities_signature(items) -> str:
    """What is still open of each own item, e.g. '12:2,13:1' — changes with every cancellation
    or handover, so a form drawn before one of them is recognised as stale."""
    return ",".join(f"{item.pk}:{item.open_quantity}" for item in sorted(items, key=lambda i: i.pk))


def refuse_stale_cancellation(purchase: Purchase, items: list[Item], seen: str) -> None:
    """Refuse a cancellation asked for from a page that showed other open quantities than the
    purchase's own items have now (`seen`): a second submit of the same page, or another tab."""
    if seen == open_quantities_signature(i for i in items if i.is_own() and i.open_quantity):
        return
    if purchase.status == PurchaseStatus.CANCELLED:
        raise TransitionNotAllowed(f"{purchase} is already Cancelled; nothing more was done.")
    raise TransitionNotAllowed(
        f"{purchase} changed since the page was shown (was it already cancelled in another "
        "tab?). Nothing was done; check the items and try again."
    )


@transaction.atomic
def purchase_cancel(
    *,
    purchase_id: int,
    user: AbstractBaseUser,
    reason: str,
    item_quantities: dict[int, int] | None = None,
    seen: str | None = None,
) -> Purchase:
    """Cancel a purchase, or some of its own items' open quantities (item id → quantity).

    Shipments not yet handed over that carry cancelled quantities are cancelled; once invoiced,
    a credit note is issued for what was cancelled. `seen`, from a page, is what it showed open
    (open_quantities_signature): a page drawn before another change is refused.
    """
    reason = required_reason(reason, "cancel")
    purchase = lock_purchase(purchase_id)
    require(user, CANCEL, what=str(purchase))
    step = locked_step(purchase, user)
    if seen is not None:
        refuse_stale_cancellation(purchase, step.items, seen)
    if not purchase.is_cancellable():
        raise TransitionNotAllowed(
            f"{purchase}: cannot cancel while {purchase.get_status_display()}."
        )
    own_items = {item.pk: item for item in step.items if item.is_own()}
    if item_quantities is None:
        item_quantities = {pk: item.open_quantity for pk, item in own_items.items()}
    quantities = _validated_cancellation(own_items, item_quantities)
    if not quantities:
        raise InvalidInput(f"{purchase}: nothing left to cancel.")
    store = StoreProfile.objects.current()
    invoice = purchase.invoices.order_by("-issued_at").first()
    rules.cancel(
        step,
        quantities=quantities,
        lines=list(ShipmentItem.objects.filter(shipment__purchase=purchase)),
        invoice=invoice,
        credited_before=credited_before(invoice),
        store=store,
        take_number=number_taker(DocumentKind.CREDIT_NOTE, store.credit_note_prefix),
        reason=reason,
    )
    return purchase


def credited_before(invoice: Invoice | None) -> list[dict]:
    """The contents of the credit notes issued against `invoice` so far, oldest first."""
    if invoice is None:
        return []
    return [note.content for note in invoice.credit_notes.order_by("issued_at", "id")]


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
