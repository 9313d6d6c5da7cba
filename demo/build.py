"""Turning plans into rows: every purchase is walked through the real transitions, in memory.

A `PurchaseRun` does to one purchase what the services would have done over its life — payment,
fraud review, invoice, shipments with their AWBs and slips, handovers, partner reports,
cancellations with credit notes — calling the models' own django-fsm transitions (which refuse an
illegal move) and writing the audit entries the services write. Nothing touches the database
here: the rows are collected and `StoreBuilder.flush` writes them in bulk. A purchase that does
not end in the state its plan asked for is a bug in this module and stops the load.
"""

import datetime as dt
import functools
import itertools
import operator
import random
import string
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser

from catalog.models import Product
from configuration.models import StoreProfile
from core.india import GstState, to_paise
from customers.models import Customer, CustomerNameWord, name_words
from partners.feed import fingerprint_of
from partners.models import PartnerEvent, ReceivedVia, ReportKind
from purchases.audit import INFIBEAM, SYSTEM, actor_name
from purchases.fulfilment import partner_status_of
from purchases.invoicing import credit_note_content, document_content
from purchases.models import (
    FOLLOWING_STATES,
    Address,
    AuditEntry,
    CreditNote,
    FulfilmentProgress,
    Invoice,
    Item,
    PartnerStatus,
    PaymentMethod,
    Purchase,
    PurchaseStatus,
)
from purchases.transitions import state_field_name, transition_label
from shipments.models import (
    ACTIVE_SHIPMENT_STATES,
    HandoverBatch,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
    ShippingAgent,
)
from shipments.services import cod_to_collect

from . import names, places
from . import plan as p
from .couriers import Courier
from .store import (
    CANCEL_REASONS,
    FRAUD_DENIAL_REASONS,
    PARTIAL_CANCEL_REASONS,
    gstin_with_check_character,
)

IST = ZoneInfo("Asia/Kolkata")
REMOTE_STATES = {"31", "35", "38", "11", "12", "13", "14", "15", "16", "17"}
# One new customer in this many buys for a business registered for GST (every 25th: 4 %, and a
# small demo store has some too); they give the GSTIN of their home state.
REGISTERED_CUSTOMER_EVERY = 25
# Small orders of the store's own goods pay for shipping (tax included), as on most Indian stores.
FREE_SHIPPING_FROM = Decimal("499")
SHIPPING_CHARGE = Decimal("49.00")
PARTNER_CANCEL_REASONS = [
    "Seller out of stock",
    "Customer cancelled on Infibeam",
    "Address not serviceable by the partner's courier",
]

# The columns written for each model, in the order the row tuples below give them.
COLUMNS = {
    Customer: ["id", "name", "email", "mobile", "gstin", "created_at"],
    CustomerNameWord: ["id", "customer_id", "word"],
    Address: ["id", "name", "line1", "line2", "landmark", "city", "state", "pin_code", "mobile"],
    Purchase: [
        "id", "number", "customer_id", "billing_address_id", "shipping_address_id",
        "payment_method", "kind", "subtotal", "tax_total", "shipping_charge", "grand_total",
        "placed_at", "updated_at", "status", "partner_status",
    ],
    Item: [
        "id", "purchase_id", "line_number", "product_id", "sku", "name", "hsn_code", "unit_price",
        "gst_rate", "quantity", "discount", "weight_grams", "fulfilled_by", "assigned_quantity",
        "handed_over_quantity", "cancelled_quantity", "last_reported_at", "status",
    ],
    Invoice: [
        "id", "purchase_id", "number", "financial_year", "sequence", "issued_at", "issued_by_id",
        "content", "taxable_total", "tax_total", "grand_total",
    ],
    CreditNote: [
        "id", "invoice_id", "number", "financial_year", "sequence", "issued_at", "issued_by_id",
        "reason", "content", "taxable_total", "tax_total", "grand_total",
    ],
    HandoverBatch: [
        "id", "agent_id", "opened_by_id", "opened_at", "closed_at", "pickup_person",
        "pickup_mobile",
    ],
    Shipment: [
        "id", "reference", "purchase_id", "agent_id", "awb", "weight_grams", "cod_amount", "status",
        "created_at", "slip_printed_at", "shipped_at", "handed_over_at", "cancelled_at",
        "handover_batch_id",
    ],
    ShipmentItem: ["id", "shipment_id", "item_id", "quantity"],
    PartnerEvent: [
        "id", "event_id", "fingerprint", "purchase_id", "item_id", "kind", "quantity", "reason",
        "occurred_at", "received_at", "received_via",
    ],
    AuditEntry: [
        "id", "purchase_id", "subject", "subject_id", "subject_label", "action", "from_state",
        "to_state", "actor_id", "actor_name", "reason", "created_at",
    ],
}  # fmt: skip


