"""What each demo purchase will be, decided before any row is built.

A plan fixes a purchase's state, kind, payment, lines and the times of its milestones
(payment, fraud review, invoice, cancellation). Plans are drawn first because invoice and credit
note numbers must follow the order of issue within each financial year, and a purchase's invoice
time is only known once its plan is. Each plan has its own random stream (seed, draw index), so a
seed always gives the same plans.
"""

import datetime as dt
import random
from dataclasses import dataclass

from catalog.models import FulfilledBy
from purchases.invoicing import document_number, financial_year_of
from purchases.models import DocumentKind, PaymentMethod, Purchase, PurchaseKind
from purchases.models import PurchaseStatus as S

from .catalogue import INFIBEAM_PRODUCTS, OWN_PRODUCTS, CatalogueProduct

OWN, INFIBEAM, MIXED = PurchaseKind.OWN, PurchaseKind.INFIBEAM, PurchaseKind.MIXED
PREPAID, COD = PaymentMethod.PREPAID, PaymentMethod.COD

HISTORY_DAYS = 540  # about eighteen months, so invoices cross at least one 1 April

# Variants: how a purchase reached its state when there is more than one way.
SPLIT = "split"  # own quantities in two shipments, or some still to be assigned
PARTIAL_CANCEL = "partial_cancel"  # one line cancelled after invoicing (a credit note)
CANCEL_FROZEN = "cancel_frozen"  # payment never confirmed
CANCEL_CONFIRMED = "cancel_confirmed"
CANCEL_APPROVED = "cancel_approved"
CANCEL_INVOICED = "cancel_invoiced"  # after invoicing: a credit note, shipments cancelled
PARTNER_CANCEL = "partner_cancel"  # Infibeam cancelled its items
PARTNER_DONE = "partner_done"  # Infibeam handed its items over while the own flow is open
OWN_FIRST = "own_first"  # own items handed over, the partner's not yet
PARTNER_FIRST = "partner_first"  # the partner's handed over, own items not yet
PARTIAL = "partial"  # Infibeam handed over some of its items

# (state, kind, payment, variant) that every demo store has, whatever its size: the first ones
# give every state once.
SHOWCASE = [
    (S.COMPLETE, OWN, PREPAID, ""),
    (S.SHIPPED, OWN, PREPAID, ""),
    (S.INVOICED, OWN, PREPAID, ""),
    (S.AGENT_ASSIGNED, OWN, COD, ""),
    (S.PARTIALLY_COMPLETE, OWN, PREPAID, SPLIT),
    (S.CONFIRMED, OWN, COD, ""),
    (S.FRAUD_APPROVED, OWN, PREPAID, ""),
    (S.FRAUD_DENIED, OWN, COD, ""),
    (S.CANCELLED, OWN, COD, CANCEL_INVOICED),
    (S.IN_CHECKOUT, OWN, PREPAID, ""),
    (S.FROZEN, OWN, PREPAID, ""),
    (S.COMPLETE, INFIBEAM, PREPAID, ""),
    (S.COMPLETE, MIXED, COD, ""),
    (S.PARTIALLY_COMPLETE, INFIBEAM, COD, PARTIAL),
    (S.PARTIALLY_COMPLETE, MIXED, PREPAID, OWN_FIRST),
    (S.PARTIALLY_COMPLETE, MIXED, COD, PARTNER_FIRST),
    (S.CANCELLED, INFIBEAM, PREPAID, PARTNER_CANCEL),
    (S.CANCELLED, MIXED, PREPAID, CANCEL_INVOICED),
    (S.CANCELLED, OWN, PREPAID, CANCEL_FROZEN),
    (S.CANCELLED, OWN, COD, CANCEL_CONFIRMED),
    (S.COMPLETE, OWN, COD, ""),
    (S.COMPLETE, OWN, PREPAID, PARTIAL_CANCEL),
    (S.SHIPPED, OWN, COD, SPLIT),
    (S.SHIPPED, MIXED, PREPAID, ""),
    (S.AGENT_ASSIGNED, MIXED, PREPAID, SPLIT),
    (S.INVOICED, MIXED, COD, ""),
    (S.INVOICED, OWN, PREPAID, SPLIT),
    (S.CONFIRMED, OWN, PREPAID, ""),
    (S.CONFIRMED, INFIBEAM, PREPAID, ""),
    (S.CONFIRMED, MIXED, COD, PARTNER_DONE),
    (S.FRAUD_APPROVED, MIXED, COD, ""),
    (S.FRAUD_DENIED, MIXED, PREPAID, ""),
    (S.IN_CHECKOUT, INFIBEAM, COD, ""),
    (S.IN_CHECKOUT, MIXED, PREPAID, ""),
    (S.FROZEN, MIXED, PREPAID, ""),
    (S.FROZEN, INFIBEAM, PREPAID, ""),
]

