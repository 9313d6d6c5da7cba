"""One demo purchase's life, played event by event in time order through the panel's own rules.

A `PurchaseRun` does to one purchase what people, the checkout and the partner would have done over
its life (payment, fraud review, invoice, shipments with their AWBs and slips, handovers, partner
reports, cancellations with credit notes), by calling the transitions and rules the services call
(`purchases/rules.py`, `shipments/rules.py`, `partners/rules.py`), which refuse what the panel
refuses. Only the choices are the demo's: when, by whom, which courier, how a purchase splits. A
purchase that does not end in the state its plan asked for is a bug here and stops the load.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from partners import rules as partner_rules
from partners.feed import fingerprint_of
from partners.models import PartnerEvent, ReceivedVia, ReportKind
from purchases import rules as purchase_rules
from purchases.audit import INFIBEAM, SYSTEM
from purchases.models import Item, PurchaseStatus
from purchases.step import Step
from shipments import rules as shipment_rules

from . import plan as p
from .build import StoreBuilder
from .store import CANCEL_REASONS, FRAUD_DENIAL_REASONS, PARTIAL_CANCEL_REASONS

IST = ZoneInfo("Asia/Kolkata")
PARTNER_CANCEL_REASONS = [
    "Seller out of stock",
    "Customer cancelled on Infibeam",
    "Address not serviceable by the partner's courier",
]


def build_purchase(builder: StoreBuilder, plan: p.PurchasePlan) -> None:
    """Play one purchase's life and collect its rows."""
    PurchaseRun(builder, plan).run()
    builder.journal.take_rows()
    builder.counts[plan.status] += 1


