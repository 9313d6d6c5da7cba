"""What people do with parcels that come back: record a customer's return, receive a parcel
(returned to origin, or the customer's), and pay refunds. Each action locks the purchase first,
then its items and shipments (as every action does), checks the role and what was typed, and lets
the rule (`rules.py`) do the rest with a DatabaseJournal."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from configuration.models import StoreProfile
from core.exceptions import InvalidInput, NotFound, TransitionNotAllowed
from core.permissions import FULFIL, REFUND, require
from purchases.audit import audit_record
from purchases.models import DocumentKind, Purchase, Refund, RefundStatus
from purchases.services import (
    credited_before,
    lock_purchase,
    locked_step,
    number_taker,
    required_reason,
)
from purchases.step import Step
from shipments.models import DeliveryStatus, Shipment
from shipments.services import AWB_RE, lock_shipment, normalise_awb

from . import rules
from .models import ParcelReturn, ReturnKind, ReturnLine
from .rules import Disposition

REFERENCE_MAX_LENGTH = 100


@transaction.atomic
def customer_return_record(
    *,
    shipment_id: int,
    user: AbstractBaseUser,
    quantities: dict[int, int],
    reason: str,
    reverse_awb: str = "",
) -> ParcelReturn:
    """Record that the customer sends back `quantities` (item id → units) of a delivered
    shipment, with the reverse pickup's AWB when there is one."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment), doing="record returns")
    reason = required_reason(reason, "record this return")
    awb = _reverse_awb(reverse_awb)
    items = {item.pk: item for item in step.items if item.is_own()}
    wanted = {}
    for item_id, units in quantities.items():
        if int(item_id) not in items:
            raise InvalidInput(f"Item {item_id} is not one of this purchase's own items.")
        if units:
            wanted[items[int(item_id)]] = units
    earlier = list(ReturnLine.objects.filter(parcel_return__shipment=shipment))
    left = rules.returnable(shipment, list(shipment.lines.all()), earlier)
    parcel, _ = rules.record_customer_return(
        step, shipment=shipment, quantities=wanted, left=left, reason=reason, reverse_awb=awb
    )
    return parcel


def _reverse_awb(raw: str) -> str | None:
    awb = normalise_awb(raw)
    if not awb:
        return None
    if not AWB_RE.match(awb):
        raise InvalidInput(f"AWB {awb[:40]!r} may hold only letters, digits and '-', 4 to 40.")
    taken = ParcelReturn.objects.filter(reverse_awb=awb).select_related("shipment").first()
    if taken is not None:
        raise InvalidInput(f"AWB {awb} is already the reverse pickup of {taken.shipment}.")
    return awb


@dataclass(frozen=True)
class Arrival:
    """What a scanned or typed AWB names at the receiving desk: a customer's return expected
    under it, or a shipment coming back to origin."""

    parcel_return: ParcelReturn | None = None
    shipment: Shipment | None = None

    @property
    def to_origin(self) -> bool:
        return self.parcel_return is None


def arrival_find(code: str) -> Arrival:
    """The parcel a scanned AWB (or reverse pickup AWB) names, or NotFound saying why not."""
    awb = normalise_awb(code)
    if not awb:
        raise InvalidInput("Scan or type the parcel's AWB.")
    expected = ParcelReturn.objects.expected().filter(reverse_awb=awb).first()
    if expected is not None:
        return Arrival(parcel_return=expected)
    shipments = list(Shipment.objects.filter(awb=awb).select_related("agent"))
    if not shipments:
        raise NotFound(f"No shipment or expected return has the AWB {awb}.")
    if len(shipments) > 1:
        couriers = ", ".join(shipment.agent.name for shipment in shipments)
        raise InvalidInput(f"AWB {awb} is on shipments of several couriers ({couriers}).")
    shipment = shipments[0]
    expected = ParcelReturn.objects.expected().filter(shipment=shipment).first()
    if expected is not None:
        return Arrival(parcel_return=expected)
    _refuse_unless_coming_back(shipment)
    return Arrival(shipment=shipment)


def _refuse_unless_coming_back(shipment: Shipment) -> None:
    if not shipment.is_handed_over():
        raise TransitionNotAllowed(f"{shipment} ({shipment.awb}) was never handed over.")
    if ParcelReturn.objects.filter(shipment=shipment, kind=ReturnKind.RTO).exists():
        raise TransitionNotAllowed(f"{shipment} ({shipment.awb}) was received back already.")
    if shipment.delivery_status == DeliveryStatus.DELIVERED:
        raise TransitionNotAllowed(
            f"{shipment} ({shipment.awb}) was delivered: record the customer's return on its "
            "page first, then receive it."
        )


