"""Orders from a sales channel become purchases: the one service the orders API, the CSV import
and `manage.py import_purchases` all call.

An order is checked whole before anything is stored: its schema (schemas.OrderIn), then what needs
the database — every SKU known and on sale, each line's total and the order's total adding up to
what was charged to the paisa, enough stock. Every problem is answered at once with its field
path; a refused order is recorded for the Owner (RefusedOrder) and nothing else of it is stored.
An accepted order is placed through `purchases.rules.place` with its products locked (by id), so
two orders for the last unit never both get it; its channel's reference is unique, so the same
order sent twice (or twice at once) is one purchase.
"""

import uuid
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from core.journal import DatabaseJournal
from customers.models import Customer
from purchases import rules
from purchases.models import Address, Purchase
from purchases.notifications import send_confirmation_email
from purchases.rules import OrderLine, totals_of
from purchases.services import lock_products

from .answers import purchase_out
from .models import ReceivedVia, SalesChannel
from .payments import apply_waiting_payments
from .refusals import Answer, OrderRefused, problem, refusal_record
from .schemas import AddressIn, OrderIn


def order_receive(
    *, channel: SalesChannel, order: OrderIn, via: str = ReceivedVia.API, payload: str = ""
) -> Answer:
    """Place one order from `channel`: 201 with the new purchase, 200 with the one this
    reference already made, or a refusal (recorded; nothing else is stored)."""
    try:
        with transaction.atomic():
            existing = _placed(channel, order.reference)
            if existing is not None:
                return Answer(200, {"created": False, "purchase": purchase_out(existing)})
            purchase = _place(channel, order)
    except OrderRefused as refusal:
        return refusal_record(
            channel=channel, via=via, refusal=refusal, reference=order.reference, payload=payload
        )
    except IntegrityError:
        # The same reference was placed by a request that committed while this one ran.
        existing = _placed(channel, order.reference)
        if existing is None:
            raise
        return Answer(200, {"created": False, "purchase": purchase_out(existing)})
    return Answer(201, {"created": True, "purchase": purchase_out(purchase)})


def _placed(channel: SalesChannel, reference: str) -> Purchase | None:
    return Purchase.objects.filter(channel=channel, external_reference=reference).first()


def _place(channel: SalesChannel, order: OrderIn) -> Purchase:
    if not channel.active:
        raise OrderRefused("channel_disabled", f"The channel {channel} is disabled.", (), 403)
    lines = _checked_lines(order)
    locked = lock_products({line.product.pk for line in lines})
    lines = [replace(line, product=locked[line.product.pk]) for line in lines]
    _refuse_short_stock(order, lines)
    billing = _address(order.billing_address)
    shipping = _address(order.shipping_address) if order.shipping_address else billing
    step = rules.place(
        number=f"new-{uuid.uuid4().hex[:16]}",  # until the purchase has its id
        customer=_customer(order),
        billing=billing,
        shipping=shipping,
        lines=lines,
        shipping_charge=order.shipping_charge,
        payment_method=order.payment_method,
        placed_at=order.placed_at or timezone.now(),
        journal=DatabaseJournal(),
        channel=channel,
        external_reference=order.reference,
    )
    purchase = step.purchase
    purchase.number = Purchase.number_for(purchase.pk)
    purchase.save(update_fields=["number"])
    step.actor_label = channel.name
    if purchase.is_cash_on_delivery():
        rules.accept_cash_on_delivery(step)
        transaction.on_commit(lambda: send_confirmation_email.enqueue(purchase_id=purchase.pk))
    apply_waiting_payments(step)
    return purchase


def _checked_lines(order: OrderIn) -> list[OrderLine]:
    """The order's lines, every SKU known and on sale, each line adding up to its total and all
    of them (with shipping) to what was charged. Every problem is found before any is answered,
    each with the amount or reason that would have been right."""
    skus = {line.sku for line in order.lines}
    products = {product.sku: product for product in Product.objects.filter(sku__in=skus)}
    lines, problems = [], []
    for n, line in enumerate(order.lines):
        product = products.get(line.sku)
        if product is None:
            problems.append(
                problem(f"lines.{n}.sku", "unknown_sku", f"No product has the SKU {line.sku}.")
            )
        elif not product.active:
            problems.append(problem(f"lines.{n}.sku", "not_on_sale", f"{line.sku} is not on sale."))
        else:
            ordered = OrderLine(product, line.quantity, line.unit_price, line.discount)
            problems += _line_problems(n, line, ordered)
            lines.append(ordered)
    if not problems:
        charged = totals_of(lines, order.shipping_charge).grand_total
        if charged != order.amount_charged:
            problems.append(
                problem(
                    "amount_charged",
                    "amount_mismatch",
                    f"The lines and shipping come to {charged}, not {order.amount_charged}.",
                )
            )
    if problems:
        raise OrderRefused("invalid_order", "The order cannot be placed as it is.", problems)
    return lines


def _line_problems(n: int, line, ordered: OrderLine) -> list[dict]:
    if line.discount > line.unit_price * line.quantity:
        return [problem(f"lines.{n}.discount", "discount_too_large", "More than the line's price.")]
    expected = ordered.taxable + ordered.tax
    if line.total == expected:
        return []
    return [
        problem(
            f"lines.{n}.total",
            "line_total_mismatch",
            f"{line.quantity} × {line.unit_price} less {line.discount} with "
            f"{ordered.product.gst_rate}% GST is {expected}, not {line.total}.",
        )
    ]


def _refuse_short_stock(order: OrderIn, lines: list[OrderLine]) -> None:
    """With the products locked: every line asking for more than is available (a product that
    takes no back-orders) is a problem."""
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.product.pk] = wanted.get(line.product.pk, 0) + line.quantity
    problems = [
        problem(
            f"lines.{n}.quantity",
            "out_of_stock",
            f"{line.product.sku}: {max(line.product.available, 0)} available, "
            f"{wanted[line.product.pk]} asked for.",
        )
        for n, line in enumerate(lines)
        if line.product.is_own()
        and not line.product.allows_backorder
        and wanted[line.product.pk] > line.product.available
    ]
    if problems:
        raise OrderRefused("out_of_stock", "Not enough stock for this order.", problems, 409)


def _customer(order: OrderIn) -> Customer:
    """The customer with this email, or a new one; a GSTIN given is recorded."""
    given = order.customer
    customer = Customer.objects.filter(email=given.email).order_by("pk").first()
    if customer is None:
        customer = Customer(name=given.name, email=given.email, mobile=given.mobile)
    elif not given.gstin or customer.gstin == given.gstin:
        return customer
    customer.gstin = given.gstin or customer.gstin
    customer.save()
    return customer


def _address(given: AddressIn) -> Address:
    return Address.objects.create(**given.model_dump())