# How many days old showcase purchases in each state are.
AGE_DAYS = {
    S.COMPLETE: (2, HISTORY_DAYS), S.CANCELLED: (0.3, HISTORY_DAYS),
    S.FRAUD_DENIED: (0.5, HISTORY_DAYS), S.IN_CHECKOUT: (0, 120), S.FROZEN: (0, 30),
    S.CONFIRMED: (0, 1), S.FRAUD_APPROVED: (0.1, 1.5), S.INVOICED: (0.2, 2),
    S.AGENT_ASSIGNED: (0.3, 2.5), S.SHIPPED: (0.4, 3), S.PARTIALLY_COMPLETE: (1.5, 20),
}  # fmt: skip

# Each state of the own flow, and how many days (low, high) a purchase spends in it.
OWN_STAGES = [
    (S.CONFIRMED, 0.05, 0.8),  # until the fraud review
    (S.FRAUD_APPROVED, 0.05, 0.8),  # until the invoice
    (S.INVOICED, 0.05, 0.5),  # until an agent is assigned
    (S.AGENT_ASSIGNED, 0.1, 0.6),  # until the AWB is recorded and the slip printed
    (S.SHIPPED, 0.2, 1.0),  # until the courier's pickup
]

NEEDS_OWN_ITEMS = {S.FRAUD_APPROVED, S.FRAUD_DENIED, S.INVOICED, S.AGENT_ASSIGNED, S.SHIPPED}
# States whose purchases still have shipments or partner reports to come after the milestones.
FULFILMENT_AFTER_MILESTONES = {
    S.CONFIRMED, S.FRAUD_APPROVED, S.INVOICED, S.AGENT_ASSIGNED, S.SHIPPED, S.PARTIALLY_COMPLETE,
    S.COMPLETE, S.CANCELLED,
}  # fmt: skip


@dataclass(slots=True)
class Line:
    product: CatalogueProduct
    quantity: int
    fulfilled_by: str

    @property
    def is_own(self) -> bool:
        return self.fulfilled_by == FulfilledBy.OWN


@dataclass(slots=True)
class PurchasePlan:
    draw: int
    status: str
    kind: str
    payment: str
    variant: str
    lines: list[Line]
    placed_at: dt.datetime
    frozen_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    invoiced_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None  # the owner's cancellation (whole or one line)
    coupon: bool = False
    number: str = ""
    invoice: tuple[str, str, int] | None = None  # number, financial year, sequence
    credit_note: tuple[str, str, int] | None = None

    @property
    def showcase(self) -> bool:
        """One of the purchases every demo store has (see SHOWCASE)."""
        return self.draw < len(SHOWCASE)

    @property
    def partner_units(self) -> int:
        return sum(line.quantity for line in self.lines if not line.is_own)


def draw_plans(*, count: int, seed: int, now: dt.datetime) -> list[PurchasePlan]:
    """`count` plans in the order they were placed."""
    plans = [_draw_plan(draw, seed, now) for draw in range(count)]
    plans.sort(key=lambda plan: (plan.placed_at, plan.draw))
    return plans