class PurchaseRun:
    """One purchase's life, played event by event in time order."""

    def __init__(self, builder: StoreBuilder, plan: p.PurchasePlan):
        self.b = builder
        self.rng = builder.rng
        self.plan = plan
        self.journal = builder.journal
        self.events: list[tuple[dt.datetime, int, object, tuple]] = []
        self.shipments = []
        self.lines = []
        self.invoice = None
        self.credited = Decimal("0")  # the grand totals of its credit notes
        self.credit_notes = []  # its credit notes, oldest first
        self.last_event = plan.placed_at

    def run(self) -> None:
        self._create()
        self._schedule_milestones()
        self._schedule_own_shipments()
        self._schedule_partner_reports()
        for at, _, action, args in sorted(self.events, key=lambda event: (event[0], event[1])):
            self.last_event = max(self.last_event, at)
            action(at, *args)
        self.events.clear()  # its bound methods point back here: no cycle is left for the GC
        purchase = self.purchase
        if purchase.status != self.plan.status:
            raise RuntimeError(
                f"Demo purchase {purchase.number} ended {purchase.status}, "
                f"planned {self.plan.status}."
            )
        purchase.updated_at = self.last_event

    def step(self, at: dt.datetime, user, actor_label: str = SYSTEM) -> Step:
        """A step in this purchase's life for a rule: all its items and shipments, who, when."""
        return Step(self.purchase, self.items, self.shipments, user, at, self.journal, actor_label)

    # -- setting up ----------------------------------------------------------------------------

    def _create(self) -> None:
        placed = self.b.place(self.plan)
        self.purchase, self.items = placed.purchase, placed.items
        self.own_items = [item for item in self.items if item.is_own()]
        self.partner_items = [item for item in self.items if not item.is_own()]

    def at(self, moment: dt.datetime, action, *args) -> None:
        self.events.append((moment, len(self.events), action, args))

    def _schedule_milestones(self) -> None:
        plan = self.plan
        if plan.frozen_at:
            self.at(plan.frozen_at, self.move_purchase, "freeze_for_payment", None)
        if plan.confirmed_at:
            self.at(plan.confirmed_at, self.move_purchase, "confirm", None)
        if plan.reviewed_at:
            self.at(plan.reviewed_at, self.review)
        if plan.invoiced_at:
            self.at(plan.invoiced_at, self.issue_invoice)
        if plan.cancelled_at:
            self.at(plan.cancelled_at, self.cancel)

    # -- what happens to the own items ------------------------------------------------------------

    def _schedule_own_shipments(self) -> None:
        """Shipments and their fates as the plan's state needs, squeezed into their time window."""
        plan, rng = self.plan, self.rng
        if not plan.invoiced_at or not self.own_items:
            return
        units = self._own_units_left()
        whole = [dict(units)]
        status, variant = plan.status, plan.variant
        waiting_or_shipped = rng.choice(["waiting", "shipped"])
        parcels: list[tuple[dict, str, bool]] = []  # (quantities, fate, waits for stock)
        if status == PurchaseStatus.INVOICED:
            if variant == p.SPLIT:
                parcels = [(self._split(units)[0], waiting_or_shipped, False)]
        elif status in (PurchaseStatus.AGENT_ASSIGNED, PurchaseStatus.SHIPPED):
            fates = (
                ("waiting", "waiting")
                if status == PurchaseStatus.AGENT_ASSIGNED
                else ("shipped",) * 2
            )
            if status == PurchaseStatus.AGENT_ASSIGNED and variant == p.SPLIT:
                fates = (waiting_or_shipped, "waiting")
            parts = self._split(units) if variant == p.SPLIT else whole
            parcels = [(part, fate, False) for part, fate in zip(parts, fates, strict=False)]
        elif status == PurchaseStatus.PARTIALLY_COMPLETE:
            rest = rng.choice(["unassigned", "waiting", "shipped"])
            if variant == p.SPLIT:
                first, second = self._split(units)
                parcels = [(first, "handed", False)]
                if rest != "unassigned":
                    parcels.append((second, rest, True))
            elif variant == p.OWN_FIRST:
                parcels = [(units, "handed", False)]
            elif variant == p.PARTNER_FIRST and rest != "unassigned":
                parcels = [(units, rest, False)]
        elif status == PurchaseStatus.COMPLETE:
            if sum(units.values()) >= 2 and rng.random() < 0.15:
                first, second = self._split(units)
                parcels = [(first, "handed", False), (second, "handed", True)]
            else:
                parcels = [(units, "handed", False)]
        elif variant == p.CANCEL_INVOICED and (plan.showcase or rng.random() < 0.5):
            parcels = [(units, waiting_or_shipped, False)]  # cancelled with the purchase
        self._schedule_parcels(parcels)

    def _own_units_left(self) -> dict[Item, int]:
        """Own quantities left to ship once the plan's partial cancellation is done."""
        units = {item: item.quantity for item in self.own_items}
        if self.plan.variant == p.PARTIAL_CANCEL:
            for item, quantity in self._partial_cancellation().items():
                units[item] -= quantity
        return {item: quantity for item, quantity in units.items() if quantity}

    def _partial_cancellation(self) -> dict[Item, int]:
        """The last own line, or all but one unit of it when it is the only one."""
        item = self.own_items[-1]
        return {item: item.quantity if len(self.own_items) > 1 else item.quantity - 1}

    def _split(self, units: dict[Item, int]) -> tuple[dict[Item, int], dict[Item, int]]:
        """Two non-empty parts of some quantities (which hold at least two units)."""
        flat = [item for item, quantity in units.items() for _ in range(quantity)]
        cut = self.rng.randint(1, len(flat) - 1)
        first: dict[Item, int] = defaultdict(int)
        second: dict[Item, int] = defaultdict(int)
        for position, item in enumerate(flat):
            (first if position < cut else second)[item] += 1
        return dict(first), dict(second)

    def _schedule_parcels(self, parcels: list[tuple[dict, str, bool]]) -> None:
        plan, rng = self.plan, self.rng
        start = plan.cancelled_at if plan.variant == p.PARTIAL_CANCEL else plan.invoiced_at
        end = plan.cancelled_at if plan.variant == p.CANCEL_INVOICED else self.b.now
        steps: list[tuple[float, object, tuple]] = []  # (minutes after start, action, args)
        assign_at = 0.0
        cod = self.purchase.is_cash_on_delivery()
        state = self.purchase.shipping_address.state
        for quantities, fate, waits_for_stock in parcels:
            assign_at += rng.uniform(1, 4) * 24 * 60 if waits_for_stock else rng.uniform(15, 6 * 60)
            agent, courier = self.b.choose_agent(cod=cod, state=state)
            parcel = {"quantities": quantities, "agent": agent, "courier": courier}
            steps.append((assign_at, self.assign, (parcel,)))
            awb_at = assign_at + rng.uniform(5, 180)
            slip_at = assign_at + rng.uniform(5, 180)
            if fate == "waiting":  # one of the two is still to do
                if rng.random() < 0.5:
                    steps.append((awb_at, self.record_awb, (parcel,)))
                elif rng.random() < 0.5:
                    steps.append((slip_at, self.print_slip, (parcel,)))
                continue
            # The AWB is recorded first: a slip printed before it would have to be printed
            # again, with the AWB's barcode (shipments/rules.py record_awb).
            awb_at, slip_at = sorted((awb_at, slip_at))
            steps.append((awb_at, self.record_awb, (parcel,)))
            steps.append((slip_at, self.print_slip, (parcel,)))
            if fate == "handed":
                steps.append(
                    (max(awb_at, slip_at) + rng.uniform(30, 20 * 60), self.hand_over, (parcel,))
                )
        if not steps:
            return
        window = (end - start).total_seconds() / 60
        scale = min(1.0, 0.9 * window / max(minutes for minutes, _, _ in steps))
        for minutes, action, args in steps:
            moment = start + dt.timedelta(seconds=max(1, round(minutes * scale * 60)))
            if action == self.hand_over:
                moment = self._pickup_time(args[0], moment, end)
            self.at(moment, action, *args)

    def _pickup_time(self, parcel: dict, ready: dt.datetime, end: dt.datetime) -> dt.datetime:
        """The courier's next daily pickup after the parcel is ready, if it came before `end`."""
        local = ready.astimezone(IST)
        hour = parcel["courier"].pickup_hour
        pickup = local.replace(hour=int(hour), minute=int(hour % 1 * 60), second=0, microsecond=0)
        if pickup < local:
            pickup += dt.timedelta(days=1)
        pickup = pickup.astimezone(dt.UTC)
        scanned = pickup + dt.timedelta(seconds=self.rng.randint(30, 600))
        if scanned >= end:
            parcel["pickup"] = ready
            return ready
        parcel["pickup"] = pickup
        return scanned

    # -- what happens to the partner's items ------------------------------------------------------

    def _schedule_partner_reports(self) -> None:
        plan, rng = self.plan, self.rng
        if not self.partner_items or not plan.confirmed_at:
            return
        status, variant = plan.status, plan.variant
        reports: list[tuple[Item, str, int]] = []
        if status == PurchaseStatus.CANCELLED:
            reports = [(item, ReportKind.CANCELLED, item.quantity) for item in self.partner_items]
        elif status == PurchaseStatus.COMPLETE or variant in (p.PARTNER_DONE, p.PARTNER_FIRST):
            reports = [(item, ReportKind.HANDED_OVER, item.quantity) for item in self.partner_items]
        elif variant == p.PARTIAL:
            first = self.partner_items[0]
            if len(self.partner_items) > 1:
                reports = [(first, ReportKind.HANDED_OVER, first.quantity)]
            else:
                reports = [(first, ReportKind.HANDED_OVER, first.quantity - 1)]
        if not reports:
            return
        start = plan.confirmed_at
        end = plan.cancelled_at or self.b.now
        offsets = [rng.uniform(0.5, 6) * 24 * 60 for _ in reports]
        scale = min(1.0, 0.9 * (end - start).total_seconds() / 60 / max(offsets))
        for (item, kind, quantity), minutes in zip(reports, offsets, strict=True):
            moment = start + dt.timedelta(seconds=max(1, round(minutes * scale * 60)))
            self.at(moment, self.partner_report, item, kind, quantity)

    # -- the events: what people, the checkout and the partner do, through the panel's rules -----

    def move_purchase(self, at, name, user, reason=""):
        """The checkout's payment moves, and the fraud review."""
        self.step(at, user).move(self.purchase, name, reason=reason)

    def review(self, at):
        user = self.b.fulfiller()
        if self.plan.status == PurchaseStatus.FRAUD_DENIED:
            reason = self.rng.choice(FRAUD_DENIAL_REASONS)
            purchase_rules.deny_fraud(self.step(at, user), reason=reason)
        else:
            self.move_purchase(at, "approve_fraud", user)

    def issue_invoice(self, at):
        self.invoice = purchase_rules.issue_invoice(
            self.step(at, self.b.fulfiller()),
            store=self.b.store,
            take_number=lambda _at: self.plan.invoice,
        )

    def cancel(self, at):
        """By the owner: the whole purchase, or one line."""
        if self.plan.variant == p.PARTIAL_CANCEL:
            wanted = self._partial_cancellation()
            reason = self.rng.choice(PARTIAL_CANCEL_REASONS)
        else:
            wanted = {item: item.open_quantity for item in self.own_items if item.open_quantity}
            reason = self.rng.choice(CANCEL_REASONS)
        note = purchase_rules.cancel(
            self.step(at, self.b.owner),
            quantities=wanted,
            lines=self.lines,
            invoice=self.invoice,
            credited_before=[note.content for note in self.credit_notes],
            store=self.b.store,
            take_number=lambda _at: self.plan.credit_note,
            reason=reason,
        )
        if note is not None:
            self.credited += note.grand_total
            self.credit_notes.append(note)

    def assign(self, at, parcel: dict):
        payable = None if self.invoice is None else self.invoice.grand_total - self.credited
        parcel["shipment"], lines = shipment_rules.assign_courier(
            self.step(at, self.b.fulfiller()),
            agent=parcel["agent"],
            quantities=parcel["quantities"],
            payable=payable,
            store=self.b.store,
        )
        self.lines.extend(lines)

    def record_awb(self, at, parcel: dict):
        shipment, user = parcel["shipment"], self.b.fulfiller()
        awb = self.b.next_awb(parcel["courier"])
        shipment_rules.record_awb(self.step(at, user), shipment=shipment, awb=awb)

    def print_slip(self, at, parcel: dict):
        shipment, user = parcel["shipment"], self.b.fulfiller()
        shipment_rules.record_slip_printed(self.step(at, user), shipment=shipment, drawn_at=None)

    def hand_over(self, at, parcel: dict):
        """At the courier's pickup, in that pickup's handover batch."""
        shipment = parcel["shipment"]
        batch = self.b.batch_for(parcel["agent"], parcel["pickup"])
        shipment_rules.hand_over(
            self.step(at, batch.opened_by),
            shipment=shipment,
            lines=[line for line in self.lines if line.shipment_id == shipment.pk],
            batch=batch,
        )

    def partner_report(self, at, item: Item, kind: str, quantity: int):
        """One Infibeam report, received through the feed a little after it happened."""
        b, purchase = self.b, self.purchase
        event_id = f"ib-{purchase.number}-{item.line_number}-{kind}"
        raw = {
            "event_id": event_id,
            "purchase": purchase.number,
            "line": item.line_number,
            "kind": kind,
            "quantity": quantity,
            "occurred_at": at.astimezone(IST).isoformat(),
        }
        reason = ""
        if kind == ReportKind.CANCELLED:
            reason = raw["reason"] = self.rng.choice(PARTNER_CANCEL_REASONS)
        received = at + dt.timedelta(seconds=self.rng.randint(5, 600))
        event = PartnerEvent(
            event_id=event_id,
            fingerprint=fingerprint_of(raw),
            purchase=purchase,
            item=item,
            kind=kind,
            quantity=quantity,
            reason=reason,
            occurred_at=at,
            received_at=min(received, b.now),
            received_via=ReceivedVia.API,
        )
        self.journal.add(event)
        partner_rules.apply_report(
            self.step(at, None, actor_label=INFIBEAM),
            item=item,
            kind=kind,
            quantity=quantity,
            event_id=event_id,
            reason=reason,
            occurred_at=at,
        )
