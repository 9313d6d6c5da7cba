"""Stock changed by hand: units received, and the shelf counted. Each change locks the product,
runs its stock rule (`Product.receive`, `Product.count`) and is kept as a StockMovement with who
and why. What purchases commit, release and ship is the purchases' rules' business."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from core.exceptions import InvalidInput, NotFound
from core.permissions import MANAGE_STOCK, require

from .models import Product, StockMovement, StockMovementKind

REASON_MAX_LENGTH = 1000
# More units than a warehouse of this store holds of one product: a typing slip, refused before
# it reaches a database column.
MAX_UNITS = 10_000_000


@transaction.atomic
def stock_receive(
    *, product_id: int, user: AbstractBaseUser | None, quantity: int, reason: str
) -> StockMovement:
    """`quantity` units of an own product arrived at the warehouse."""
    require(user, MANAGE_STOCK)
    reason = _checked_reason(reason)
    product = _locked_own_product(product_id)
    if quantity > MAX_UNITS or product.on_hand + quantity > MAX_UNITS:
        raise InvalidInput(f"{product.sku}: at most {MAX_UNITS:,} units may be on hand.")
    product.receive(quantity)
    return _moved(product, StockMovementKind.RECEIVED, quantity, reason, user)


@transaction.atomic
def stock_count(
    *, product_id: int, user: AbstractBaseUser | None, on_hand: int, reason: str
) -> StockMovement:
    """The shelf of an own product was counted: `on_hand` units are there. Kept even when the
    count is what the panel thought: the movement says when the shelf was last counted."""
    require(user, MANAGE_STOCK)
    reason = _checked_reason(reason)
    product = _locked_own_product(product_id)
    if on_hand > MAX_UNITS:
        raise InvalidInput(f"{product.sku}: at most {MAX_UNITS:,} units may be on hand.")
    before = product.on_hand
    product.count(on_hand)
    return _moved(product, StockMovementKind.COUNTED, product.on_hand - before, reason, user)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the stock changes: the reason is kept with the change.")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(f"The reason may be at most {REASON_MAX_LENGTH:,} characters.")
    if "\x00" in reason:
        raise InvalidInput("The reason holds a character that cannot be stored (NUL).")
    return reason


def _locked_own_product(product_id: int) -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound("There is no such product.")
    if not product.is_own():
        raise InvalidInput(
            f"{product.sku} is fulfilled by Infibeam: the partner keeps its stock, not the store."
        )
    return product


def _moved(
    product: Product, kind: str, change: int, reason: str, user: AbstractBaseUser | None
) -> StockMovement:
    product.save(update_fields=["on_hand"])
    return StockMovement.objects.create(
        product=product,
        kind=kind,
        quantity=change,
        on_hand_after=product.on_hand,
        reason=reason,
        user=user,
    )