@transaction.atomic
def return_to_origin_receive(
    *,
    shipment_id: int,
    user: AbstractBaseUser,
    dispositions: dict[int, Disposition],
    note: str = "",
) -> ParcelReturn:
    """Receive a parcel the courier brought back: `dispositions` by item id, every unit it
    carried sellable or damaged."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment), doing="receive returned parcels")
    _refuse_unless_coming_back(shipment)
    reason = shipment.ndr_reason or "not delivered"
    parcel, lines = rules.record_return_to_origin(
        step, shipment=shipment, lines=list(shipment.lines.all()), reason=reason
    )
    _receive(step, parcel, lines, dispositions, note)
    return parcel


@transaction.atomic
def return_receive(
    *,
    return_id: int,
    user: AbstractBaseUser,
    dispositions: dict[int, Disposition],
    note: str = "",
) -> ParcelReturn:
    """Receive a customer's return recorded before: `dispositions` by item id."""
    try:
        purchase_id = ParcelReturn.objects.values_list("purchase_id", flat=True).get(pk=return_id)
    except (ParcelReturn.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no return {return_id}.") from None
    step = locked_step(lock_purchase(purchase_id), user)
    parcel = ParcelReturn.objects.select_for_update().get(pk=return_id)
    parcel.shipment = next(each for each in step.shipments if each.pk == parcel.shipment_id)
    require(user, FULFIL, what=str(parcel), doing="receive returned parcels")
    _receive(step, parcel, list(parcel.lines.all()), dispositions, note)
    return parcel


def _receive(step: Step, parcel, lines, dispositions: dict[int, Disposition], note: str) -> None:
    invoice = step.purchase.invoices.order_by("-issued_at").first()
    if invoice is None:
        raise TransitionNotAllowed(f"{step.purchase} has no invoice to credit.")
    if len(note) > 1000:
        raise InvalidInput("The note is too long (1,000 characters at most).")
    store = StoreProfile.objects.current()
    rules.receive(
        step,
        parcel=parcel,
        lines=lines,
        dispositions={line.pk: dispositions.get(line.item_id) for line in lines},
        invoice=invoice,
        credited_before=credited_before(invoice),
        refundable=refundable(step.purchase, step.shipments, parcel),
        store=store,
        take_number=number_taker(DocumentKind.CREDIT_NOTE, store.credit_note_prefix),
        note=note.strip(),
    )


def refundable(purchase: Purchase, shipments: list[Shipment], parcel: ParcelReturn) -> Decimal:
    """What the customer paid that has not been refunded yet, and could be for this parcel: a
    prepaid purchase's payment; on cash on delivery, the cash collected on delivered parcels
    (nothing for a parcel returned to origin: its cash was never collected)."""
    if purchase.paid_at is not None and not purchase.is_cash_on_delivery():
        paid = purchase.grand_total
    elif purchase.is_cash_on_delivery() and parcel.kind == ReturnKind.CUSTOMER:
        paid = sum((s.cod_amount for s in shipments if s.is_delivered()), Decimal("0"))
    else:
        return Decimal("0")
    refunded = purchase.refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return max(paid - refunded, Decimal("0"))


@transaction.atomic
def refund_record_paid(*, refund_id: int, user: AbstractBaseUser, reference: str) -> Refund:
    """The refund was paid to the customer: keep the bank's or gateway's reference."""
    require(user, REFUND, doing="record refunds")
    try:
        refund = Refund.objects.select_for_update().select_related("purchase").get(pk=refund_id)
    except (Refund.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no refund {refund_id}.") from None
    if not refund.is_due():
        raise TransitionNotAllowed(f"{refund} was recorded as paid already ({refund.reference}).")
    reference = " ".join((reference or "").split())
    if not reference:
        raise InvalidInput("Enter the refund's reference: the bank's UTR or the gateway's id.")
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise InvalidInput(
            f"The reference is too long ({REFERENCE_MAX_LENGTH} characters at most)."
        )
    refund.status = RefundStatus.REFUNDED
    refund.reference = reference
    refund.refunded_by = user
    refund.refunded_at = timezone.now()
    refund.save()
    audit_record(
        purchase=refund.purchase,
        subject=refund,
        action=f"Refunded, reference {reference}",
        user=user,
    )
    return refund
