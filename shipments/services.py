"""Business actions on shipments: assign an agent (creating a shipment), record the AWB, print the
slip, hand over, correct, cancel. Locks are always taken purchase first, then shipment."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import InvalidInput, NotFound, RoleNotAllowed, TransitionNotAllowed
from core.india import PAISE
from core.permissions import FULFIL
from purchases.audit import audit_record
from purchases.fulfilment import purchase_follow_fulfilment
from purchases.invoicing import amount_payable
from purchases.models import Item, Purchase
from purchases.services import lock_purchase
from purchases.transitions import run_transition

from .models import ACTIVE_SHIPMENT_STATES, Shipment, ShipmentItem, ShipmentStatus, ShippingAgent
from .notifications import send_handover_email

RUPEE = Decimal("1")


def _require_fulfil(user: AbstractBaseUser, what: str) -> None:
    if not user.has_perm(FULFIL):
        raise RoleNotAllowed(f"{what}: your role may not fulfil purchases.")


def _shipment_id_of(shipment_id) -> int:
    try:
        return Shipment.objects.values_list("purchase_id", flat=True).get(pk=shipment_id)
    except (Shipment.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no shipment {shipment_id}.") from None


def lock_shipment(shipment_id: int) -> tuple[Purchase, Shipment]:
    """The shipment and its purchase, both locked (purchase first)."""
    purchase = lock_purchase(_shipment_id_of(shipment_id))
    shipment = (
        Shipment.objects.select_for_update(of=("self",)).select_related("agent").get(pk=shipment_id)
    )
    return purchase, shipment


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


def cod_to_collect(
    *, value: Decimal, completes: bool, payable: Decimal | None, collected: Decimal
) -> Decimal:
    """What the courier collects for one cash-on-delivery shipment.

    The shipment that takes the last of a purchase's own items collects what is still payable (the
    invoice's total, rounded to the rupee, less credit notes and what the purchase's other
    shipments collect), so the slips add up to the invoice to the paisa. An earlier shipment of a
    split collects its items' value to the rupee, as the invoice rounds.
    """
    if completes and payable is not None:
        return max(payable - collected, Decimal("0")).quantize(PAISE)
    return value.quantize(RUPEE, rounding=ROUND_HALF_UP).quantize(PAISE)


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
    _require_fulfil(user, str(purchase))
    if not purchase.takes_couriers():
        raise TransitionNotAllowed(
            f"{purchase}: cannot assign an agent while {purchase.get_status_display()}."
        )
    agent = get_agent(agent_id)
    if purchase.is_cash_on_delivery() and not agent.collects_cod:
        raise InvalidInput(f"{agent.name} does not collect cash on delivery; {purchase} is COD.")
    items = {item.pk: item for item in purchase.items.own().select_for_update()}
    if quantities is None:
        quantities = {pk: item.unassigned_quantity for pk, item in items.items()}
    lines = []
    for item_id, quantity in quantities.items():
        item = items.get(_as_int(item_id))
        if item is None:
            raise InvalidInput(f"Item {item_id} is not an own item of {purchase}.")
        quantity = _as_int(quantity)
        if quantity < 0 or quantity > item.unassigned_quantity:
            raise InvalidInput(
                f"{item.sku}: {item.unassigned_quantity} left to ship, cannot ship {quantity}."
            )
        if quantity:
            lines.append((item, quantity))
    if not lines:
        raise InvalidInput(f"{purchase}: choose at least one item to put in the shipment.")

    sequence = purchase.shipments.count() + 1
    cod = Decimal("0")
    if purchase.is_cash_on_delivery():
        shipped = dict(lines)
        cod = cod_to_collect(
            value=sum((item.value_of(qty) for item, qty in lines), Decimal("0")),
            completes=all(
                item.unassigned_quantity == shipped.get(item, 0) for item in items.values()
            ),
            payable=amount_payable(purchase),
            collected=sum(
                purchase.shipments.exclude(status=ShipmentStatus.CANCELLED).values_list(
                    "cod_amount", flat=True
                ),
                Decimal("0"),
            ),
        )
    shipment = Shipment.objects.create(
        reference=f"{purchase.number}-{sequence}",
        purchase=purchase,
        agent=agent,
        weight_grams=max(1, sum(item.weight_grams * qty for item, qty in lines)),
        cod_amount=cod,
    )
    ShipmentItem.objects.bulk_create(
        ShipmentItem(shipment=shipment, item=item, quantity=qty) for item, qty in lines
    )
    for item, qty in lines:
        item.assigned_quantity += qty
        item.save(update_fields=["assigned_quantity"])
    audit_record(
        purchase=purchase,
        subject=shipment,
        action=f"Agent assigned: {agent.name}",
        user=user,
        to_state=shipment.status,
        reason=", ".join(f"{item.sku} × {qty}" for item, qty in lines),
    )
    purchase_follow_fulfilment(purchase=purchase, user=user)
    return shipment


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{value!r} is not a whole number.") from None


def _ship_if_ready(*, purchase: Purchase, shipment: Shipment, user: AbstractBaseUser) -> None:
    if shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.is_ready_to_ship():
        shipment.shipped_at = timezone.now()
        run_transition(shipment, "ship", user=user, purchase=purchase)
        purchase_follow_fulfilment(purchase=purchase, user=user)


@transaction.atomic
def shipment_record_awb(*, shipment_id: int, user: AbstractBaseUser, awb: str) -> Shipment:
    """Record (or correct, until handover) the AWB of a shipment. A slip printed before must be
    printed again, with this AWB's barcode."""
    purchase, shipment = lock_shipment(shipment_id)
    _require_fulfil(user, str(shipment))
    if shipment.status not in ACTIVE_SHIPMENT_STATES:
        raise TransitionNotAllowed(
            f"{shipment}: the AWB cannot change once {shipment.get_status_display()}."
        )
    awb = validate_awb(agent=shipment.agent, awb=awb, shipment=shipment)
    if shipment.awb == awb:
        return shipment
    previous = shipment.awb
    shipment.awb = awb
    _save_awb(shipment)
    audit_record(
        purchase=purchase,
        subject=shipment,
        action=f"AWB recorded: {awb}" if not previous else f"AWB corrected: {previous} → {awb}",
        user=user,
    )
    # A slip printed before carries the old AWB's barcode, or only the shipment reference: the
    # parcel needs one with this AWB.
    _outdate_slip(purchase=purchase, shipment=shipment, user=user)
    _ship_if_ready(purchase=purchase, shipment=shipment, user=user)
    return shipment