def _draw_plan(draw: int, seed: int, now: dt.datetime) -> PurchasePlan:
    rng = random.Random(seed * 1_000_003 + draw)
    if draw < len(SHOWCASE):
        status, kind, payment, variant = SHOWCASE[draw]
        low, high = AGE_DAYS[status]
        age = low + (high - low) * rng.random()
    else:
        kind = rng.choices([OWN, INFIBEAM, MIXED], weights=[60, 20, 20])[0]
        payment = PREPAID if rng.random() < 0.65 else COD
        age = _draw_age(rng)
        status, variant = _draw_state(rng, kind=kind, payment=payment, age=age)
    lines = _draw_lines(rng, kind)
    _make_room_for(variant, lines)
    plan = PurchasePlan(
        draw=draw,
        status=status,
        kind=kind,
        payment=payment,
        variant=variant,
        lines=lines,
        placed_at=(now - dt.timedelta(days=age)).replace(microsecond=0),
        coupon=kind != INFIBEAM and rng.random() < 0.1,
    )
    _draw_milestones(rng, plan, now)
    return plan


def _draw_age(rng: random.Random) -> float:
    """Days since the purchase was placed; the store sells more now than a year ago."""
    span = HISTORY_DAYS if rng.random() < 0.6 else HISTORY_DAYS / 2
    return span * rng.random()


def _draw_state(rng: random.Random, *, kind: str, payment: str, age: float) -> tuple[str, str]:
    """The state a purchase of this age has reached: most are long complete; the last days' are
    still on their way (so each queue holds about what a day or two of sales put in it)."""
    roll = rng.random()
    if roll < 0.025:
        if age < 120:
            return S.IN_CHECKOUT, ""  # abandoned carts (older ones are cleared away)
    elif roll < 0.03:
        if age < 30 and payment == PREPAID:
            return S.FROZEN, ""  # the gateway never answered
    elif roll < 0.045:
        if kind != INFIBEAM:
            return S.FRAUD_DENIED, ""
    elif roll < 0.105:
        return S.CANCELLED, _cancel_variant(rng, kind=kind, payment=payment)
    partner_done_at = rng.uniform(1, 6)  # days the partner takes to hand its items over
    if kind == INFIBEAM:
        if age >= partner_done_at:
            return S.COMPLETE, ""
        if age >= partner_done_at * 0.6 and rng.random() < 0.4:
            return S.PARTIALLY_COMPLETE, PARTIAL
        return S.CONFIRMED, ""
    own = S.COMPLETE
    reached = 0.0
    for state, low, high in OWN_STAGES:  # the state a purchase is in until the next step
        reached += rng.uniform(low, high)
        if age < reached:
            own = state
            break
    partner_done = kind == MIXED and age >= partner_done_at
    if own == S.COMPLETE:
        if rng.random() < 0.07 and age < reached + rng.uniform(2, 20):
            return S.PARTIALLY_COMPLETE, SPLIT  # the rest waits for stock
        if kind == MIXED and not partner_done:
            return S.PARTIALLY_COMPLETE, OWN_FIRST
        return S.COMPLETE, PARTIAL_CANCEL if rng.random() < 0.04 else ""
    if partner_done:
        if own in (S.CONFIRMED, S.FRAUD_APPROVED):
            return own, PARTNER_DONE
        return S.PARTIALLY_COMPLETE, PARTNER_FIRST
    if own in (S.INVOICED, S.AGENT_ASSIGNED, S.SHIPPED) and rng.random() < 0.22:
        return own, SPLIT
    return own, ""


def _cancel_variant(rng: random.Random, *, kind: str, payment: str) -> str:
    roll = rng.random()
    if kind == INFIBEAM:
        return PARTNER_CANCEL
    if roll < 0.45:
        return CANCEL_INVOICED
    if roll < 0.55 and kind == OWN and payment == PREPAID:
        return CANCEL_FROZEN
    return CANCEL_CONFIRMED if roll < 0.8 else CANCEL_APPROVED


def _draw_lines(rng: random.Random, kind: str) -> list[Line]:
    count = rng.choices([1, 2, 3, 4], weights=[55, 30, 12, 3])[0]
    if kind == MIXED:
        count = max(count, 2)
        own_count = rng.randint(1, count - 1)
    else:
        own_count = count if kind == OWN else 0
    products = rng.sample(OWN_PRODUCTS, own_count) + rng.sample(
        INFIBEAM_PRODUCTS, count - own_count
    )
    return [
        Line(
            product=product,
            quantity=rng.choices([1, 2, 3], weights=[80, 15, 5])[0],
            fulfilled_by=FulfilledBy.OWN if number < own_count else FulfilledBy.INFIBEAM,
        )
        for number, product in enumerate(products)
    ]


