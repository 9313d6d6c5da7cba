"""What recording and receiving a returned parcel do: the rules, in memory (as in
`purchases/rules.py`, they take a `Step` and tell its journal; the services lock and load).

A parcel returned to origin never reached the customer: its COD cash is written off, and the
shipping they paid is given back once none of their goods reaches them. A customer's return was
delivered: the goods come back, the shipping does not. Either way every unit that comes back is
sellable (back to stock) or damaged (written off), and the credit note gives back what the invoice
charged for exactly those units (`purchases/crediting.py`: never more than was invoiced). What the
customer had paid for them is owed back as a refund.
"""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product, StockMovement, StockMovementKind
from configuration.models import StoreProfile
from core.exceptions import InvalidInput, TransitionNotAllowed
from core.india import format_inr
from purchases.models import CreditNote, Invoice, Item, Refund
from purchases.rules import NumberTaker, issue_credit_note
from purchases.step import Step
from shipments.models import DeliveryStatus, Shipment, ShipmentItem

from .models import ParcelReturn, ReturnKind, ReturnLine, ReturnStatus


@dataclass(frozen=True)
class Disposition:
    """What became of one line's units: sellable ones go back to stock, damaged ones are
    written off with a note."""

    sellable: int
    damaged: int
    note: str = ""


def returnable(
    shipment: Shipment, lines: list[ShipmentItem], earlier: list[ReturnLine]
) -> dict[int, int]:
    """Units of each item (by id) of a delivered shipment the customer may still send back: what
    it carried less what its earlier returns take back."""
    if shipment.delivery_status != DeliveryStatus.DELIVERED:
        return {}
    left = {line.item_id: line.quantity for line in lines}
    for line in earlier:
        left[line.item_id] = left.get(line.item_id, 0) - line.quantity
    return {item_id: units for item_id, units in left.items() if units > 0}


def record_customer_return(
    step: Step,
    *,
    shipment: Shipment,
    quantities: dict[Item, int],
    left: dict[int, int],
    reason: str,
    reverse_awb: str | None,
) -> tuple[ParcelReturn, list[ReturnLine]]:
    """The customer sends back `quantities` (item → units, each at most what is `left` of it,
    see `returnable`) of a delivered shipment; the parcel is expected, under `reverse_awb`."""
    if shipment.delivery_status != DeliveryStatus.DELIVERED:
        raise TransitionNotAllowed(
            f"{shipment}: only a delivered parcel can be returned by the customer "
            f"(it is {shipment.get_delivery_status_display() or 'not handed over'})."
        )
    for item, units in quantities.items():
        if not 0 < units <= left.get(item.pk, 0):
            raise InvalidInput(
                f"{item.sku}: {left.get(item.pk, 0)} of this parcel can be returned, not {units}."
            )
    if not quantities:
        raise InvalidInput("Say how many of which item come back.")
    parcel = ParcelReturn(
        shipment=shipment,
        purchase=step.purchase,
        kind=ReturnKind.CUSTOMER,
        reason=reason,
        reverse_awb=reverse_awb,
        recorded_by=step.user,
        recorded_at=step.at,
    )
    step.add(parcel)
    lines = _lines_of(step, parcel, quantities)
    pickup = f", reverse pickup AWB {reverse_awb}" if reverse_awb else ""
    step.note(shipment, f"Return recorded: {_units(lines)}{pickup}", reason=reason)
    return parcel, lines


def record_return_to_origin(
    step: Step, *, shipment: Shipment, lines: list[ShipmentItem], reason: str
) -> tuple[ParcelReturn, list[ReturnLine]]:
    """The courier brought back a parcel it could not deliver: everything it carried comes back."""
    if not shipment.is_handed_over() or shipment.delivery_status == DeliveryStatus.DELIVERED:
        raise TransitionNotAllowed(
            f"{shipment} is {shipment.get_delivery_status_display() or 'not handed over'}: "
            "only a parcel handed over and not delivered comes back to origin."
        )
    by_id = {item.pk: item for item in step.items}
    parcel = ParcelReturn(
        shipment=shipment,
        purchase=step.purchase,
        kind=ReturnKind.RTO,
        reason=reason,
        recorded_by=step.user,
        recorded_at=step.at,
    )
    step.add(parcel)
    return parcel, _lines_of(step, parcel, {by_id[line.item_id]: line.quantity for line in lines})


def _lines_of(step: Step, parcel: ParcelReturn, quantities: dict[Item, int]) -> list[ReturnLine]:
    lines = []
    for item, units in sorted(quantities.items(), key=lambda pair: pair[0].line_number):
        line = ReturnLine(parcel_return=parcel, item=item, quantity=units)
        step.add(line)
        lines.append(line)
    return lines


