"""The purchase page, and its actions: the fulfilment transitions and cancelling.

The page runs a fixed number of queries whatever the purchase's history. Its transition buttons
are drawn from the transitions' `custom` metadata; what each one runs is in shipments.actions, the
one table of the actions staff press, which Fulfill Shipments uses too.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import CharField, F, Value
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView

from core.exceptions import ActionRefused, InvalidInput, TransitionNotAllowed
from core.panel import PanelPermissionMixin, print_url
from core.permissions import CANCEL, FULFIL, PRINT, VIEW_PURCHASE
from deliveries.models import TrackingScan
from shipments.actions import PURCHASE_TRANSITIONS
from shipments.models import DeliveryStatus, ShipmentItem, ShipmentStatus

from . import services
from .audit import INFIBEAM
from .forms import CancelForm, TransitionForm
from .invoicing import payable
from .models import (
    REASON_MAX_LENGTH,
    CreditNote,
    Invoice,
    ItemStatus,
    PartnerStatus,
    Purchase,
    PurchaseStatus,
)

CANCEL_TRANSITION = "cancel"
CANCEL_DRAFT_KEY = "purchases.cancel_draft"

# How each state code reads on the timeline, whatever moved (purchase, item, shipment, partner,
# a parcel's delivery status).
STATE_LABELS = {
    **dict(ItemStatus.choices),
    **dict(ShipmentStatus.choices),
    **dict(DeliveryStatus.choices),
    **{value: label for value, label in PartnerStatus.choices if value},
    **dict(PurchaseStatus.choices),
}


@dataclass(frozen=True)
class Action:
    """A button for one transition, described by the transition's own `custom` metadata."""

    name: str
    label: str
    style: str
    needs_reason: bool


def available_actions(purchase: Purchase, user) -> list[Action]:
    """The transitions this user may run on the purchase now that have a button label."""
    actions = []
    for transition in purchase.get_available_user_status_transitions(user):
        custom = transition.custom or {}
        if custom.get("label"):
            actions.append(
                Action(
                    name=transition.name,
                    label=custom["label"],
                    style=custom.get("style", ""),
                    needs_reason=bool(custom.get("needs_reason")),
                )
            )
    return actions


def documents_of(purchase: Purchase) -> list[dict]:
    """Its invoices and credit notes, oldest first, in one query."""
    text = CharField()
    columns = ("id", "number", "issued_at", "grand_total", "kind", "against", "note_reason")
    invoices = (
        Invoice.objects.filter(purchase=purchase)
        .order_by()
        .annotate(
            kind=Value("Tax invoice", output_field=text),
            against=Value("", output_field=text),
            note_reason=Value("", output_field=text),
        )
        .values(*columns)
    )
    notes = (
        CreditNote.objects.filter(invoice__purchase=purchase)
        .order_by()
        .annotate(
            kind=Value("Credit note", output_field=text),
            against=F("invoice__number"),
            note_reason=F("reason"),
        )
        .values(*columns)
    )
    return list(invoices.union(notes, all=True).order_by("issued_at", "kind"))


def shipments_of(purchase: Purchase, items: dict) -> list:
    """Its shipments with their agents and contents (item, quantity), in one query."""
    shipments = {}
    lines = (
        ShipmentItem.objects.filter(shipment__purchase=purchase)
        .select_related("shipment__agent")
        .order_by("shipment_id", "id")
    )
    for line in lines:
        shipment = shipments.setdefault(line.shipment_id, line.shipment)
        if not hasattr(shipment, "contents"):
            shipment.contents = []
        shipment.contents.append((items.get(line.item_id), line.quantity))
    return with_scans(list(shipments.values()))


def with_scans(shipments: list) -> list:
    """Each handed-over shipment with its couriers' scans, newest first (`scan_list`), all in one
    query; none when no shipment was handed over."""
    tracked = [shipment.pk for shipment in shipments if shipment.delivery_status]
    scans: dict[int, list] = {}
    if tracked:
        found = TrackingScan.objects.filter(shipment_id__in=tracked).order_by("-scanned_at", "-id")
        for scan in found:
            scans.setdefault(scan.shipment_id, []).append(scan)
    for shipment in shipments:
        shipment.scan_list = scans.get(shipment.pk, [])
    return shipments


def timeline_of(purchase: Purchase) -> list:
    entries = list(purchase.audit_entries.order_by("created_at", "id"))
    for entry in entries:
        entry.from_label = STATE_LABELS.get(entry.from_state, entry.from_state)
        entry.to_label = STATE_LABELS.get(entry.to_state, entry.to_state)
        entry.by_partner = entry.actor_name == INFIBEAM
    return entries


