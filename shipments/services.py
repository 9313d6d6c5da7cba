"""Business actions on shipments: assign an agent (creating a shipment), record the AWB, print the
slip, hand over, correct. Each locks what it changes (purchase first, then its items and
shipments), checks the user's role and what was typed, and lets the rule (`rules.py`) change the
shipment with a DatabaseJournal."""

import datetime as dt
import re

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from configuration.models import StoreProfile
from core.exceptions import InvalidInput, NotFound
from core.permissions import FULFIL, require
from purchases.invoicing import amount_payable
from purchases.models import Item, Purchase
from purchases.services import lock_purchase, locked_step
from purchases.step import Step

from . import rules
from .eway_bills import EWAY_BILL_NUMBER, normalise_eway_bill_number
from .models import HandoverBatch, Shipment, ShippingAgent
from .notifications import send_handover_email


def lock_shipment(shipment_id, user: AbstractBaseUser | None) -> tuple[Step, Shipment]:
    """The shipment, and a step on its purchase for a rule: the purchase, then all its items and
    shipments locked in that order (as every action locks), or NotFound."""
    try:
        purchase_id = Shipment.objects.values_list("purchase_id", flat=True).get(pk=shipment_id)
    except (Shipment.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no shipment {shipment_id}.") from None
    step = locked_step(lock_purchase(purchase_id), user)
    return step, next(each for each in step.shipments if each.pk == int(shipment_id))


def get_agent(agent_id) -> ShippingAgent:
    try:
        return ShippingAgent.objects.active().get(pk=agent_id)
    except (ShippingAgent.DoesNotExist, ValueError, TypeError):
        raise InvalidInput("Choose an active shipping agent.") from None


AWB_MAX_LENGTH = 40
AWB_TYPED_MAX_LENGTH = 60  # with the spaces courier portals show in long numbers
AWB_RE = re.compile(rf"^[A-Z0-9-]{{4,{AWB_MAX_LENGTH}}}$")


def normalise_awb(raw: str) -> str:
    """As typed or pasted ('1234 5678 90123', ' ee123456789in '): no spaces, capitals."""
    return "".join((raw or "").split()).upper()


def validate_awb(*, agent: ShippingAgent, awb: str, shipment: Shipment | None = None) -> str:
    """The AWB trimmed and upper-cased, or InvalidInput saying what is wrong with it."""
    awb = normalise_awb(awb)
    if not awb:
        raise InvalidInput("Enter the AWB number.")
    if not AWB_RE.match(awb):
        shown = awb if len(awb) <= AWB_MAX_LENGTH else awb[:AWB_MAX_LENGTH] + "…"
        raise InvalidInput(
            f"AWB {shown!r} may hold only letters, digits and '-', 4 to {AWB_MAX_LENGTH} of them."
        )
    if not agent.awb_matches_pattern(awb):
        raise InvalidInput(f"AWB {awb} does not look like a {agent.name} AWB: {agent.awb_rule()}.")
    taken = Shipment.objects.filter(agent=agent, awb=awb)
    if shipment is not None:
        taken = taken.exclude(pk=shipment.pk)
    other = taken.values_list("reference", flat=True).first()
    if other:
        raise InvalidInput(f"AWB {awb} is already recorded for {agent.name} shipment {other}.")
    return awb


@transaction.atomic
def shipment_create(
    *,
    purchase_id: int,
    user: AbstractBaseUser,
    agent_id: int,
    quantities: dict[int, int] | None = None,
) -> Shipment:
    """Assign a courier to some or all own items not yet in a shipment (item id → quantity)."""
    purchase = lock_purchase(purchase_id)
    require(user, FULFIL, what=str(purchase))
    step = locked_step(purchase, user)
    shipment, _ = rules.assign_courier(
        step,
        agent=get_agent(agent_id),
        quantities=None if quantities is None else _items_of(purchase, step.items, quantities),
        payable=amount_payable(purchase),
        store=StoreProfile.objects.current(),
    )
    return shipment


def _items_of(purchase: Purchase, items: list[Item], quantities: dict) -> dict[Item, int]:
    """Typed item ids and quantities as the purchase's own items and whole numbers."""
    own = {item.pk: item for item in items if item.is_own()}
    chosen = {}
    for item_id, quantity in quantities.items():
        item = own.get(_as_int(item_id))
        if item is None:
            raise InvalidInput(f"Item {item_id} is not an own item of {purchase}.")
        chosen[item] = _as_int(quantity)
    return chosen


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{value!r} is not a whole number.") from None


def _saved_unless_awb_taken(change, shipment: Shipment) -> None:
    """Run a change that saves the shipment's courier or AWB; the per-courier unique AWB, checked
    first for a clear message, is enforced by the database when two staff type it at once."""
    try:
        with transaction.atomic():
            change()
    except IntegrityError:
        raise InvalidInput(
            f"AWB {shipment.awb} is already recorded for another {shipment.agent.name} shipment."
        ) from None


@transaction.atomic
def shipment_record_awb(*, shipment_id: int, user: AbstractBaseUser, awb: str) -> Shipment:
    """Record (or correct, until handover) the AWB of a shipment. A slip printed before must be
    printed again, with this AWB's barcode."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment))
    rules.refuse_unless_open(shipment, "the AWB")
    awb = validate_awb(agent=shipment.agent, awb=awb, shipment=shipment)
    _saved_unless_awb_taken(lambda: rules.record_awb(step, shipment=shipment, awb=awb), shipment)
    return shipment


@transaction.atomic
def shipment_change_agent(*, shipment_id: int, user: AbstractBaseUser, agent_id: int) -> Shipment:
    """Correct the courier of a shipment until it is handed over; its AWB is kept if still valid,
    and a slip already printed (which names the old courier) must be printed again."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment))
    rules.refuse_unless_open(shipment, "the agent")
    agent = get_agent(agent_id)
    if shipment.awb and agent.pk != shipment.agent_id:
        validate_awb(agent=agent, awb=shipment.awb, shipment=shipment)
    _saved_unless_awb_taken(
        lambda: rules.change_agent(step, shipment=shipment, agent=agent), shipment
    )
    return shipment


@transaction.atomic
def shipment_record_slip_printed(
    *, shipment_id: int, user: AbstractBaseUser | None, drawn_at: dt.datetime | None = None
) -> Shipment:
    """Note that the address slip was printed; with an AWB recorded, the shipment is Shipped.
    A slip drawn (`drawn_at`) before its courier or AWB changed is noted but does not count."""
    step, shipment = lock_shipment(shipment_id, user)
    rules.record_slip_printed(step, shipment=shipment, drawn_at=drawn_at)
    return shipment


@transaction.atomic
def shipment_hand_over(
    *, shipment_id: int, user: AbstractBaseUser, batch: HandoverBatch | None = None
) -> Shipment:
    """The courier took the parcel: its items count as handed over and the customer is emailed."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, doing="hand parcels over")
    rules.hand_over(step, shipment=shipment, lines=list(shipment.lines.all()), batch=batch)
    transaction.on_commit(lambda: send_handover_email.enqueue(shipment_id=shipment.pk))
    return shipment


@transaction.atomic
def shipment_record_eway_bill(*, shipment_id: int, user: AbstractBaseUser, number: str) -> Shipment:
    """Record the e-way bill number the portal gave for this shipment's goods (12 digits, each
    number once)."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment), doing="record e-way bills")
    number = normalise_eway_bill_number(number)
    if not EWAY_BILL_NUMBER.match(number):
        raise InvalidInput(f"An e-way bill number has 12 digits; {number[:20]!r} does not.")
    other = (
        Shipment.objects.filter(eway_bill_number=number)
        .exclude(pk=shipment.pk)
        .values_list("reference", flat=True)
        .first()
    )
    if other:
        raise InvalidInput(f"E-way bill {number} is already recorded for shipment {other}.")
    rules.record_eway_bill(step, shipment=shipment, number=number)
    return shipment


def open_shipments_reassess_eway_bills(*, store: StoreProfile) -> int:
    """After the store's e-way bill limits change: whether each shipment not handed over yet
    needs one, under the new limits (those with a number recorded keep it). How many changed."""
    open_ = Shipment.objects.active().filter(eway_bill_number__isnull=True)
    within = open_.filter(purchase__shipping_address__state=store.state)
    between = open_.exclude(purchase__shipping_address__state=store.state)
    changed = 0
    for scope, limit in (
        (within, store.eway_bill_intra_state_threshold),
        (between, store.eway_bill_threshold),
    ):
        changed += scope.filter(goods_value__gte=limit, eway_bill_required=False).update(
            eway_bill_required=True
        )
        changed += scope.filter(goods_value__lt=limit, eway_bill_required=True).update(
            eway_bill_required=False
        )
    return changed
