"""Handing parcels to the courier: scans resolved to shipments, and the handover batches they form.

A user's open batch for a courier collects every shipment that user hands to that courier until
they finish the handover (pickup person's name and mobile); the manifest is printed from the batch.
Locks are taken purchase, then shipment, then the user's row (which serialises one user's scans so
that a courier never gets two open batches from the same sitting).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from core.exceptions import InvalidInput, NotFound, TransitionNotAllowed
from core.india import normalise_mobile, validate_mobile
from core.permissions import FULFIL, require

from .models import HandoverBatch, Shipment, ShipmentStatus, ShippingAgent
from .rules import refuse_unless_ready
from .services import lock_shipment, normalise_awb, shipment_hand_over

MAX_CODE_LENGTH = 40


@dataclass(frozen=True)
class ScanResult:
    shipment: Shipment
    batch: HandoverBatch
    message: str


def handover_batch_open_for(*, agent: ShippingAgent, user: AbstractBaseUser) -> HandoverBatch:
    """The user's open batch for this courier, opened now if none (inside a transaction)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    batch = (
        HandoverBatch.objects.filter(agent=agent, opened_by=user, closed_at__isnull=True)
        .order_by("opened_at", "id")
        .first()
    )
    return batch or HandoverBatch.objects.create(agent=agent, opened_by=user)


@transaction.atomic
def shipment_hand_over_in_batch(
    *, shipment_id: int, user: AbstractBaseUser
) -> tuple[Shipment, HandoverBatch]:
    """Hand a shipment over and put it in the user's open batch for its courier."""
    require(user, FULFIL, doing="hand parcels over")
    _, shipment = lock_shipment(shipment_id, user)
    refuse_unless_ready(shipment)  # before a batch is opened for a parcel that cannot go
    batch = handover_batch_open_for(agent=shipment.agent, user=user)
    shipment = shipment_hand_over(shipment_id=shipment.pk, user=user, batch=batch)
    return shipment, batch


def shipment_for_code(code: str) -> Shipment:
    """The shipment a scanned code names: its AWB (any case, trimmed) or its reference."""
    code = normalise_awb(code)
    if not code:
        raise InvalidInput("Nothing was scanned.")
    if len(code) > MAX_CODE_LENGTH:
        raise NotFound(f"Unknown AWB or shipment reference: {code[:MAX_CODE_LENGTH]}…")
    by_awb = list(Shipment.objects.filter(awb=code).select_related("agent")[:5])
    if len(by_awb) > 1:
        waiting = [s for s in by_awb if s.status == ShipmentStatus.SHIPPED]
        if len(waiting) == 1:
            return waiting[0]
        couriers = ", ".join(sorted(s.agent.name for s in by_awb))
        raise InvalidInput(
            f"AWB {code} is recorded for several couriers ({couriers}); "
            "scan the shipment reference."
        )
    if by_awb:
        return by_awb[0]
    shipment = Shipment.objects.filter(reference=code).first()
    if shipment is None:
        raise NotFound(f"Unknown AWB or shipment reference: {code}.")
    return shipment


@transaction.atomic
def handover_scan(*, code: str, user: AbstractBaseUser) -> ScanResult:
    """One scan at the desk: hand that shipment over into the user's batch for its courier."""
    require(user, FULFIL, doing="hand parcels over")
    shipment = shipment_for_code(code)
    shipment, batch = shipment_hand_over_in_batch(shipment_id=shipment.pk, user=user)
    message = f"{shipment.reference} handed to {shipment.agent.name}" + (
        f" (AWB {shipment.awb})" if shipment.awb else ""
    )
    return ScanResult(shipment=shipment, batch=batch, message=message)


@transaction.atomic
def handover_batch_close(
    *, batch_id: int, user: AbstractBaseUser, pickup_person: str, pickup_mobile: str
) -> HandoverBatch:
    """Finish a handover: note who picked the parcels up; the next scan opens a new batch."""
    require(user, FULFIL, doing="hand parcels over")
    pickup_person = (pickup_person or "").strip()
    pickup_mobile = normalise_mobile(pickup_mobile)  # '+91 98450 12345' as people write it
    if not pickup_person:
        raise InvalidInput("Enter the name of the courier's pickup person.")
    if len(pickup_person) > 100:
        raise InvalidInput("The pickup person's name is too long (100 characters at most).")
    try:
        validate_mobile(pickup_mobile)
    except ValidationError as error:
        raise InvalidInput(f"Pickup mobile: {error.messages[0]}") from None
    try:
        batch = HandoverBatch.objects.select_for_update().select_related("agent").get(pk=batch_id)
    except (HandoverBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no handover batch {batch_id}.") from None
    if batch.closed_at is not None:
        raise TransitionNotAllowed(f"The {batch.agent.name} handover was already finished.")
    batch.pickup_person = pickup_person
    batch.pickup_mobile = pickup_mobile
    batch.closed_at = timezone.now()
    batch.save(update_fields=["pickup_person", "pickup_mobile", "closed_at"])
    return batch


def batches_of_sitting(user: AbstractBaseUser, *, hours: int = 12):
    """The user's open batches and those finished in the last hours, with counts and COD totals."""
    since = timezone.now() - timedelta(hours=hours)
    return (
        HandoverBatch.objects.filter(opened_by=user)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
        .select_related("agent")
        .annotate(parcels=Count("shipments"), cod_total=Sum("shipments__cod_amount", default=0))
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at")
    )