def _units(lines: list[ReturnLine]) -> str:
    return ", ".join(f"{line.quantity} × {line.item.sku}" for line in lines)


def receive(
    step: Step,
    *,
    parcel: ParcelReturn,
    lines: list[ReturnLine],
    dispositions: dict[int, Disposition],
    invoice: Invoice,
    credited_before: list[dict],
    refundable: Decimal,
    store: StoreProfile,
    take_number: NumberTaker,
    note: str = "",
) -> CreditNote:
    """The parcel is back at the store: each line's units (by line id in `dispositions`) are
    sellable or damaged; the items take them back, stock moves, the credit note gives back what
    was invoiced for them, and what the customer paid for them (up to `refundable`) is owed."""
    if parcel.status != ReturnStatus.EXPECTED:
        raise TransitionNotAllowed(f"{parcel} was received already; nothing more was done.")
    by_id = {item.pk: item for item in step.items}
    to_origin = parcel.kind == ReturnKind.RTO
    quantities = {}
    for line in lines:
        item = by_id[line.item_id]
        _dispose(step, line, item, dispositions.get(line.pk), to_origin, parcel)
        quantities[item] = line.quantity
    parcel.status = ReturnStatus.RECEIVED
    parcel.received_by, parcel.received_at, parcel.received_note = step.user, step.at, note
    credit_note = issue_credit_note(
        step,
        invoice=invoice,
        credited_before=credited_before,
        quantities=quantities,
        store=store,
        take_number=take_number,
        reason=f"{parcel.get_kind_display()}: {parcel.reason}",
    )
    parcel.credit_note = credit_note
    step.update(parcel)
    step.note(parcel.shipment, f"Received back: {_units(lines)}", reason=note)
    if to_origin:
        _back_at_origin(step, parcel.shipment)
    _owe_refund(step, credit_note, refundable, parcel)
    return credit_note


def _dispose(
    step: Step,
    line: ReturnLine,
    item: Item,
    disposition: Disposition | None,
    to_origin: bool,
    parcel: ParcelReturn,
) -> None:
    if disposition is None or disposition.sellable + disposition.damaged != line.quantity:
        raise InvalidInput(
            f"{item.sku}: say how many of the {line.quantity} that came back are sellable and "
            "how many damaged (together, all of them)."
        )
    if disposition.damaged and not disposition.note.strip():
        raise InvalidInput(f"{item.sku}: say what is wrong with the damaged units.")
    line.sellable, line.damaged, line.damage_note = (
        disposition.sellable,
        disposition.damaged,
        disposition.note.strip(),
    )
    step.update(line)
    item.take_back(line.quantity, to_origin=to_origin)
    step.update(item)
    product = item.product
    if product is None or not product.is_own():
        return
    product.receive(line.quantity)
    _moved(step, product, StockMovementKind.RETURNED, line.quantity, str(parcel))
    if disposition.damaged:
        product.write_off(disposition.damaged)
        _moved(step, product, StockMovementKind.WRITTEN_OFF, -disposition.damaged, line.damage_note)
    step.update(product)


def _moved(step: Step, product: Product, kind: str, change: int, reason: str) -> None:
    movement = StockMovement(
        product=product,
        kind=kind,
        quantity=change,
        on_hand_after=product.on_hand,
        reason=f"{step.purchase}: {reason}",
        user=step.user,
    )
    step.add(movement)


def _back_at_origin(step: Step, shipment: Shipment) -> None:
    """Returned to origin: at the store now, whatever the courier's last scan said; the cash it
    was to collect never will be."""
    if shipment.delivery_status != DeliveryStatus.RTO_DELIVERED:
        shipment.delivery_status = DeliveryStatus.RTO_DELIVERED
        shipment.awaits_ndr_answer = False
        step.note(shipment, "Back at the store: returned to origin")
    if shipment.cod_amount:
        shipment.cod_written_off_at = step.at
        step.note(shipment, f"Cash to collect written off: {format_inr(shipment.cod_amount)}")
    step.update(shipment)


def _owe_refund(step: Step, note: CreditNote, refundable: Decimal, parcel: ParcelReturn) -> None:
    amount = min(note.grand_total, refundable)
    if amount <= 0:
        return
    refund = Refund(
        purchase=step.purchase,
        credit_note=note,
        amount=amount,
        reason=f"{parcel.get_kind_display()}: {parcel.reason}",
        created_at=step.at,
    )
    step.add(refund)
    step.note(refund, f"Refund due: {format_inr(amount)}")
