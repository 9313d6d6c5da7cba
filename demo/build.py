"""What every demo purchase shares while the store is built: people, couriers, customers and their
addresses, handover batches, the ids and rows not written yet (`purchase_run.py` plays one
purchase's life on it).

Nothing here touches the database: objects are made in memory with the ids they will have, and
`seed.py` writes their rows in bulk. The rules of the panel (`purchases/rules.py`,
`shipments/rules.py`, `partners/rules.py`) change these objects exactly as they change saved ones;
their changes reach this module through `RowJournal`.
"""

import datetime as dt
import itertools
import operator
import random
import string
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from catalog.models import Product, StockMovement, StockMovementKind
from configuration.models import StoreProfile
from core.india import GstState, to_paise
from customers.models import Customer, CustomerNameWord, name_words
from partners.models import PartnerEvent
from purchases import rules as purchase_rules
from purchases.models import (
    Address,
    AuditEntry,
    CreditNote,
    Invoice,
    Item,
    PaymentMethod,
    Purchase,
)
from purchases.step import Step
from shipments.models import HandoverBatch, Shipment, ShipmentItem, ShippingAgent

from . import names, places
from .couriers import Courier
from .store import gstin_with_check_character

REMOTE_STATES = {"31", "35", "38", "11", "12", "13", "14", "15", "16", "17"}
# One new customer in this many buys for a business registered for GST (every 25th: 4 %, and a
# small demo store has some too); they give the GSTIN of their home state.
REGISTERED_CUSTOMER_EVERY = 25
# Small orders of the store's own goods pay for shipping (tax included), as on most Indian stores.
FREE_SHIPPING_FROM = Decimal("499")
SHIPPING_CHARGE = Decimal("49.00")

# The tables the builder writes, in an order in which rows only point at rows before them.
MODELS = [
    StockMovement,
    Customer,
    CustomerNameWord,
    Address,
    Purchase,
    Item,
    Invoice,
    CreditNote,
    HandoverBatch,
    Shipment,
    ShipmentItem,
    PartnerEvent,
    AuditEntry,
]
# Every column of each table, as the model declares them.
COLUMNS = {model: [field.attname for field in model._meta.concrete_fields] for model in MODELS}
ROW_OF = {model: operator.attrgetter(*columns) for model, columns in COLUMNS.items()}

STATE_LABELS = dict(GstState.choices)
PAYMENT_LABELS = dict(PaymentMethod.choices)


def look_up_display_once(instance: models.Model, field_name: str, labels: dict) -> None:
    """Django rebuilds a field's whole choice list on every get_FOO_display() call, and every
    invoice calls several; the builder's own objects in memory look their label up once."""
    label = labels[getattr(instance, field_name)]
    setattr(instance, f"get_{field_name}_display", lambda: label)


class RowJournal:
    """The rules' journal (purchases/journal.py) for objects in memory: a new object takes the
    next id of its table; every object of a purchase becomes a row when the purchase's life ends,
    as it is then (the purchase, its items and shipments change until then)."""

    def __init__(self, builder: "StoreBuilder"):
        self.builder = builder
        self.created: list[models.Model] = []

    def add(self, obj: models.Model) -> None:
        obj.pk = self.builder.new_id(type(obj))
        self.created.append(obj)

    def update(self, obj: models.Model) -> None:
        """Nothing to do: the row is taken when the purchase's life ends."""

    def audit(self, entry: AuditEntry) -> None:
        self.add(entry)

    def take_rows(self) -> None:
        rows = self.builder.rows
        for obj in self.created:
            model = type(obj)
            rows[model].append(ROW_OF[model](obj))
        self.created = []


@dataclass(slots=True)
class DemoCustomer:
    """A customer, and what the builder keeps to write their next addresses."""

    customer: Customer
    home: places.Locality
    line1: str
    landmark: str
    region: str


