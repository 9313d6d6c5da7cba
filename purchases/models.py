"""Purchases, their items, addresses, invoices and the append-only audit timeline.

The state machines live here as fields and transition methods; everything a transition
causes (audit entries, email, documents) is done by the services in `services.py`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from catalog.models import FulfilledBy
from core.india import MOBILE_RE, GstRate, GstState, normalise_mobile, validate_pin_code
from core.permissions import CANCEL, FULFIL


class PurchaseStatus(models.TextChoices):
    IN_CHECKOUT = "in_checkout", "In Checkout"
    FROZEN = "frozen", "Frozen"
    CONFIRMED = "confirmed", "Confirmed"
    FRAUD_APPROVED = "fraud_approved", "Fraud Approved"
    FRAUD_DENIED = "fraud_denied", "Fraud Denied"
    INVOICED = "invoiced", "Invoiced"
    AGENT_ASSIGNED = "agent_assigned", "Agent Assigned"
    SHIPPED = "shipped", "Shipped"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class PartnerStatus(models.TextChoices):
    """The partner's part of a purchase, as Infibeam reports it ('' when there is none)."""

    NONE = "", "No partner items"
    AWAITING = "awaiting", "Awaiting partner"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class PurchaseKind(models.TextChoices):
    OWN = "own", "Own"
    INFIBEAM = "infibeam", "Infibeam"
    MIXED = "mixed", "Mixed"


class PaymentMethod(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    COD = "cod", "Cash on delivery"


# States from which the purchase's state follows its items and shipments.
FOLLOWING_STATES = [
    PurchaseStatus.CONFIRMED,
    PurchaseStatus.FRAUD_APPROVED,
    PurchaseStatus.INVOICED,
    PurchaseStatus.AGENT_ASSIGNED,
    PurchaseStatus.SHIPPED,
    PurchaseStatus.PARTIALLY_COMPLETE,
]
# States in which own quantities not yet in a shipment may be given to a courier.
ASSIGNABLE_STATES = (PurchaseStatus.INVOICED, PurchaseStatus.PARTIALLY_COMPLETE)
CANCELLABLE_STATES = [
    s for s in PurchaseStatus.values if s not in (PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED)
]


@dataclass(frozen=True)
class FulfilmentProgress:
    """Counts of item quantities and shipments from which a purchase's state is derived."""

    ordered: int
    handed_over: int
    cancelled: int
    own_unassigned: int
    own_unsettled: int
    shipments_awaiting_awb: int

    @property
    def settled(self) -> bool:
        return self.handed_over + self.cancelled >= self.ordered


class Address(models.Model):
    """A postal address as it was when the purchase was placed; never edited afterwards."""

    name = models.CharField(max_length=200)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    landmark = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=GstState.choices)
    pin_code = models.CharField("PIN code", max_length=6, validators=[validate_pin_code])
    mobile = models.CharField(max_length=10)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["mobile"], name="address_mobile")]

    def __str__(self) -> str:
        return f"{self.name}, {self.city} {self.pin_code}"

    @property
    def state_code(self) -> str:
        return self.state

    @property
    def lines(self) -> list[str]:
        lines = [self.line1, self.line2]
        if self.landmark:
            lines.append(f"Landmark: {self.landmark}")
        lines.append(f"{self.city} {self.pin_code}")
        lines.append(self.get_state_display())
        return [line for line in lines if line]


def has_open_own_items() -> Q:
    """A purchase's own items are not all handed over or cancelled (see with_own_items)."""
    open_own = Item.objects.own().open().filter(purchase=models.OuterRef("pk"))
    return Q(kind=PurchaseKind.OWN) | (Q(kind=PurchaseKind.MIXED) & models.Exists(open_own))


class PurchaseQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("customer", "shipping_address")

    def with_own_items(self):
        """Purchases with own quantities still open (a mixed purchase whose own items were all
        cancelled or handed over waits only for the partner, so it leaves the own queues)."""
        return self.filter(has_open_own_items())

    def in_status(self, status: str):
        return self.filter(status=status)

    def awaiting_fraud_review(self):
        return self.with_own_items().filter(status=PurchaseStatus.CONFIRMED)

    def awaiting_invoice(self):
        return self.with_own_items().filter(status=PurchaseStatus.FRAUD_APPROVED)

    def awaiting_agent(self):
        """Invoiced purchases, and partly handed over ones with own quantities not in a shipment
        (which have open own items by that very fact, so only the invoiced are asked)."""
        unassigned = Item.objects.own().unassigned().filter(purchase=models.OuterRef("pk"))
        # The plain status IN term lets SQLite reach the rows through the (kind, status) index
        # instead of walking every own purchase (118 ms → 2 ms at 100,000 purchases); asking each
        # kind of row only its own question made the count three times cheaper again.
        return self.filter(status__in=ASSIGNABLE_STATES).filter(
            (Q(status=PurchaseStatus.INVOICED) & has_open_own_items())
            | (Q(status=PurchaseStatus.PARTIALLY_COMPLETE) & models.Exists(unassigned))
        )

    def for_detail(self):
        return self.select_related("customer", "billing_address", "shipping_address")

    # -- Manage Purchases: every read below is answered by an index, whatever the store's size --

    def search(self, text: str):
        """Purchases found by number (or its start, or its digits alone), customer name (its start,
        or one word alone: the start of any word of it, 'kulkarni'), email (its start), customer or
        ship-to mobile (+91 and spaces ignored), a shipment's AWB or reference, or the number of
        an invoice or credit note."""
        from customers.models import Customer, CustomerNameWord, name_words
        from shipments.models import Shipment

        text = " ".join((text or "").split())[:SEARCH_MAX_LENGTH]
        if not text:
            return self
        token = text.replace(" ", "").upper()
        match = Q(number=token)
        if len(token) >= NUMBER_PREFIX_MIN:
            match |= starting_with("number", token)
        if token.isdigit():
            match |= Q(number=self._number_letters() + token)
        shipments = Shipment.objects.filter(Q(awb=token) | Q(reference=token))
        match |= Q(pk__in=shipments.values("purchase_id"))
        if "/" in token:  # invoice and credit note numbers: WS/26-27/000123
            match |= Q(pk__in=Invoice.objects.filter(number=token).values("purchase_id"))
            notes = CreditNote.objects.filter(number=token).values("invoice__purchase_id")
            match |= Q(pk__in=notes)
        lowered = text.lower()
        customers = starting_with("name_lower", lowered) | Q(email=lowered)
        if len(lowered) >= EMAIL_PREFIX_MIN:
            customers |= starting_with("email", lowered)
        words = name_words(text)
        # One word of at least three letters: also the start of any word of the name (the surname
        # said on the phone). Two or more words match the start of the whole name, as typed:
        # intersecting each word's customers cost 1.5 ms more at 100,000 purchases.
        one_word = len(words) == 1 and words[0] == lowered  # not 'priya@' nor 'ws1002'
        if one_word and len(lowered) >= NAME_WORD_MIN and not any(c.isdigit() for c in text):
            having = CustomerNameWord.objects.filter(starting_with("word", words[0]))
            customers |= Q(pk__in=having.values("customer_id"))
        mobile = normalise_mobile(text)
        if MOBILE_RE.match(mobile) and not any(c.isalpha() for c in text):
            customers |= Q(mobile=mobile)
            match |= Q(shipping_address__in=Address.objects.filter(mobile=mobile).values("pk"))
        found = Customer.objects.alias(name_lower=Lower("name")).filter(customers)
        return self.filter(match | Q(customer__in=found.values("pk")))

    def _number_letters(self) -> str:
        """What the store's purchase numbers start with before their digits ('WS' of WS100297), read
        from the newest one, so '100297' typed alone finds WS100297."""
        newest = Purchase.objects.order_by("-pk").values_list("number", flat=True).first() or ""
        return newest.rstrip("0123456789")

    def shipped_by(self, agent):
        """Purchases with a shipment (in any state) carried by `agent`."""
        from shipments.models import Shipment

        return self.filter(Exists(Shipment.objects.filter(purchase=OuterRef("pk"), agent=agent)))

    def for_export(self):
        from shipments.models import Shipment

        return self.select_related("customer", "shipping_address").prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.select_related("agent").order_by("id"))
        )

    def list_rows(self):
        """What a row of Manage Purchases shows, as named tuples: building model instances for
        a page of rows would cost more than finding them."""
        return self.values_list(
            "pk",
            "number",
            "placed_at",
            "status",
            "kind",
            "partner_status",
            "payment_method",
            "grand_total",
            "customer__name",
            "customer__mobile",
            "shipping_address__city",
            "shipping_address__pin_code",
            named=True,
        )

    def count_up_to(self, cap: int) -> int:
        """How many there are, counting no further than `cap` + 1 (a page says "1,000+")."""
        return self.order_by().values("pk")[: cap + 1].count()