ROW_OF = {model: operator.attrgetter(*columns) for model, columns in COLUMNS.items()}


def _row(obj, model) -> tuple:
    return ROW_OF[model](obj)


def _subject(instance) -> tuple[str, int, str]:
    """What an audit entry says about the object it is about: model, id and label."""
    return instance._meta.model_name, instance.pk, str(instance)


def _look_up_display_once(instance, field_name: str, labels: dict) -> None:
    """Django rebuilds a field's whole choice list on every get_FOO_display() call, and every
    invoice calls several; the builder's own objects in memory look their label up once."""
    label = labels[getattr(instance, field_name)]
    setattr(instance, f"get_{field_name}_display", lambda: label)


@functools.cache
def _transition_meta(model: type, name: str) -> tuple[str, str]:
    """The state field a transition moves and its label in the timeline."""
    method = getattr(model, name)
    return state_field_name(method), transition_label(method)


STATE_LABELS = dict(GstState.choices)
PAYMENT_LABELS = dict(PaymentMethod.choices)


def _agent_weights(agents, *, cod: bool, remote: bool) -> tuple[list, list[int]]:
    usable = [(agent, courier) for agent, courier in agents if courier.collects_cod or not cod]
    weights = [
        courier.share * (4 if remote and not courier.collects_cod else 1) for _, courier in usable
    ]
    return usable, list(itertools.accumulate(weights))


class DemoCustomer:
    """A customer and their home address, kept while the store is built."""

    __slots__ = ("id", "name", "email", "mobile", "gstin", "home", "line1", "landmark", "region")

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