def _make_room_for(variant: str, lines: list[Line]) -> None:
    """Variants that split or cancel part of the quantities need at least two units to split."""
    if variant in (SPLIT, PARTIAL_CANCEL, PARTIAL):
        wanted = [line for line in lines if line.is_own == (variant != PARTIAL)]
        if sum(line.quantity for line in wanted) < 2:
            wanted[0].quantity = 2


def _draw_milestones(rng: random.Random, plan: PurchasePlan, now: dt.datetime) -> None:
    """Payment, fraud review, invoice and cancellation times, squeezed to fit before now."""
    status, variant = plan.status, plan.variant
    steps: list[tuple[str, float]] = []  # (milestone, minutes after the previous one)
    paying = status != S.IN_CHECKOUT and plan.payment == PREPAID
    if paying:
        steps.append(("frozen_at", rng.uniform(0.5, 3)))
    confirmed = status not in (S.IN_CHECKOUT, S.FROZEN) and variant != CANCEL_FROZEN
    if confirmed:
        steps.append(("confirmed_at", rng.uniform(0.5, 8)))
    reviewed = plan.kind != INFIBEAM and (
        status in NEEDS_OWN_ITEMS
        or status in (S.PARTIALLY_COMPLETE, S.COMPLETE)
        or variant in (CANCEL_APPROVED, CANCEL_INVOICED)
    )
    if reviewed:
        steps.append(("reviewed_at", rng.uniform(20, 18 * 60)))
    if reviewed and status not in (S.FRAUD_APPROVED, S.FRAUD_DENIED) and variant != CANCEL_APPROVED:
        steps.append(("invoiced_at", rng.uniform(10, 20 * 60)))
    if variant == PARTIAL_CANCEL:
        steps.append(("cancelled_at", rng.uniform(10, 5 * 60)))
    elif status == S.CANCELLED and variant != PARTNER_CANCEL:
        steps.append(("cancelled_at", rng.uniform(30, 3 * 24 * 60)))

    available = (now - plan.placed_at).total_seconds() / 60 - 1
    share = 0.5 if status in FULFILMENT_AFTER_MILESTONES and variant != CANCEL_INVOICED else 0.9
    total = sum(minutes for _, minutes in steps)
    scale = min(1.0, share * available / total) if total else 1.0
    moment = plan.placed_at
    for name, minutes in steps:
        moment += dt.timedelta(seconds=max(1, round(minutes * 60 * scale)))
        setattr(plan, name, moment)


def number_documents(
    plans: list[PurchasePlan],
    *,
    first_id: int,
    invoice_prefix: str,
    credit_note_prefix: str,
    next_sequence: dict[tuple[str, str], int],
) -> dict[tuple[str, str], int]:
    """Give purchases their numbers, and invoices and credit notes theirs in order of issue within
    each financial year (continuing `next_sequence`); returns the series' next numbers."""
    for offset, plan in enumerate(plans):
        plan.number = Purchase.number_for(first_id + offset)
    series = dict(next_sequence)
    issued = [
        (plan.invoiced_at, plan.number, plan, DocumentKind.INVOICE)
        for plan in plans
        if plan.invoiced_at
    ]
    issued += [
        (plan.cancelled_at, plan.number, plan, DocumentKind.CREDIT_NOTE)
        for plan in plans
        if plan.invoiced_at and plan.cancelled_at
    ]
    issued.sort(key=lambda entry: (entry[0], entry[1]))
    for issued_at, _, plan, kind in issued:
        year = financial_year_of(issued_at)
        sequence = series.get((kind, year), 1)
        series[(kind, year)] = sequence + 1
        prefix = invoice_prefix if kind == DocumentKind.INVOICE else credit_note_prefix
        document = (document_number(prefix, year, sequence), year, sequence)
        if kind == DocumentKind.INVOICE:
            plan.invoice = document
        else:
            plan.credit_note = document
    return series