class PurchaseManager(models.Manager.from_queryset(PurchaseQuerySet)):
    def status_counts(self, *, cap: int) -> dict[str, int]:
        """How many purchases are in each state, each counted no further than `cap` + 1, in one
        query.

        A GROUP BY over every row costs time in proportion to the store's size; walking at most
        `cap` + 1 entries of the (status, placed) index per state does not. No counter row is
        kept, so transitions never wait on one another to update it.
        """
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        column = connection.ops.quote_name(self.model._meta.get_field("status").column)
        limit = int(cap) + 1
        sql = " UNION ALL ".join(
            f"SELECT {position}, COUNT(*) FROM "
            f"(SELECT 1 FROM {table} WHERE {column} = %s LIMIT {limit}) capped_{position}"
            for position in range(len(PurchaseStatus.values))
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, PurchaseStatus.values)
            counted = dict(cursor.fetchall())
        return {status: counted.get(i, 0) for i, status in enumerate(PurchaseStatus.values)}


SEARCH_MAX_LENGTH = 100
NAME_WORD_MIN = 3
NUMBER_PREFIX_MIN = 4
EMAIL_PREFIX_MIN = 3


def starting_with(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range a plain index answers (SQLite's LIKE cannot)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return Q(**{f"{field}__gte": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + chr(last + 1)})


class Purchase(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="purchases"
    )
    billing_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    shipping_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    kind = models.CharField(max_length=10, choices=PurchaseKind.choices)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, help_text="Taxable value")
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_charge = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    placed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    status = FSMField(
        max_length=20,
        choices=PurchaseStatus.choices,
        default=PurchaseStatus.IN_CHECKOUT,
        protected=True,
    )
    partner_status = FSMField(
        max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.NONE, protected=True
    )

    objects = PurchaseManager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        permissions = [
            ("fulfil_purchase", "Can fulfil purchases (fraud review, invoice, ship, hand over)"),
            ("cancel_purchase", "Can cancel purchases"),
            ("print_documents", "Can print invoices, slips and manifests"),
        ]
        indexes = [
            models.Index(fields=["status", "-placed_at"], name="purchase_status_placed"),
            models.Index(fields=["-placed_at", "-id"], name="purchase_placed"),
            models.Index(fields=["grand_total"], name="purchase_amount"),
            models.Index(fields=["kind", "status", "-placed_at"], name="purchase_kind_status"),
            models.Index(fields=["partner_status", "-placed_at"], name="purchase_partner_status"),
            models.Index(fields=["status", "grand_total"], name="purchase_status_amount"),
            models.Index(fields=["kind", "-placed_at"], name="purchase_kind_placed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PurchaseStatus.values), name="purchase_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(partner_status__in=PartnerStatus.values),
                name="purchase_partner_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PurchaseKind.values), name="purchase_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="purchase_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(grand_total__gte=0), name="purchase_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # -- questions -------------------------------------------------------------------------

    def has_own_items(self) -> bool:
        return self.kind != PurchaseKind.INFIBEAM

    def has_open_own_items(self) -> bool:
        """Own quantities neither handed over nor cancelled: the own flow still has work."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("items")
        if prefetched is not None:  # a page holding the items (the purchase page) asks no query
            return any(item.is_own() and item.open_quantity > 0 for item in prefetched)
        return self.has_own_items() and self.items.own().open().exists()

    def has_partner_items(self) -> bool:
        return self.kind != PurchaseKind.OWN

    def is_cash_on_delivery(self) -> bool:
        return self.payment_method == PaymentMethod.COD

    def is_placed(self) -> bool:
        """Confirmed (paid, or cash on delivery accepted) and not refused as fraud: goods may go."""
        return self.status not in (
            PurchaseStatus.IN_CHECKOUT,
            PurchaseStatus.FROZEN,
            PurchaseStatus.FRAUD_DENIED,
        )

    def takes_couriers(self) -> bool:
        """Invoiced, and not every item handed over yet: couriers may be assigned to its items."""
        return self.status in ASSIGNABLE_STATES

    # -- the own-products flow -------------------------------------------------------------

    @transition(field=status, source=PurchaseStatus.IN_CHECKOUT, target=PurchaseStatus.FROZEN)
    def freeze_for_payment(self):
        """The customer started paying; the gateway has not confirmed yet."""

    @transition(
        field=status,
        source=[PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN],
        target=PurchaseStatus.CONFIRMED,
    )
    def confirm(self):
        """Payment confirmed, or cash on delivery accepted."""

    @transition(
        field=status,
        source=PurchaseStatus.CONFIRMED,
        target=PurchaseStatus.FRAUD_APPROVED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Approve fraud check", "style": "primary"},
    )
    def approve_fraud(self):
        """The customer was checked and is genuine."""

    @transition(
        field=status,
        source=PurchaseStatus.CONFIRMED,
        target=PurchaseStatus.FRAUD_DENIED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Deny fraud check", "style": "danger", "needs_reason": True},
    )
    def deny_fraud(self):
        """The purchase was refused as fraudulent."""

    @transition(
        field=status,
        source=PurchaseStatus.FRAUD_APPROVED,
        target=PurchaseStatus.INVOICED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Issue invoice", "style": "primary"},
    )
    def issue_invoice(self):
        """A tax invoice was issued for the own items."""

    @transition(
        field=status,
        source=FOLLOWING_STATES,
        target=RETURN_VALUE(*FOLLOWING_STATES, PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED),
    )
    def follow_fulfilment(self, progress: FulfilmentProgress):
        """Move to the state that the items' and shipments' progress implies."""
        return self.derive_status(progress)

    @transition(
        field=status,
        source=CANCELLABLE_STATES,
        target=PurchaseStatus.CANCELLED,
        conditions=[has_own_items],  # only the partner cancels Infibeam items
        permission=CANCEL,
        custom={"label": "Cancel purchase", "style": "danger", "needs_reason": True},
    )
    def cancel(self):
        """Cancelled before completion."""

    def derive_status(self, progress: FulfilmentProgress) -> str:
        """The state the progress implies; the own flow keeps its state until it is invoiced."""
        own_flow_open = progress.own_unsettled > 0 and self.status in (
            PurchaseStatus.CONFIRMED,
            PurchaseStatus.FRAUD_APPROVED,
        )
        if own_flow_open:
            return self.status
        if progress.settled:
            return PurchaseStatus.COMPLETE if progress.handed_over else PurchaseStatus.CANCELLED
        if progress.handed_over:
            return PurchaseStatus.PARTIALLY_COMPLETE
        if progress.own_unsettled == 0:
            # Only the partner's items remain and none is reported yet: a partner-only purchase
            # stays Confirmed; one whose own items were cancelled after invoicing stays Invoiced.
            invoiced = self.status not in (PurchaseStatus.CONFIRMED, PurchaseStatus.FRAUD_APPROVED)
            return PurchaseStatus.INVOICED if invoiced else self.status
        if progress.own_unassigned:
            return PurchaseStatus.INVOICED
        if progress.shipments_awaiting_awb:
            return PurchaseStatus.AGENT_ASSIGNED
        return PurchaseStatus.SHIPPED

    # -- the partner's part ----------------------------------------------------------------

    @transition(
        field=partner_status,
        source="*",
        target=RETURN_VALUE(*PartnerStatus.values),
    )
    def follow_partner_reports(self, status: str):
        """Show the partner's part as the partner's latest reports imply."""
        return status


class ItemQuerySet(models.QuerySet):
    def own(self):
        return self.filter(fulfilled_by=FulfilledBy.OWN)

    def partner(self):
        return self.filter(fulfilled_by=FulfilledBy.INFIBEAM)

    def open(self):
        """Items with quantities neither handed over nor cancelled."""
        return self.filter(quantity__gt=F("handed_over_quantity") + F("cancelled_quantity"))

    def unassigned(self):
        return self.filter(
            quantity__gt=F("assigned_quantity")
            + F("handed_over_quantity")
            + F("cancelled_quantity")
        )

    def with_unassigned_quantity(self):
        """Each item's `unassigned`: its quantity not yet in a shipment, handed over or cancelled
        (Item.unassigned_quantity, computed by the database for rows read as values)."""
        return self.annotate(
            unassigned=F("quantity")
            - F("assigned_quantity")
            - F("handed_over_quantity")
            - F("cancelled_quantity")
        )


class Item(ConcurrentTransitionMixin, models.Model):
    """A purchased product as it was at purchase time, and how much of it has been fulfilled."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="items")
    line_number = models.PositiveSmallIntegerField()
    product = models.ForeignKey(
        "catalog.Product", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField("SKU", max_length=40)
    name = models.CharField(max_length=200)
    hsn_code = models.CharField("HSN code", max_length=8)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Before GST")
    gst_rate = models.PositiveSmallIntegerField("GST rate", choices=GstRate.choices)
    quantity = models.PositiveIntegerField()
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    weight_grams = models.PositiveIntegerField(default=0, help_text="Per unit")
    fulfilled_by = models.CharField(max_length=10, choices=FulfilledBy.choices)
    assigned_quantity = models.PositiveIntegerField(
        default=0, help_text="In shipments not yet handed over (own items only)"
    )
    handed_over_quantity = models.PositiveIntegerField(default=0)
    cancelled_quantity = models.PositiveIntegerField(default=0)
    last_reported_at = models.DateTimeField(
        null=True, blank=True, help_text="Time of the newest partner report applied to this item"
    )
    status = FSMField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING, protected=True
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["purchase", "line_number"]
        indexes = [
            # Fulfill Shipments' "To assign agent" asks of every partly handed-over purchase whether
            # an own item still waits for a shipment; only such items are in this partial index.
            models.Index(
                fields=["purchase"],
                condition=Q(fulfilled_by=FulfilledBy.OWN)
                & Q(
                    quantity__gt=F("assigned_quantity")
                    + F("handed_over_quantity")
                    + F("cancelled_quantity")
                ),
                name="item_own_unassigned",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["purchase", "line_number"], name="item_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("assigned_quantity")
                    + F("handed_over_quantity")
                    + F("cancelled_quantity")
                ),
                name="item_quantities_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="item_status_valid"
            ),
        ]

    def __str__(self) -> str:
        # Read on the purchase's timeline, where the purchase goes without saying.
        return f"Line {self.line_number}: {self.sku} × {self.quantity}"

    def is_own(self) -> bool:
        return self.fulfilled_by == FulfilledBy.OWN

    @property
    def taxable_value(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount

    def value_of(self, quantity: int) -> Decimal:
        """What the customer pays for `quantity` units of this line, tax included (unrounded)."""
        share = Decimal(quantity) / Decimal(self.quantity)
        taxable = self.unit_price * quantity - self.discount * share
        return taxable * (1 + Decimal(self.gst_rate) / 100)

    @property
    def open_quantity(self) -> int:
        """Neither handed over nor cancelled."""
        return self.quantity - self.handed_over_quantity - self.cancelled_quantity

    @property
    def unassigned_quantity(self) -> int:
        return self.open_quantity - self.assigned_quantity

    def derive_status(self) -> str:
        if self.handed_over_quantity + self.cancelled_quantity >= self.quantity:
            return ItemStatus.COMPLETE if self.handed_over_quantity else ItemStatus.CANCELLED
        if self.handed_over_quantity:
            return ItemStatus.PARTIALLY_COMPLETE
        return ItemStatus.PENDING

    @transition(
        field=status,
        source=[ItemStatus.PENDING, ItemStatus.PARTIALLY_COMPLETE],
        target=RETURN_VALUE(*ItemStatus.values),
    )
    def follow_quantities(self):
        """Move to the state its handed-over and cancelled quantities imply."""
        return self.derive_status()


class AuditEntryQuerySet(models.QuerySet):
    def timeline(self):
        return self.select_related("actor").order_by("created_at", "id")


class AuditEntry(models.Model):
    """One state change or printed document, never edited or deleted."""

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="audit_entries")
    subject = models.CharField(
        max_length=20, help_text="purchase, shipment, item, invoice, document"
    )
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(max_length=60)
    # Long enough for "Agent changed: <100 characters> → <100 characters>" and the like.
    action = models.CharField(max_length=255)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="The user's name, or Infibeam / system")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["purchase", "created_at"], name="audit_purchase_time")]

    def __str__(self) -> str:
        return f"{self.subject_label}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only.")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Tax invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class DocumentSeries(models.Model):
    """The next number of one kind of document in one financial year; locked while taken."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    financial_year = models.CharField(max_length=5, help_text="26-27 for April 2026 to March 2027")
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "document series"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "financial_year"], name="series_unique_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.financial_year}"


class Invoice(models.Model):
    """A GST tax invoice: numbered once, its content frozen when issued, never deleted."""

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=16, unique=True)
    financial_year = models.CharField(max_length=5)
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(help_text="Every particular printed, frozen at issue")
    taxable_total = models.DecimalField(max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["financial_year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "sequence"], name="invoice_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[A-Za-z0-9/-]{1,16}$"), name="invoice_number_format"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNote(models.Model):
    """Cancels all or part of an invoice; has its own series."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=16, unique=True)
    financial_year = models.CharField(max_length=5)
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    content = models.JSONField()
    taxable_total = models.DecimalField(max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["financial_year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "sequence"], name="credit_note_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[A-Za-z0-9/-]{1,16}$"),
                name="credit_note_number_format",
            ),
        ]

    def __str__(self) -> str:
        return self.number
