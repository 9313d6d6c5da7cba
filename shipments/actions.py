"""The actions staff press to fulfil purchases, in one table: what each is called, which step of
Fulfill Shipments it belongs to, the service it calls and what it says when it is done.

Fulfill Shipments runs an action on one row (`?only=<id>`) or on the ticked rows, each row in its
own transaction and each reported (core.bulk). The purchase page runs the purchase's own
transitions (approve or deny the fraud check, issue the invoice) on one purchase; its buttons
are drawn from those transitions' `custom` labels, which also title the reports here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from django.urls import reverse

from core.bulk import BulkReport, run_bulk
from core.exceptions import InvalidInput
from purchases import services as purchase_services
from purchases.models import Purchase
from purchases.transitions import transition_text

from . import services
from .handover import shipment_hand_over_in_batch
from .models import Shipment
from .queue import STEPS_BY_SLUG, Step

# What was typed with the press: a row's own box (`reason-12`, `agent-12`, `awb-12`) or the
# selection's (`reason`, `agent`). The purchase page gives {"reason": ...}.
Typed = Mapping[str, str]


@dataclass(frozen=True)
class FulfilAction:
    name: str  # what a button posts as `action`; for a purchase transition, its name
    label: str  # the report's title, e.g. "Approve fraud check: 2 done, 1 refused."
    step: Step  # its tab of Fulfill Shipments, which says whether it acts on purchases or shipments
    run: Callable[[int, object, Typed], str]  # (key, user, typed) → what was done, for the report
    is_purchase_transition: bool = False  # also a button of the purchase page
    nothing_chosen: str = "select at least one row."


def approve_fraud(pk: int, user, typed: Typed) -> str:
    purchase_services.purchase_approve_fraud(purchase_id=pk, user=user)
    return "Fraud check approved; ready to invoice."


def deny_fraud(pk: int, user, typed: Typed) -> str:
    reason = typed.get(f"reason-{pk}", "").strip() or typed.get("reason", "")
    purchase_services.purchase_deny_fraud(purchase_id=pk, user=user, reason=reason)
    return "Fraud check denied."


def issue_invoice(pk: int, user, typed: Typed) -> str:
    invoice = purchase_services.purchase_issue_invoice(purchase_id=pk, user=user)
    return f"Invoice {invoice.number} issued."


def assign_agent(pk: int, user, typed: Typed) -> str:
    agent_id = typed.get(f"agent-{pk}") or typed.get("agent")
    if not agent_id:
        raise InvalidInput("Choose a courier.")
    shipment = services.shipment_create(purchase_id=pk, user=user, agent_id=agent_id)
    return f"Shipment {shipment.reference} with {shipment.agent.name}."


def record_awb(pk: int, user, typed: Typed) -> str:
    before = Shipment.objects.filter(pk=pk).values_list("awb", flat=True).first()
    shipment = services.shipment_record_awb(
        shipment_id=pk, user=user, awb=typed.get(f"awb-{pk}", "")
    )
    if before == shipment.awb:
        return f"AWB {shipment.awb} was already recorded."
    if shipment.is_ready_to_ship():
        return f"AWB {shipment.awb} recorded; shipped."
    return f"AWB {shipment.awb} recorded; print the slip to ship it."


def hand_over(pk: int, user, typed: Typed) -> str:
    shipment, batch = shipment_hand_over_in_batch(shipment_id=pk, user=user)
    return f"Handed to {shipment.agent.name} (handover batch {batch.pk})."


ACTIONS = {
    action.name: action
    for action in [
        FulfilAction(
            "approve_fraud",
            transition_text(Purchase, "approve_fraud").timeline,
            STEPS_BY_SLUG["review"],
            approve_fraud,
            is_purchase_transition=True,
        ),
        FulfilAction(
            "deny_fraud",
            transition_text(Purchase, "deny_fraud").timeline,
            STEPS_BY_SLUG["review"],
            deny_fraud,
            is_purchase_transition=True,
        ),
        FulfilAction(
            "issue_invoice",
            transition_text(Purchase, "issue_invoice").timeline,
            STEPS_BY_SLUG["invoice"],
            issue_invoice,
            is_purchase_transition=True,
        ),
        FulfilAction("assign_agent", "Assign agent", STEPS_BY_SLUG["assign"], assign_agent),
        FulfilAction(
            "record_awb",
            "Record AWB",
            STEPS_BY_SLUG["print"],
            record_awb,
            nothing_chosen="type an AWB in at least one row.",
        ),
        FulfilAction("hand_over", "Hand over", STEPS_BY_SLUG["handover"], hand_over),
    ]
}
PURCHASE_TRANSITIONS = {name: a for name, a in ACTIONS.items() if a.is_purchase_transition}

# What a row of each kind is called in a report, and the page it links to.
SUBJECTS = {
    "purchase": (Purchase, "number", "purchases:purchase-detail", "Purchase"),
    "shipment": (Shipment, "reference", "shipments:shipment-detail", "Shipment"),
}


def run_on_rows(action: FulfilAction, ids: list[int], *, user, typed: Typed) -> BulkReport:
    """The action on each of `ids` in turn, each row in its own transaction, each reported."""
    model, name_field, url_name, noun = SUBJECTS[action.step.kind]
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", name_field))
    rows = (
        (
            names.get(pk, f"{noun} #{pk}"),
            partial(action.run, pk, user, typed),
            reverse(url_name, args=[pk]) if pk in names else "",
        )
        for pk in ids
    )
    return run_bulk(action.label, rows)