class PurchaseDetailView(PanelPermissionMixin, DetailView):
    """Everything about one purchase, and the actions this user may take on it now."""

    permission_required = VIEW_PURCHASE
    template_name = "purchases/purchase_detail.html"
    # The items are prefetched: the transitions' conditions ask about them too.
    queryset = Purchase.objects.for_detail().prefetch_related("items")

    def get_context_data(self, **kwargs):
        purchase = self.object
        user = self.request.user
        items = sorted(purchase.items.all(), key=lambda item: item.line_number)
        own_items = [item for item in items if item.is_own()]
        open_own_items = [item for item in own_items if item.open_quantity > 0]
        actions = available_actions(purchase, user)
        can_cancel = open_own_items and any(a.name == CANCEL_TRANSITION for a in actions)
        awaits_courier = purchase.takes_couriers() and any(
            item.unassigned_quantity > 0 for item in open_own_items
        )
        draft = cancel_draft(self.request, purchase)
        documents = documents_of(purchase)
        credit_notes = [d["grand_total"] for d in documents if d["against"]]
        invoices = [d["grand_total"] for d in documents if not d["against"]]
        credited = sum(credit_notes, Decimal("0"))
        return super().get_context_data(
            page_title=f"Purchase {purchase.number}",
            active_menu="purchases",
            credited=credited,
            invoiced_less_credited=payable(invoices, credit_notes),
            own_items=own_items,
            partner_items=[item for item in items if not item.is_own()],
            shipments=shipments_of(purchase, {item.pk: item for item in items}),
            documents=documents,
            timeline=timeline_of(purchase),
            actions=[a for a in actions if a.name in PURCHASE_TRANSITIONS],
            cancel_form=(
                CancelForm(open_items=open_own_items, initial=draft) if can_cancel else None
            ),
            cancel_open=bool(draft),
            may_assign=awaits_courier and user.has_perm(FULFIL),
            print_url=print_url() if user.has_perm(PRINT) else None,
            here=self.request.get_full_path(),
            **kwargs,
        )


# -- Actions -----------------------------------------------------------------------------------


def already_done_message(pk: int, transition_name: str) -> str | None:
    """'WS100123 is already Fraud Approved.' when the purchase is where the transition leads."""
    purchase = Purchase.objects.filter(pk=pk).first()
    if purchase is None:
        return None
    for transition in purchase.get_all_status_transitions():
        if transition.name == transition_name and transition.target == purchase.status:
            return f"{purchase} is already {purchase.get_status_display()}; nothing more was done."
    return None


class PurchaseTransitionView(PanelPermissionMixin, View):
    """POST one fulfilment transition (approve or deny fraud, issue invoice) on one purchase."""

    permission_required = FULFIL
    http_method_names = ["post"]

    def post(self, request, pk):
        purchase = get_object_or_404(Purchase, pk=pk)
        form = TransitionForm(request.POST)
        action = PURCHASE_TRANSITIONS.get(form.data.get("transition", ""))
        if action is None:
            messages.error(request, "That is not an action of a purchase; nothing was done.")
        elif not form.is_valid():
            messages.error(request, form_errors_text(form))
        else:
            try:
                action.run(purchase.pk, request.user, {"reason": form.cleaned_data["reason"]})
            except TransitionNotAllowed as refusal:
                said = already_done_message(purchase.pk, action.name) or refusal.message
                messages.error(request, said)
            except ActionRefused as refusal:
                messages.error(request, refusal.message)
            else:
                purchase.refresh_from_db()
                messages.success(request, f"{purchase}: done, now {purchase.get_status_display()}.")
        return redirect(purchase_url(purchase))


class PurchaseCancelView(PanelPermissionMixin, View):
    """POST: cancel a purchase, or chosen quantities of its own items, with a reason (Owner)."""

    permission_required = CANCEL
    http_method_names = ["post"]

    def post(self, request, pk):
        purchase = get_object_or_404(Purchase, pk=pk)
        open_items = [item for item in purchase.items.own() if item.open_quantity > 0]
        form = CancelForm(request.POST, open_items=open_items)
        seen = request.POST.get("seen", "")
        try:
            # A page drawn before another change is refused before what was typed is read; the
            # service asks again under the purchase's lock, so a second submit of the same page
            # waits for the first and then sees what it changed.
            services.refuse_stale_cancellation(purchase, open_items, seen)
            if not form.is_valid():
                keep_cancel_draft(request, purchase, form)
                raise InvalidInput(form_errors_text(form))
            services.purchase_cancel(
                purchase_id=purchase.pk,
                user=request.user,
                reason=form.cleaned_data["reason"],
                item_quantities=form.item_quantities(),
                seen=seen,
            )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            purchase.refresh_from_db()
            messages.success(
                request, f"{purchase}: cancelled; now {purchase.get_status_display()}."
            )
        return redirect(purchase_url(purchase))


def keep_cancel_draft(request, purchase: Purchase, form: CancelForm) -> None:
    """What was typed comes back in the form, to be corrected rather than retyped."""
    request.session[CANCEL_DRAFT_KEY] = {
        "purchase": purchase.pk,
        "typed": {
            name: request.POST.get(name, "")[:REASON_MAX_LENGTH]
            for name in form.fields
            if name != "seen"
        },
    }


def cancel_draft(request, purchase: Purchase) -> dict:
    """What was typed in this purchase's refused cancel form, once (else {})."""
    draft = request.session.get(CANCEL_DRAFT_KEY)
    if not draft or draft.get("purchase") != purchase.pk:
        return {}
    del request.session[CANCEL_DRAFT_KEY]
    return draft.get("typed") or {}


def form_errors_text(form) -> str:
    """A form's errors as one sentence list, each prefixed by its field's label."""
    parts = []
    for name, errors in form.errors.items():
        prefix = f"{form[name].label}: " if name in form.fields else ""
        parts.extend(f"{prefix}{error}" for error in errors)
    return " ".join(parts) + " Nothing was done."


def purchase_url(purchase: Purchase) -> str:
    return reverse("purchases:purchase-detail", args=[purchase.pk])
