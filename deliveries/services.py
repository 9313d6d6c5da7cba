"""What people do after the handover: answer a failed delivery, and send the reattempts asked to
their courier. Answering locks the purchase, then its items and shipments (as every action does),
checks the role and what was typed, and lets the rule (`rules.py`) change the shipment with a
DatabaseJournal."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import InvalidInput, NotFound
from core.india import normalise_mobile, validate_mobile
from core.permissions import FULFIL, require
from shipments.models import Shipment, ShippingAgent
from shipments.services import lock_shipment

from . import rules
from .models import DeliveryInstruction, NdrAnswer

NOTE_MAX_LENGTH = 300
ADDRESS_LINE_MAX_LENGTH = 200
LATEST_REATTEMPT = dt.timedelta(days=14)


@transaction.atomic
def failed_delivery_answer(
    *,
    shipment_id: int,
    user: AbstractBaseUser,
    answer: str,
    new_mobile: str = "",
    new_address_line: str = "",
    deliver_on: dt.date | None = None,
    note: str = "",
) -> Shipment:
    """Answer the courier's last failed attempt on a shipment: reattempt (perhaps on a new
    mobile, with an address line added, on a given day), or return it to origin."""
    step, shipment = lock_shipment(shipment_id, user)
    require(user, FULFIL, what=str(shipment), doing="answer failed deliveries")
    if answer not in NdrAnswer.values:
        raise InvalidInput("Choose to reattempt the delivery or to return the parcel to origin.")
    instruction = DeliveryInstruction(answer=answer, note=_limited(note, NOTE_MAX_LENGTH, "note"))
    if answer == NdrAnswer.REATTEMPT:
        instruction.new_mobile = _mobile(new_mobile)
        instruction.new_address_line = _limited(
            new_address_line, ADDRESS_LINE_MAX_LENGTH, "address line"
        )
        instruction.deliver_on = _day(deliver_on)
    rules.answer_failed_delivery(step, shipment=shipment, instruction=instruction)
    return shipment


@transaction.atomic
def reattempts_send(*, agent_id: int, user: AbstractBaseUser) -> list[DeliveryInstruction]:
    """The reattempts asked of a courier and not sent to it yet, oldest first, marked sent now:
    what its reattempts file carries. Two people pressing at once get each reattempt once."""
    agent = ShippingAgent.objects.filter(pk=agent_id).first()
    if agent is None:
        raise NotFound(f"There is no courier {agent_id}.")
    require(user, FULFIL, what=agent.name, doing="send reattempts to couriers")
    unsent = DeliveryInstruction.objects.reattempts_unsent().filter(shipment__agent=agent)
    keys = list(
        unsent.select_for_update(of=("self",))
        .order_by("given_at", "id")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    DeliveryInstruction.objects.filter(pk__in=keys).update(sent_to_courier_at=now)
    return list(DeliveryInstruction.objects.filter(pk__in=keys).for_file())


def _limited(text: str, limit: int, what: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > limit:
        raise InvalidInput(f"The {what} is too long ({limit} characters at most).")
    return text


def _mobile(raw: str) -> str:
    if not (raw or "").strip():
        return ""
    mobile = normalise_mobile(raw)
    try:
        validate_mobile(mobile)
    except ValidationError as error:
        raise InvalidInput(f"{raw.strip()}: {error.messages[0]}") from None
    return mobile


def _day(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    today = timezone.localdate()
    if not today <= day <= today + LATEST_REATTEMPT:
        raise InvalidInput(
            f"Choose a day from today to {(today + LATEST_REATTEMPT):%d %b %Y} for the reattempt."
        )
    return day
