"""Shipments: the parcels of a purchase, what they carry, and where they are after the handover."""

from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.permissions import CANCEL, FULFIL

from .agent import ShippingAgent


class ShipmentStatus(models.TextChoices):
    AGENT_ASSIGNED = "agent_assigned", "Agent Assigned"
    SHIPPED = "shipped", "Shipped"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_SHIPMENT_STATES = [ShipmentStatus.AGENT_ASSIGNED, ShipmentStatus.SHIPPED]


class DeliveryStatus(models.TextChoices):
    """Where a handed-over parcel is, as its courier's scans say (deliveries/rules.py moves it,
    forward only)."""

    IN_TRANSIT = "in_transit", "In Transit"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for Delivery"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    RTO_IN_TRANSIT = "rto_in_transit", "RTO In Transit"
    RTO_DELIVERED = "rto_delivered", "RTO Delivered"
    LOST = "lost", "Lost"


RTO_STATES = [DeliveryStatus.RTO_IN_TRANSIT, DeliveryStatus.RTO_DELIVERED]
ON_THE_WAY_STATES = [
    DeliveryStatus.IN_TRANSIT,
    DeliveryStatus.OUT_FOR_DELIVERY,
    DeliveryStatus.UNDELIVERED,
]


class ShipmentQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("agent", "purchase", "purchase__shipping_address")

    def active(self):
        return self.filter(status__in=ACTIVE_SHIPMENT_STATES)

    def awaiting_slip_or_awb(self):
        return self.filter(status=ShipmentStatus.AGENT_ASSIGNED)

    def awaiting_handover(self):
        return self.filter(status=ShipmentStatus.SHIPPED)

    def awaiting_eway_bill(self):
        """Not handed over yet, and not to be until their e-way bill number is recorded."""
        return self.active().filter(eway_bill_required=True, eway_bill_number__isnull=True)

    # -- after the handover (Manage Shipments' delivery tabs) --------------------------------

    def awaiting_ndr_answer(self):
        """Failed a delivery attempt, and nobody has said yet whether to try again or send it
        back."""
        return self.filter(awaits_ndr_answer=True)

    def in_transit(self):
        return self.filter(delivery_status__in=ON_THE_WAY_STATES)

    def delivered(self):
        return self.filter(delivery_status=DeliveryStatus.DELIVERED)

    def returning_to_origin(self):
        return self.filter(delivery_status__in=RTO_STATES)