def _outdate_slip(*, purchase: Purchase, shipment: Shipment, user: AbstractBaseUser) -> None:
    """The printed slip no longer matches the shipment: it must be printed again, and a Shipped
    shipment goes back to wait for it (so no parcel is handed over with a wrong label)."""
    if not shipment.has_slip_printed():
        return
    shipment.slip_printed_at = None
    shipment.save(update_fields=["slip_printed_at"])
    if shipment.status == ShipmentStatus.SHIPPED:
        run_transition(shipment, "outdate_slip", user=user, purchase=purchase)
        purchase_follow_fulfilment(purchase=purchase, user=user)
    else:
        audit_record(purchase=purchase, subject=shipment, action="Slip to print again", user=user)


def _save_awb(shipment: Shipment) -> None:
    """Save a new AWB or courier: what the slip shows changed now."""
    shipment.slip_details_changed_at = timezone.now()
    try:
        with transaction.atomic():
            shipment.save(update_fields=["awb", "agent", "slip_details_changed_at"])
    except IntegrityError:
        raise InvalidInput(
            f"AWB {shipment.awb} is already recorded for another {shipment.agent.name} shipment."
        ) from None


@transaction.atomic
def shipment_change_agent(*, shipment_id: int, user: AbstractBaseUser, agent_id: int) -> Shipment:
    """Correct the courier of a shipment until it is handed over; its AWB is kept if still valid,
    and a slip already printed (which names the old courier) must be printed again."""
    purchase, shipment = lock_shipment(shipment_id)
    _require_fulfil(user, str(shipment))
    if shipment.status not in ACTIVE_SHIPMENT_STATES:
        raise TransitionNotAllowed(
            f"{shipment}: the agent cannot change once {shipment.get_status_display()}."
        )
    agent = get_agent(agent_id)
    if agent.pk == shipment.agent_id:
        return shipment
    if purchase.is_cash_on_delivery() and not agent.collects_cod:
        raise InvalidInput(f"{agent.name} does not collect cash on delivery; {purchase} is COD.")
    if shipment.awb:
        validate_awb(agent=agent, awb=shipment.awb, shipment=shipment)
    previous = shipment.agent
    shipment.agent = agent
    _save_awb(shipment)
    audit_record(
        purchase=purchase,
        subject=shipment,
        action=f"Agent changed: {previous.name} → {agent.name}",
        user=user,
    )
    _outdate_slip(purchase=purchase, shipment=shipment, user=user)  # it names the old courier
    return shipment


