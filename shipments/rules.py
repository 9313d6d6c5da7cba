"""What assigning a courier, recording an AWB, printing a slip, handing over and cancelling do to a
shipment, its purchase and items: the rules, in memory.

As in `purchases/rules.py`: each rule takes a `Step` (the purchase with all its items and
shipments, who acts, when, the journal), changes those objects and tells the journal what changed
and what the timeline says; the services lock, load, check and call them with a journal that saves,
and the demo builder calls the same ones.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from configuration.models import StoreProfile
from core.exceptions import InvalidInput, TransitionNotAllowed
from core.india import PAISE, format_inr
from core.permissions import FULFIL
from purchases.models import Item, Purchase
from purchases.step import Step

from .eway_bills import eway_bill_required, goods_value_of
from .models import (
    DeliveryStatus,
    HandoverBatch,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
    ShippingAgent,
)

RUPEE = Decimal("1")


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


def refuse_cod_with(agent: ShippingAgent, purchase: Purchase) -> None:
    """A cash-on-delivery purchase goes only with a courier that collects cash."""
    if purchase.is_cash_on_delivery() and not agent.collects_cod:
        raise InvalidInput(f"{agent.name} does not collect cash on delivery; {purchase} is COD.")


def assign_courier(
    step: Step,
    *,
    agent: ShippingAgent,
    quantities: dict[Item, int] | None,
    payable: Decimal | None,
    store: StoreProfile,
) -> tuple[Shipment, list[ShipmentItem]]:
    """A new shipment with `agent` for some own units not yet in one (item → units; all of them
    when None). `payable` is what the invoices still ask for (see cod_to_collect); the `store`'s
    limits say whether its goods need an e-way bill to move (eway_bills.py)."""
    purchase = step.purchase
    if not purchase.takes_couriers():
        raise TransitionNotAllowed(
            f"{purchase}: cannot assign an agent while {purchase.get_status_display()}."
        )
    refuse_cod_with(agent, purchase)
    own = [item for item in step.items if item.is_own()]
    chosen = _to_ship(purchase, own, quantities)
    shipment = Shipment(
        reference=f"{purchase.number}-{len(step.shipments) + 1}",
        purchase=purchase,
        agent=agent,
        weight_grams=max(1, sum(item.weight_grams * quantity for item, quantity in chosen.items())),
        cod_amount=_cod_of(purchase, chosen, own, step.shipments, payable),
        goods_value=goods_value_of(chosen),
        created_at=step.at,
    )
    shipment.eway_bill_required = eway_bill_required(
        goods_value=shipment.goods_value,
        within_state=purchase.shipping_address.state == store.state,
        store=store,
    )
    step.add(shipment)
    step.shipments.append(shipment)
    lines = []
    for item, quantity in chosen.items():
        line = ShipmentItem(shipment=shipment, item=item, quantity=quantity)
        step.add(line)
        lines.append(line)
        item.assign(quantity)
        step.update(item)
    contents = ", ".join(f"{item.sku} × {quantity}" for item, quantity in chosen.items())
    step.note(shipment, f"Agent assigned: {agent.name}", to_state=shipment.status, reason=contents)
    step.follow()
    return shipment, lines


def _to_ship(purchase: Purchase, own: list[Item], quantities: dict | None) -> dict[Item, int]:
    """The units asked for (all those not in a shipment yet when None), each checked."""
    if quantities is None:
        quantities = {item: item.unassigned_quantity for item in own}
    for item, quantity in quantities.items():
        if quantity < 0 or quantity > item.unassigned_quantity:
            raise InvalidInput(
                f"{item.sku}: {item.unassigned_quantity} left to ship, cannot ship {quantity}."
            )
    chosen = {item: quantity for item, quantity in quantities.items() if quantity}
    if not chosen:
        raise InvalidInput(f"{purchase}: choose at least one item to put in the shipment.")
    return chosen


def _cod_of(purchase, chosen: dict[Item, int], own: list[Item], shipments, payable) -> Decimal:
    if not purchase.is_cash_on_delivery():
        return Decimal("0")
    return cod_to_collect(
        value=sum((item.value_of(quantity) for item, quantity in chosen.items()), Decimal("0")),
        completes=all(item.unassigned_quantity == chosen.get(item, 0) for item in own),
        payable=payable,
        collected=sum(
            (s.cod_amount for s in shipments if s.status != ShipmentStatus.CANCELLED),
            Decimal("0"),
        ),
    )


def refuse_unless_open(shipment: Shipment, what: str) -> None:
    """Its courier and AWB may be corrected until it is handed over or cancelled."""
    if not shipment.is_open():
        raise TransitionNotAllowed(
            f"{shipment}: {what} cannot change once {shipment.get_status_display()}."
        )


def record_awb(step: Step, *, shipment: Shipment, awb: str) -> None:
    """Record (or correct, until handover) the AWB, already checked against the courier's rule.
    A slip printed before carries the old AWB's barcode, or only the shipment reference: the
    parcel needs one with this AWB."""
    refuse_unless_open(shipment, "the AWB")
    if shipment.awb == awb:
        return
    previous = shipment.awb
    shipment.awb = awb
    shipment.slip_details_changed_at = step.at
    step.update(shipment)
    step.note(
        shipment, f"AWB recorded: {awb}" if not previous else f"AWB corrected: {previous} → {awb}"
    )
    _outdate_slip(step, shipment)
    _ship_if_ready(step, shipment)


def record_eway_bill(step: Step, *, shipment: Shipment, number: str) -> None:
    """Record (or correct, until handover) the e-way bill number, already checked; it prints on
    the slip, so a slip printed before must be printed again."""
    refuse_unless_open(shipment, "the e-way bill")
    if shipment.eway_bill_number == number:
        return
    previous = shipment.eway_bill_number
    shipment.eway_bill_number = number
    shipment.eway_bill_recorded_at = step.at
    shipment.slip_details_changed_at = step.at
    step.update(shipment)
    step.note(
        shipment,
        f"E-way bill recorded: {number}"
        if not previous
        else f"E-way bill corrected: {previous} → {number}",
    )
    _outdate_slip(step, shipment)


def change_agent(step: Step, *, shipment: Shipment, agent: ShippingAgent) -> None:
    """Correct the courier until handover (its AWB, if any, already checked against the new
    courier's rule); a slip already printed names the old courier and must be printed again."""
    refuse_unless_open(shipment, "the agent")
    if agent.pk == shipment.agent_id:
        return
    refuse_cod_with(agent, step.purchase)
    previous = shipment.agent
    shipment.agent = agent
    shipment.slip_details_changed_at = step.at
    step.update(shipment)
    step.note(shipment, f"Agent changed: {previous.name} → {agent.name}")
    _outdate_slip(step, shipment)


def record_slip_printed(step: Step, *, shipment: Shipment, drawn_at: dt.datetime | None) -> None:
    """The address slip was printed; with an AWB recorded, the shipment is Shipped.

    `drawn_at`: when the slip was drawn from the database, at the latest. If the courier or the AWB
    changed since, the slip that came out of the printer shows the old ones: it is noted, but does
    not count, and the shipment waits for a new one. A step without user: printed by a command or
    the worker."""
    changed = shipment.slip_details_changed_at
    if drawn_at is not None and changed is not None and changed >= drawn_at:
        step.note(shipment, "Address slip printed with an old courier or AWB: print it again")
        return
    step.note(shipment, "Address slip printed")
    if shipment.slip_printed_at is None and shipment.is_open():
        shipment.slip_printed_at = step.at
        step.update(shipment)
        if step.user is None or step.user.has_perm(FULFIL):
            _ship_if_ready(step, shipment)


def _outdate_slip(step: Step, shipment: Shipment) -> None:
    """The printed slip no longer matches the shipment: it must be printed again, and a Shipped
    shipment goes back to wait for it (so no parcel is handed over with a wrong label)."""
    if not shipment.has_slip_printed():
        return
    shipment.slip_printed_at = None
    step.update(shipment)
    if shipment.status == ShipmentStatus.SHIPPED:
        step.move(shipment, "outdate_slip")
        step.follow()
    else:
        step.note(shipment, "Slip to print again")


def _ship_if_ready(step: Step, shipment: Shipment) -> None:
    if shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.is_ready_to_ship():
        shipment.shipped_at = step.at
        step.move(shipment, "ship")
        step.follow()


def refuse_unless_ready(shipment: Shipment) -> None:
    """Say in the courier's words why a parcel cannot be handed over now."""
    if shipment.status == ShipmentStatus.COMPLETE:
        when = (
            timezone.localtime(shipment.handed_over_at).strftime("%d %b %Y, %H:%M")
            if shipment.handed_over_at
            else ""
        )
        raise TransitionNotAllowed(
            f"{shipment}: already handed over{' on ' + when if when else ''}."
        )
    if shipment.status == ShipmentStatus.CANCELLED:
        raise TransitionNotAllowed(f"{shipment}: cancelled; do not hand this parcel over.")
    if shipment.status == ShipmentStatus.AGENT_ASSIGNED:
        missing = [
            what
            for what, done in (
                ("record its AWB", shipment.has_awb()),
                ("print its slip", shipment.has_slip_printed()),
            )
            if not done
        ]
        raise TransitionNotAllowed(f"{shipment}: not shipped yet; {' and '.join(missing)} first.")
    if shipment.awaits_eway_bill():
        raise TransitionNotAllowed(
            f"{shipment}: goods worth {format_inr(shipment.goods_value)} need an e-way bill; "
            "record its number first."
        )


def hand_over(
    step: Step, *, shipment: Shipment, lines: list[ShipmentItem], batch: HandoverBatch | None
) -> None:
    """The courier took the parcel: the units of its `lines` count as handed over."""
    refuse_unless_ready(shipment)
    shipment.handed_over_at = step.at
    shipment.handover_batch = batch
    # On its way until the courier's scans say more (deliveries/rules.py).
    shipment.delivery_status = DeliveryStatus.IN_TRANSIT
    shipment.delivery_scanned_at = step.at
    step.move(shipment, "hand_over")
    by_id = {item.pk: item for item in step.items}
    for line in lines:
        item = by_id[line.item_id]
        item.hand_over(line.quantity)
        step.update(item)
        if item.product is not None:
            item.product.ship(line.quantity)
            step.update(item.product)
        step.move(item, "follow_quantities", by_system=True)
    step.follow()


def cancel_shipments_carrying(
    step: Step, *, quantities: dict[Item, int], lines: list[ShipmentItem], reason: str
) -> None:
    """Cancel, newest first, the shipments not yet handed over that must give back units about
    to be cancelled (item → units); every unit they carried waits for a courier again."""
    by_id = {item.pk: item for item in step.items}
    newest_first = sorted(step.shipments, key=lambda s: (s.created_at, s.pk), reverse=True)
    for item, quantity in quantities.items():
        shortfall = quantity - item.unassigned_quantity
        for shipment in newest_first:
            if shortfall <= 0:
                break
            carried = [line for line in lines if line.shipment_id == shipment.pk]
            if not shipment.is_open() or all(line.item_id != item.pk for line in carried):
                continue
            shipment.cancelled_at = step.at
            step.move(shipment, "cancel", reason=reason)
            for line in carried:
                by_id[line.item_id].release(line.quantity)
                step.update(by_id[line.item_id])
                if line.item_id == item.pk:
                    shortfall -= line.quantity