def _agent_weights(agents, *, cod: bool, remote: bool) -> tuple[list, list[int]]:
    usable = [(agent, courier) for agent, courier in agents if courier.collects_cod or not cod]
    weights = [
        courier.share * (4 if remote and not courier.collects_cod else 1) for _, courier in usable
    ]
    return usable, list(itertools.accumulate(weights))


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
        look_up_display_once(store, "state", STATE_LABELS)
        self.owner, self.staff = users["owner"], users["staff"]
        self.agents = agents
        self.products = products
        self.ids = dict(first_ids)
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.journal = RowJournal(self)
        self.customers: list[DemoCustomer] = []
        self.agent_choices = {
            (cod, remote): _agent_weights(agents, cod=cod, remote=remote)
            for cod in (False, True)
            for remote in (False, True)
        }
        self.awb_serials = {courier.code: courier.first_serial for _, courier in agents}
        self.batches: dict[tuple[str, dt.datetime], HandoverBatch] = {}
        self.pickup_people = {
            courier.code: [self._person(names.NORTH) for _ in range(3)] for _, courier in agents
        }
        self.counts: dict[str, int] = defaultdict(int)

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

    def batch_for(self, agent: ShippingAgent, pickup: dt.datetime) -> HandoverBatch:
        """The handover batch of this courier's pickup at that time, opened when first needed."""
        key = (agent.code, pickup)
        if key not in self.batches:
            batch_id, user = self.new_id(HandoverBatch), self.fulfiller()
            person, mobile = self.rng.choice(self.pickup_people[agent.code])
            closed = min(pickup + dt.timedelta(minutes=self.rng.randint(12, 25)), self.now)
            opened = pickup - dt.timedelta(minutes=self.rng.randint(2, 10))
            batch = HandoverBatch(
                id=batch_id,
                agent=agent,
                opened_by=user,
                opened_at=opened,
                closed_at=closed,
                pickup_person=person,
                pickup_mobile=mobile,
            )
            self.journal.created.append(batch)
            self.batches[key] = batch
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
        customer = Customer(
            id=self.new_id(Customer),
            name=f"{given} {surname}",
            email=email,
            mobile=self.mobile(),
            gstin=self.proprietor_gstin(home.state, surname) if registered else "",
        )
        demo_customer = DemoCustomer(
            customer=customer,
            home=home,
            line1=self.house(),
            landmark=self.rng.choice(places.LANDMARKS) if self.rng.random() < 0.8 else "",
            region=region,
        )
        customer.created_at = placed_at - dt.timedelta(seconds=self.rng.randint(60, 1800))
        self.journal.created.append(customer)
        self.journal.created.extend(
            CustomerNameWord(id=self.new_id(CustomerNameWord), customer=customer, word=word)
            for word in name_words(customer.name)
        )
        self.customers.append(demo_customer)
        return demo_customer

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
            name=name,
            line1=line1,
            line2=home.name,
            landmark=landmark,
            city=home.city,
            state=home.state,
            pin_code=home.pin_code,
            mobile=mobile,
        )
        self.journal.add(address)
        look_up_display_once(address, "state", STATE_LABELS)
        return address

    # -- purchases as placed ------------------------------------------------------------------

    def place(self, plan) -> Step:
        """A purchase as the customer placed it (In Checkout), through the panel's own placing
        rule: who, where to, what, how much; its own units committed from stock."""
        customer = self.customer_for(plan.placed_at)
        billing = self.address(
            name=customer.customer.name,
            mobile=customer.customer.mobile,
            home=customer.home,
            line1=customer.line1,
            landmark=customer.landmark,
        )
        shipping = self._other_address(customer) if self.rng.random() < 0.15 else billing
        lines = [self._order_line(plan, line) for line in plan.lines]
        own_value = sum(
            line.taxable * (1 + Decimal(line.product.gst_rate) / 100)
            for line in lines
            if line.product.is_own()
        )
        small = any(line.product.is_own() for line in lines) and own_value < FREE_SHIPPING_FROM
        step = purchase_rules.place(
            number=plan.number,
            customer=customer.customer,
            billing=billing,
            shipping=shipping,
            lines=lines,
            shipping_charge=SHIPPING_CHARGE if small else Decimal("0.00"),
            payment_method=plan.payment,
            placed_at=plan.placed_at,
            journal=self.journal,
        )
        look_up_display_once(step.purchase, "payment_method", PAYMENT_LABELS)
        return step

    def _order_line(self, plan, line) -> purchase_rules.OrderLine:
        product = self.products[line.product.sku]
        discount = Decimal("0.00")
        if plan.coupon and line.is_own:
            discount = to_paise(product.price * line.quantity / 10)
        return purchase_rules.OrderLine(product, line.quantity, product.price, discount)

    def open_stock(self, plans, at: dt.datetime) -> None:
        """Each own product's stock before the first purchase, received by the owner: every unit
        the plans will ask for, and a spare few dozen (a number of its SKU, the same every time)."""
        wanted = Counter(
            line.product.sku for plan in plans for line in plan.lines for _ in range(line.quantity)
        )
        for product in self.products.values():
            if not product.is_own():
                continue
            product.receive(wanted[product.sku] + 20 + zlib.crc32(product.sku.encode()) % 180)
            self.journal.add(
                StockMovement(
                    product=product,
                    kind=StockMovementKind.RECEIVED,
                    quantity=product.on_hand,
                    on_hand_after=product.on_hand,
                    reason="Opening stock",
                    user=self.owner,
                    created_at=at,
                )
            )

    def stock(self) -> dict[int, tuple[int, int]]:
        """Each own product's stock now: id → (on hand, committed)."""
        return {p.pk: (p.on_hand, p.committed) for p in self.products.values() if p.is_own()}

    def _other_address(self, customer: DemoCustomer):
        """A gift to a relative elsewhere, or delivery to the customer's office."""
        rng = self.rng
        if rng.random() < 0.5:
            return self.address(
                name=customer.customer.name,
                mobile=customer.customer.mobile,
                home=customer.home,
                line1=rng.choice(places.OFFICES),
                landmark=rng.choice(places.LANDMARKS),
            )
        home = rng.choice(places.LOCALITIES)
        given = names.given_name(rng, customer.region)
        return self.address(
            name=f"{given} {customer.customer.name.split()[-1]}",
            mobile=self.mobile(),
            home=home,
            line1=self.house(),
            landmark=rng.choice(places.LANDMARKS) if rng.random() < 0.8 else "",
        )

    def take_rows(self) -> dict[type, list[tuple]]:
        """The rows collected since the last call, by model."""
        rows, self.rows = self.rows, defaultdict(list)
        return dict(rows)