class StoreBuilder:
    """Holds what all purchases share (people, couriers, counters) and the rows not yet written."""

    def __init__(
        self,
        *,
        rng: random.Random,
        now: dt.datetime,
        store: StoreProfile,
        users: dict[str, AbstractBaseUser],
        agents: list[tuple[ShippingAgent, Courier]],
        products: dict[str, Product],
        first_ids: dict[type, int],
    ):
        self.rng = rng
        self.now = now
        self.store = store
        _look_up_display_once(store, "state", STATE_LABELS)
        self.owner, self.staff = users["owner"], users["staff"]
        self.agents = agents
        self.products = products
        self.ids = dict(first_ids)
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.customers: list[DemoCustomer] = []
        self.agent_choices = {
            (cod, remote): _agent_weights(agents, cod=cod, remote=remote)
            for cod in (False, True)
            for remote in (False, True)
        }
        self.awb_serials = {courier.code: courier.first_serial for _, courier in agents}
        self.batches: dict[tuple[str, dt.datetime], tuple[int, AbstractBaseUser]] = {}
        self.pickup_people = {
            courier.code: [self._person(names.NORTH) for _ in range(3)] for _, courier in agents
        }
        self.counts: dict[str, int] = defaultdict(int)
        self.actor_names = {user.pk: actor_name(user) for user in users.values()}

    # -- shared helpers ------------------------------------------------------------------------

    def new_id(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def fulfiller(self) -> AbstractBaseUser:
        """Who did a fulfilment step: mostly the staff member, sometimes the owner."""
        return self.staff if self.rng.random() < 0.75 else self.owner

    def _person(self, region) -> tuple[str, str]:
        given = names.given_name(self.rng, region)
        return f"{given} {names.surname(self.rng, region)}", self.mobile()

    def mobile(self) -> str:
        return self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def next_awb(self, courier: Courier) -> str:
        serial = self.awb_serials[courier.code] + self.rng.randint(1, 37)
        self.awb_serials[courier.code] = serial
        return courier.awb(serial)

    def batch_for(self, agent: ShippingAgent, pickup: dt.datetime) -> tuple[int, AbstractBaseUser]:
        """The handover batch of this courier's pickup at that time, opened when first needed."""
        key = (agent.code, pickup)
        if key not in self.batches:
            batch_id, user = self.new_id(HandoverBatch), self.fulfiller()
            person, mobile = self.rng.choice(self.pickup_people[agent.code])
            closed = min(pickup + dt.timedelta(minutes=self.rng.randint(12, 25)), self.now)
            opened = pickup - dt.timedelta(minutes=self.rng.randint(2, 10))
            self.rows[HandoverBatch].append(
                (batch_id, agent.pk, user.pk, opened, closed, person, mobile)
            )
            self.batches[key] = (batch_id, user)
        return self.batches[key]

    def choose_agent(self, *, cod: bool, state: str) -> tuple[ShippingAgent, Courier]:
        """A courier for a parcel: one that collects cash for COD; Speed Post likelier far away."""
        usable, cumulative = self.agent_choices[cod, state in REMOTE_STATES]
        return self.rng.choices(usable, cum_weights=cumulative)[0]

    def customer_for(self, placed_at: dt.datetime) -> DemoCustomer:
        """A returning customer now and then; otherwise a new one, who signed up at checkout."""
        if self.customers and self.rng.random() < 0.3:
            return self.rng.choice(self.customers)
        home = self.rng.choice(places.LOCALITIES)
        region = (
            names.REGION_OF_STATE[home.state]
            if self.rng.random() < 0.8
            else self.rng.choice(names.ALL_REGIONS)
        )
        given = names.given_name(self.rng, region)
        surname = names.surname(self.rng, region)
        number = self.rng.choice(
            ["", str(self.rng.randint(1, 99)), str(self.rng.randint(1970, 2005))]
        )
        email = f"{given}.{surname}{number}@{self.rng.choice(names.EMAIL_DOMAINS)}".lower()
        registered = len(self.customers) % REGISTERED_CUSTOMER_EVERY == 2
        customer = DemoCustomer(
            id=self.new_id(Customer),
            name=f"{given} {surname}",
            email=email,
            mobile=self.mobile(),
            gstin=self.proprietor_gstin(home.state, surname) if registered else "",
            home=home,
            line1=self.house(),
            landmark=self.rng.choice(places.LANDMARKS) if self.rng.random() < 0.8 else "",
            region=region,
        )
        signed_up = placed_at - dt.timedelta(seconds=self.rng.randint(60, 1800))
        self.rows[Customer].append(
            (customer.id, customer.name, customer.email, customer.mobile, customer.gstin, signed_up)
        )
        self.rows[CustomerNameWord].extend(
            (self.new_id(CustomerNameWord), customer.id, word) for word in name_words(customer.name)
        )
        self.customers.append(customer)
        return customer

    def proprietor_gstin(self, state: str, surname: str) -> str:
        """A valid GSTIN of a sole proprietor in `state`: their PAN is an individual's (fourth
        letter P, fifth the surname's initial)."""
        letters = string.ascii_uppercase
        pan = (
            "".join(self.rng.choice(letters) for _ in range(3))
            + "P"
            + (surname[:1].upper() if surname[:1].upper() in letters else "X")
            + f"{self.rng.randint(1, 9999):04d}"
            + self.rng.choice(letters)
        )
        return gstin_with_check_character(state, pan)

    def house(self) -> str:
        rng = self.rng
        form = rng.random()
        if form < 0.45:
            flat = f"{rng.randint(1, 14)}{rng.randint(0, 1)}{rng.randint(1, 8)}"
            return f"Flat {flat}, {rng.choice(places.BUILDINGS)}"
        if form < 0.8:
            return f"House No. {rng.randint(1, 480)}, {rng.choice(places.STREETS)}"
        return f"{rng.randint(1, 60)}/{rng.randint(1, 30)}, {rng.choice(places.STREETS)}"

    def address(
        self, *, name: str, mobile: str, home: places.Locality, line1: str, landmark: str
    ) -> Address:
        address = Address(
            id=self.new_id(Address),
            name=name,
            line1=line1,
            line2=home.name,
            landmark=landmark,
            city=home.city,
            state=home.state,
            pin_code=home.pin_code,
            mobile=mobile,
        )
        _look_up_display_once(address, "state", STATE_LABELS)
        self.rows[Address].append(_row(address, Address))
        return address

    # -- purchases -----------------------------------------------------------------------------

    def add(self, plan: p.PurchasePlan) -> None:
        PurchaseRun(self, plan).run()
        self.counts[plan.status] += 1

    def take_rows(self) -> dict[type, list[tuple]]:
        """The rows collected since the last call, by model."""
        rows, self.rows = self.rows, defaultdict(list)
        return dict(rows)


class PurchaseRun:
    """One purchase's life, replayed event by event in time order."""

    def __init__(self, builder: StoreBuilder, plan: p.PurchasePlan):
        self.b = builder
        self.rng = builder.rng
        self.plan = plan
        self.events: list[tuple[dt.datetime, int, object, tuple]] = []
        self.shipments: list[Shipment] = []
        self.lines_of: dict[int, list[tuple[Item, int]]] = {}
        self.invoice_id: int | None = None
        self.credited = Decimal("0")  # the grand totals of its credit notes
        self.last_event = plan.placed_at

    # -- setting up ----------------------------------------------------------------------------

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
        rows = self.b.rows
        rows[Purchase].append(_row(purchase, Purchase))
        rows[Item].extend(_row(item, Item) for item in self.items)
        rows[Shipment].extend(_row(shipment, Shipment) for shipment in self.shipments)

    def _create(self) -> None:
        b, plan, rng = self.b, self.plan, self.rng
        customer = b.customer_for(plan.placed_at)
        self.customer_gstin = customer.gstin
        billing = b.address(
            name=customer.name,
            mobile=customer.mobile,
            home=customer.home,
            line1=customer.line1,
            landmark=customer.landmark,
        )
        shipping = billing
        if rng.random() < 0.15:
            shipping = self._other_address(customer)
        purchase = Purchase(
            id=b.new_id(Purchase),
            number=plan.number,
            customer_id=customer.id,
            billing_address=billing,
            shipping_address=shipping,
            payment_method=plan.payment,
            kind=plan.kind,
            shipping_charge=Decimal("0.00"),
            placed_at=plan.placed_at,
            updated_at=plan.placed_at,
            status=PurchaseStatus.IN_CHECKOUT,
            partner_status=PartnerStatus.AWAITING if plan.partner_units else PartnerStatus.NONE,
        )
        _look_up_display_once(purchase, "payment_method", PAYMENT_LABELS)
        self.purchase = purchase
        self.items = []
        subtotal = tax_total = Decimal("0.00")
        for number, line in enumerate(plan.lines, start=1):
            product = b.products[line.product.sku]
            discount = Decimal("0.00")
            if plan.coupon and line.is_own:
                discount = to_paise(product.price * line.quantity / 10)
            item = Item(
                id=b.new_id(Item),
                purchase_id=purchase.id,
                line_number=number,
                product_id=product.pk,
                sku=product.sku,
                name=product.name,
                hsn_code=product.hsn_code,
                unit_price=product.price,
                gst_rate=product.gst_rate,
                quantity=line.quantity,
                discount=discount,
                weight_grams=product.weight_grams,
                fulfilled_by=line.fulfilled_by,
            )
            taxable = item.taxable_value
            subtotal += taxable
            tax_total += to_paise(taxable * item.gst_rate / 100)
            self.items.append(item)
        # Questions the transitions ask about the items (e.g. has_open_own_items) are answered
        # from these objects, as on a page that prefetched them, never from the database.
        purchase._prefetched_objects_cache = {"items": self.items}
        self.own_items = [item for item in self.items if item.is_own()]
        self.partner_items = [item for item in self.items if not item.is_own()]
        own_value = sum(item.value_of(item.quantity) for item in self.own_items)
        if self.own_items and own_value < FREE_SHIPPING_FROM:
            purchase.shipping_charge = SHIPPING_CHARGE
        purchase.subtotal, purchase.tax_total = subtotal, tax_total
        purchase.grand_total = subtotal + tax_total + purchase.shipping_charge

    def _other_address(self, customer: DemoCustomer) -> Address:
        """A gift to a relative elsewhere, or delivery to the customer's office."""
        b, rng = self.b, self.rng
        if rng.random() < 0.5:
            return b.address(
                name=customer.name,
                mobile=customer.mobile,
                home=customer.home,
                line1=rng.choice(places.OFFICES),
                landmark=rng.choice(places.LANDMARKS),
            )
        home = rng.choice(places.LOCALITIES)
        given = names.given_name(rng, customer.region)
        return b.address(
            name=f"{given} {customer.name.split()[-1]}",
            mobile=b.mobile(),
            home=home,
            line1=b.house(),
            landmark=rng.choice(places.LANDMARKS) if rng.random() < 0.8 else "",
        )

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

    # -- the services, replayed ----------------------------------------------------------------

    def audit(
        self, at, subject, action, user, from_state="", to_state="", reason="", actor_label=SYSTEM
    ):
        kind, subject_id, label = subject
        self.b.rows[AuditEntry].append(
            (
                self.b.new_id(AuditEntry),
                self.purchase.id,
                kind,
                subject_id,
                label,
                action,
                from_state,
                to_state,
                user.pk if user is not None else None,
                self.b.actor_names[user.pk] if user is not None else actor_label,
                reason,
                at,
            )
        )

    def transition(self, at, instance, name, user, *, reason="", args=(), actor_label=SYSTEM):
        """Run a django-fsm transition in memory and audit it, as purchases.transitions does."""
        field_name, label = _transition_meta(type(instance), name)
        before = getattr(instance, field_name)
        getattr(instance, name)(*args)  # raises TransitionNotAllowed when the move is illegal
        after = getattr(instance, field_name)
        if after == before:
            return False
        self.audit(at, _subject(instance), label, user, before, after, reason, actor_label)
        return True

    def move_purchase(self, at, name, user, reason=""):
        self.transition(at, self.purchase, name, user, reason=reason)

    def progress(self) -> FulfilmentProgress:
        """purchases.fulfilment.fulfilment_progress, counted from the objects in memory."""
        ordered = handed_over = cancelled = own_unassigned = own_unsettled = 0
        for item in self.items:
            ordered += item.quantity
            handed_over += item.handed_over_quantity
            cancelled += item.cancelled_quantity
        for item in self.own_items:
            open_quantity = item.quantity - item.handed_over_quantity - item.cancelled_quantity
            own_unsettled += open_quantity
            own_unassigned += open_quantity - item.assigned_quantity
        awaiting = ShipmentStatus.AGENT_ASSIGNED
        return FulfilmentProgress(
            ordered=ordered,
            handed_over=handed_over,
            cancelled=cancelled,
            own_unassigned=own_unassigned,
            own_unsettled=own_unsettled,
            shipments_awaiting_awb=sum(1 for each in self.shipments if each.status == awaiting),
        )

    def follow(self, at, user, reason="", actor_label=SYSTEM):
        """purchases.fulfilment.purchase_follow_fulfilment."""
        purchase = self.purchase
        if purchase.status not in FOLLOWING_STATES:
            return
        progress = self.progress()
        if purchase.derive_status(progress) != purchase.status:
            self.transition(
                at, purchase, "follow_fulfilment", user, reason=reason, args=(progress,),
                actor_label=actor_label,
            )  # fmt: skip

    def review(self, at):
        user = self.b.fulfiller()
        if self.plan.status == PurchaseStatus.FRAUD_DENIED:
            reason = self.rng.choice(FRAUD_DENIAL_REASONS)
            self.move_purchase(at, "deny_fraud", user, reason)
        else:
            self.move_purchase(at, "approve_fraud", user)

    def issue_invoice(self, at):
        """purchases.services.purchase_issue_invoice."""
        b, purchase = self.b, self.purchase
        user = b.fulfiller()
        self.move_purchase(at, "issue_invoice", user)
        number, year, sequence = self.plan.invoice
        content = document_content(
            purchase=purchase,
            store=b.store,
            quantities={item: item.quantity for item in self.own_items},
            number=number,
            issued_at=at,
            title="Tax Invoice",
            recipient_gstin=self.customer_gstin,
            shipping_charge=purchase.shipping_charge,
        )
        self.invoice_id, self.invoice_content = b.new_id(Invoice), content
        b.rows[Invoice].append(
            (
                self.invoice_id, purchase.id, number, year, sequence, at, user.pk, content,
                Decimal(content["taxable_total"]), Decimal(content["tax_total"]),
                Decimal(content["grand_total"]),
            )
        )  # fmt: skip
        self.audit(at, ("invoice", self.invoice_id, number), "Invoice issued", user)
        self.follow(at, user)

    def cancel(self, at):
        """purchases.services.purchase_cancel, by the owner: the whole purchase or one line."""
        b = self.b
        user = b.owner
        if self.plan.variant == p.PARTIAL_CANCEL:
            wanted = self._partial_cancellation()
            reason = self.rng.choice(PARTIAL_CANCEL_REASONS)
        else:
            wanted = {item: item.open_quantity for item in self.own_items if item.open_quantity}
            reason = self.rng.choice(CANCEL_REASONS)
        for item, quantity in wanted.items():  # shipments_release_for_cancellation
            shortfall = quantity - item.unassigned_quantity
            carrying = [
                shipment
                for shipment in reversed(self.shipments)
                if shipment.status in ACTIVE_SHIPMENT_STATES
                and any(line_item is item for line_item, _ in self.lines_of[shipment.id])
            ]
            for shipment in carrying:
                if shortfall <= 0:
                    break
                shipment.cancelled_at = at
                self.transition(at, shipment, "cancel", user, reason=reason)
                for line_item, line_quantity in self.lines_of[shipment.id]:
                    line_item.assigned_quantity -= line_quantity
                    if line_item is item:
                        shortfall -= line_quantity
        for item, quantity in wanted.items():
            item.cancelled_quantity += quantity
            if not self.transition(at, item, "follow_quantities", None, reason=reason):
                action = f"Cancelled {quantity} of {item.quantity}"  # part of the item stays open
                self.audit(at, _subject(item), action, user, reason=reason)
        if self.invoice_id is not None:
            self._issue_credit_note(at, wanted, user, reason)
        if all(item.cancelled_quantity == item.quantity for item in self.items):
            self.move_purchase(at, "cancel", user, reason)
        else:
            self.follow(at, user, reason)

    def _issue_credit_note(self, at, quantities: dict[Item, int], user, reason: str) -> None:
        """purchases.services._issue_credit_note."""
        b = self.b
        number, year, sequence = self.plan.credit_note
        content = credit_note_content(
            purchase=self.purchase,
            store=b.store,
            invoice_content=self.invoice_content,
            quantities=quantities,
            own_items=self.own_items,
            number=number,
            issued_at=at,
            reason=reason,
        )
        note_id = b.new_id(CreditNote)
        self.credited += Decimal(content["grand_total"])
        b.rows[CreditNote].append(
            (
                note_id, self.invoice_id, number, year, sequence, at, user.pk, reason, content,
                Decimal(content["taxable_total"]), Decimal(content["tax_total"]),
                Decimal(content["grand_total"]),
            )
        )  # fmt: skip
        self.audit(at, ("creditnote", note_id, number), "Credit note issued", user, reason=reason)

    def assign(self, at, parcel: dict):
        """shipments.services.shipment_create."""
        b, purchase = self.b, self.purchase
        agent = parcel["agent"]
        if not purchase.takes_couriers():
            raise RuntimeError(f"{purchase}: cannot assign an agent while {purchase.status}.")
        if purchase.is_cash_on_delivery() and not agent.collects_cod:
            raise RuntimeError(f"{agent} does not collect cash on delivery; {purchase} is COD.")
        user = b.fulfiller()
        lines = list(parcel["quantities"].items())
        cod = Decimal("0.00")
        if purchase.is_cash_on_delivery():
            shipped = parcel["quantities"]
            cod = cod_to_collect(
                value=sum((item.value_of(quantity) for item, quantity in lines), Decimal("0")),
                completes=all(
                    item.unassigned_quantity == shipped.get(item, 0) for item in self.own_items
                ),
                payable=(
                    Decimal(self.invoice_content["grand_total"]) - self.credited
                    if self.invoice_id is not None
                    else None
                ),
                collected=sum(
                    (s.cod_amount for s in self.shipments if s.status != ShipmentStatus.CANCELLED),
                    Decimal("0"),
                ),
            )
        shipment = Shipment(
            id=b.new_id(Shipment),
            reference=f"{purchase.number}-{len(self.shipments) + 1}",
            purchase_id=purchase.id,
            agent=agent,
            weight_grams=max(1, sum(item.weight_grams * quantity for item, quantity in lines)),
            cod_amount=cod,
            status=ShipmentStatus.AGENT_ASSIGNED,
            created_at=at,
        )
        parcel["shipment"] = shipment
        self.shipments.append(shipment)
        self.lines_of[shipment.id] = lines
        for item, quantity in lines:
            b.rows[ShipmentItem].append((b.new_id(ShipmentItem), shipment.id, item.id, quantity))
            item.assigned_quantity += quantity
        self.audit(
            at, _subject(shipment), f"Agent assigned: {agent.name}", user, to_state=shipment.status,
            reason=", ".join(f"{item.sku} × {quantity}" for item, quantity in lines),
        )  # fmt: skip
        self.follow(at, user)

    def record_awb(self, at, parcel: dict):
        """shipments.services.shipment_record_awb."""
        shipment, user = parcel["shipment"], self.b.fulfiller()
        shipment.awb = self.b.next_awb(parcel["courier"])
        self.audit(at, _subject(shipment), f"AWB recorded: {shipment.awb}", user)
        self._ship_if_ready(at, shipment, user)

    def print_slip(self, at, parcel: dict):
        """shipments.services.shipment_record_slip_printed."""
        shipment, user = parcel["shipment"], self.b.fulfiller()
        self.audit(at, _subject(shipment), "Address slip printed", user)
        shipment.slip_printed_at = at
        self._ship_if_ready(at, shipment, user)

    def _ship_if_ready(self, at, shipment: Shipment, user):
        if shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.is_ready_to_ship():
            shipment.shipped_at = at
            self.transition(at, shipment, "ship", user)
            self.follow(at, user)

    def hand_over(self, at, parcel: dict):
        """shipments.handover.shipment_hand_over_in_batch, at the courier's pickup."""
        shipment = parcel["shipment"]
        batch_id, user = self.b.batch_for(parcel["agent"], parcel["pickup"])
        shipment.handed_over_at = at
        shipment.handover_batch_id = batch_id
        self.transition(at, shipment, "hand_over", user)
        for item, quantity in self.lines_of[shipment.id]:
            item.assigned_quantity -= quantity
            item.handed_over_quantity += quantity
            self.transition(at, item, "follow_quantities", None)
        self.follow(at, user)

    def partner_report(self, at, item: Item, kind: str, quantity: int):
        """partners.services: one Infibeam report applied to one of its items."""
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
        b.rows[PartnerEvent].append(
            (
                b.new_id(PartnerEvent), event_id, fingerprint_of(raw),
                purchase.id, item.id, kind, quantity, reason, at, min(received, b.now),
                ReceivedVia.API,
            )
        )  # fmt: skip
        if kind == ReportKind.HANDED_OVER:
            item.handed_over_quantity += quantity
            action = f"Handed over to the logistics agent × {quantity}"
        else:
            item.cancelled_quantity += quantity
            action = f"Cancelled by the partner × {quantity}"
        item.last_reported_at = at
        note = f"Event {event_id}" + (f": {reason}" if reason else "")
        follow = {"reason": note, "actor_label": INFIBEAM}
        self.audit(at, _subject(item), action, None, **follow)
        self.transition(at, item, "follow_quantities", None, **follow)
        self.transition(
            at, purchase, "follow_partner_reports", None,
            args=(partner_status_of(self.partner_items),), **follow,
        )  # fmt: skip
        self.follow(at, None, **follow)