@transaction.atomic
def shipment_record_slip_printed(
    *, shipment_id: int, user: AbstractBaseUser | None, drawn_at: dt.datetime | None = None
) -> Shipment:
    """Note that the address slip was printed; with an AWB recorded, the shipment is Shipped.

    `drawn_at`: when the slip was drawn from the database, at the latest. If the courier or the AWB
    changed since, the slip that came out of the printer shows the old ones: it is noted, but does
    not count, and the shipment waits for a new one."""
    purchase, shipment = lock_shipment(shipment_id)
    changed = shipment.slip_details_changed_at
    if drawn_at is not None and changed is not None and changed >= drawn_at:
        audit_record(
            purchase=purchase,
            subject=shipment,
            action="Address slip printed with an old courier or AWB: print it again",
            user=user,
        )
        return shipment
    audit_record(purchase=purchase, subject=shipment, action="Address slip printed", user=user)
    if shipment.slip_printed_at is None and shipment.status in ACTIVE_SHIPMENT_STATES:
        shipment.slip_printed_at = timezone.now()
        shipment.save(update_fields=["slip_printed_at"])
        if user is None or user.has_perm(FULFIL):  # None: printed by a command or the worker
            _ship_if_ready(purchase=purchase, shipment=shipment, user=user)
    return shipment


@transaction.atomic
def shipment_hand_over(*, shipment_id: int, user: AbstractBaseUser, batch=None) -> Shipment:
    """The courier took the parcel: its items count as handed over and the customer is emailed."""
    purchase, shipment = lock_shipment(shipment_id)
    if shipment.status == ShipmentStatus.AGENT_ASSIGNED:
        missing = [
            what
            for what, done in (
                ("the AWB", shipment.has_awb()),
                ("the slip", shipment.has_slip_printed()),
            )
            if not done
        ]
        raise TransitionNotAllowed(
            f"{shipment}: record {' and print '.join(missing)} before handing over."
        )
    shipment.handed_over_at = timezone.now()
    shipment.handover_batch = batch
    run_transition(shipment, "hand_over", user=user, purchase=purchase)
    for line in shipment.lines.select_related("item"):
        item = Item.objects.select_for_update().get(pk=line.item_id)
        item.assigned_quantity -= line.quantity
        item.handed_over_quantity += line.quantity
        item.save(update_fields=["assigned_quantity", "handed_over_quantity"])
        run_transition(item, "follow_quantities", user=None, purchase=purchase)
    purchase_follow_fulfilment(purchase=purchase, user=user)
    transaction.on_commit(lambda: send_handover_email.enqueue(shipment_id=shipment.pk))
    return shipment


def shipments_release_for_cancellation(
    *, purchase: Purchase, items: dict[Item, int], user: AbstractBaseUser, reason: str
) -> None:
    """Cancel the active shipments that must give back quantities about to be cancelled."""
    for item, quantity in items.items():
        shortfall = quantity - item.unassigned_quantity
        if shortfall <= 0:
            continue
        carrying = (
            Shipment.objects.select_for_update()
            .filter(purchase=purchase, status__in=ACTIVE_SHIPMENT_STATES, lines__item=item)
            .order_by("-created_at")
        )
        for shipment in carrying:
            shortfall -= _cancel_shipment(
                purchase=purchase, shipment=shipment, user=user, reason=reason
            ).get(item.pk, 0)
            item.refresh_from_db()
            if shortfall <= 0:
                break


def _cancel_shipment(*, purchase, shipment: Shipment, user, reason: str) -> dict[int, int]:
    shipment.cancelled_at = timezone.now()
    run_transition(shipment, "cancel", user=user, purchase=purchase, reason=reason)
    released = {}
    for line in shipment.lines.all():
        item = Item.objects.select_for_update().get(pk=line.item_id)
        item.assigned_quantity -= line.quantity
        item.save(update_fields=["assigned_quantity"])
        released[item.pk] = line.quantity
    return released