class Shipment(ConcurrentTransitionMixin, models.Model):
    """One parcel of a purchase: the items it carries, its courier and AWB."""

    reference = models.CharField(max_length=20, unique=True)
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="shipments"
    )
    agent = models.ForeignKey(ShippingAgent, on_delete=models.PROTECT, related_name="shipments")
    # NULL, not "", until recorded: the per-agent unique constraint must ignore missing AWBs.
    awb = models.CharField("AWB", max_length=40, null=True, blank=True)  # noqa: DJ001
    weight_grams = models.PositiveIntegerField()
    cod_amount = models.DecimalField(
        "Cash to collect", max_digits=12, decimal_places=2, default=0, help_text="0 when prepaid"
    )
    status = FSMField(
        max_length=20,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.AGENT_ASSIGNED,
        protected=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    slip_printed_at = models.DateTimeField(null=True, blank=True)
    # When what the slip shows (the courier, the AWB) last changed: a slip drawn before it is old.
    slip_details_changed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    handover_batch = models.ForeignKey(
        "HandoverBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    # After the handover: where the parcel is, as the courier's latest scan says.
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, blank=True, default=""
    )
    delivery_scanned_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scan that set the delivery status was made"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    ndr_reason = models.CharField("Reason of the last failed delivery", max_length=200, blank=True)
    ndr_at = models.DateTimeField(null=True, blank=True)
    awaits_ndr_answer = models.BooleanField(default=False)
    cod_written_off_at = models.DateTimeField(
        null=True, blank=True, help_text="Returned to origin: its cash will never be collected"
    )
    # The goods' value with their tax, and whether moving them needs an e-way bill (eway_bills.py).
    goods_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    eway_bill_required = models.BooleanField(default=False)
    eway_bill_number = models.CharField(  # noqa: DJ001 (NULL, not "": unique when recorded)
        "E-way bill number", max_length=12, null=True, blank=True
    )
    eway_bill_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="shipment_status_created"),
            models.Index(fields=["awb"], name="shipment_awb"),
            models.Index(fields=["agent", "status"], name="shipment_agent_status"),
            # Manage Purchases' agent filter asks, purchase by purchase, "any shipment by X?"
            models.Index(fields=["purchase", "agent"], name="shipment_purchase_agent"),
            # Manage Shipments lists newest first, whole or by courier, without sorting the table.
            models.Index(fields=["-created_at", "-id"], name="shipment_created"),
            models.Index(fields=["agent", "-created_at"], name="shipment_agent_created"),
            # The delivery tabs: each status newest handover first; NDRs oldest first.
            models.Index(
                fields=["delivery_status", "-handed_over_at"], name="shipment_delivery_status"
            ),
            models.Index(
                fields=["ndr_at"],
                condition=Q(awaits_ndr_answer=True),
                name="shipment_awaiting_ndr",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "awb"],
                condition=Q(awb__isnull=False),
                name="shipment_awb_unique_per_agent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cod_amount__gte=0), name="shipment_cod_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(delivery_status__in=["", *DeliveryStatus.values]),
                name="shipment_delivery_status_valid",
            ),
            models.UniqueConstraint(
                fields=["eway_bill_number"],
                condition=Q(eway_bill_number__isnull=False),
                name="shipment_eway_bill_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # -- questions -------------------------------------------------------------------------

    def has_awb(self) -> bool:
        return bool(self.awb)

    def has_slip_printed(self) -> bool:
        return self.slip_printed_at is not None

    def is_ready_to_ship(self) -> bool:
        return self.has_awb() and self.has_slip_printed()

    def is_open(self) -> bool:
        """Not yet handed over or cancelled: its courier and AWB may still be corrected."""
        return self.status in ACTIVE_SHIPMENT_STATES

    def is_awaiting_handover(self) -> bool:
        return self.status == ShipmentStatus.SHIPPED

    def is_handed_over(self) -> bool:
        return self.status == ShipmentStatus.COMPLETE

    def is_delivered(self) -> bool:
        return self.delivery_status == DeliveryStatus.DELIVERED

    def awaits_eway_bill(self) -> bool:
        """Its goods are worth enough to need an e-way bill, and none is recorded yet."""
        return self.eway_bill_required and not self.eway_bill_number

    def is_returning_to_origin(self) -> bool:
        return self.delivery_status in RTO_STATES

    @property
    def barcode_value(self) -> str:
        """What the slip's barcode carries: the AWB once recorded, the reference before."""
        return self.awb or self.reference

    @property
    def tracking_url(self) -> str:
        return self.agent.tracking_url(self.awb) if self.awb else ""

    # -- transitions -----------------------------------------------------------------------

    @transition(
        field=status,
        source=ShipmentStatus.AGENT_ASSIGNED,
        target=ShipmentStatus.SHIPPED,
        conditions=[is_ready_to_ship],
        permission=FULFIL,
        custom={"timeline": "Shipped: slip printed and AWB recorded"},
    )
    def ship(self):
        """The address slip is printed and the AWB recorded; waiting for the courier."""

    @transition(
        field=status,
        source=ShipmentStatus.SHIPPED,
        target=ShipmentStatus.AGENT_ASSIGNED,
        permission=FULFIL,
        custom={"label": "Slip to print again"},
    )
    def outdate_slip(self):
        """Its courier or AWB changed after the slip was printed: the slip on the parcel is
        wrong, and the shipment waits for a new one before it can be handed over."""
        self.shipped_at = None

    @transition(
        field=status,
        source=ShipmentStatus.SHIPPED,
        target=ShipmentStatus.COMPLETE,
        permission=FULFIL,
        custom={"label": "Hand over", "style": "primary"},
    )
    def hand_over(self):
        """The courier took the parcel."""

    @transition(
        field=status,
        source=ACTIVE_SHIPMENT_STATES,
        target=ShipmentStatus.CANCELLED,
        permission=CANCEL,
        custom={"timeline": "Shipment cancelled"},
    )
    def cancel(self):
        """Cancelled before handover; its items go back to be shipped or cancelled."""


class ShipmentItem(models.Model):
    """How many of one purchased item travel in one shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "purchases.Item", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "item"], name="shipment_item_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="shipment_item_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.item_id} × {self.quantity}"
