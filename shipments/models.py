"""Couriers, the shipments they carry and the handover batches the pickup person signs for."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.permissions import CANCEL, FULFIL


def validate_tracking_url_template(value: str) -> None:
    if "{awb}" not in value:
        raise ValidationError("The tracking URL must contain {awb} where the AWB number goes.")
    if not value.startswith(("https://", "http://")):
        raise ValidationError("The tracking URL must start with https:// or http://.")


def tracking_url(template: str, awb: str) -> str:
    """The courier's tracking page of `awb`, from its URL template with {awb} in it."""
    return template.replace("{awb}", awb)


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(f"Not a valid pattern: {error}.") from error


class ShippingAgentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ShippingAgent(models.Model):
    """A courier the store hands parcels to."""

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, unique=True)
    tracking_url_template = models.CharField(
        max_length=300,
        validators=[validate_tracking_url_template],
        help_text="For example https://courier.example/track?awb={awb}",
    )
    awb_pattern = models.CharField(
        "AWB pattern",
        max_length=100,
        blank=True,
        validators=[validate_regex],
        help_text="A regular expression every AWB of this courier matches, e.g. [0-9]{11}",
    )
    collects_cod = models.BooleanField("Collects cash on delivery", default=True)
    active = models.BooleanField(default=True)

    objects = ShippingAgentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, awb: str) -> str:
        return tracking_url(self.tracking_url_template, awb)

    def awb_matches_pattern(self, awb: str) -> bool:
        return not self.awb_pattern or re.fullmatch(self.awb_pattern, awb) is not None

    def awb_rule(self) -> str:
        """What this courier's AWBs look like, for people: '13 or 14 digits', 'SF, then 10
        digits'; the pattern itself when it is not one of those simple kinds; '' without one."""
        if not self.awb_pattern:
            return ""
        return pattern_in_words(self.awb_pattern) or f"the pattern {self.awb_pattern}"


# One piece of a simple AWB pattern: a digit or capital-letter class, or a literal character, with
# an optional count {n} or {m,n}.
PATTERN_PIECE = re.compile(r"(\[0-9\]|\\d|\[A-Z\]|[A-Z0-9-])(?:\{(\d+)(?:,(\d+))?\})?")
PIECE_NAMES = {"[0-9]": "digit", "\\d": "digit", "[A-Z]": "capital letter"}


def pattern_in_words(pattern: str) -> str:
    """'[0-9]{13,14}' → '13 or 14 digits'; 'E[A-Z][0-9]{9}IN' → 'E, then 1 capital letter, then
    9 digits, then IN'; '' for anything else."""
    pieces = list(PATTERN_PIECE.finditer(pattern))
    if "".join(piece.group(0) for piece in pieces) != pattern or not pieces:
        return ""
    words, literal = [], ""
    for piece in pieces:
        kind, low, high = piece.groups()
        if kind not in PIECE_NAMES and not low:
            literal += kind
            continue
        if literal:
            words.append(literal)
            literal = ""
        if kind not in PIECE_NAMES:  # a literal repeated, as in -{2}: say it as it is written
            return ""
        count = low or "1"
        if high:
            joiner = " or " if int(high) == int(low) + 1 else " to "
            count = f"{low}{joiner}{high}"
        plural = "" if count == "1" else "s"
        words.append(f"{count} {PIECE_NAMES[kind]}{plural}")
    if literal:
        words.append(literal)
    return ", then ".join(words)


class ShipmentStatus(models.TextChoices):
    AGENT_ASSIGNED = "agent_assigned", "Agent Assigned"
    SHIPPED = "shipped", "Shipped"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_SHIPMENT_STATES = [ShipmentStatus.AGENT_ASSIGNED, ShipmentStatus.SHIPPED]


class ShipmentQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("agent", "purchase", "purchase__shipping_address")

    def active(self):
        return self.filter(status__in=ACTIVE_SHIPMENT_STATES)

    def awaiting_slip_or_awb(self):
        return self.filter(status=ShipmentStatus.AGENT_ASSIGNED)

    def awaiting_handover(self):
        return self.filter(status=ShipmentStatus.SHIPPED)


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


class HandoverBatch(models.Model):
    """The shipments one courier's pickup person took in one sitting; the manifest lists them."""

    agent = models.ForeignKey(
        ShippingAgent, on_delete=models.PROTECT, related_name="handover_batches"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    pickup_person = models.CharField(max_length=100, blank=True)
    pickup_mobile = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name_plural = "handover batches"

    def __str__(self) -> str:
        return f"{self.agent.code} handover {self.opened_at:%Y-%m-%d %H:%M}"
