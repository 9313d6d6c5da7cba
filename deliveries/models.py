"""After the handover: the couriers' scans of each parcel, the scans refused, how each courier's
status file reads, and what the store told a courier to do about a failed delivery.

Where a parcel is now is the shipment's own (`shipments.Shipment.delivery_status`); these are
the history and the inputs that moved it (rules.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from shipments.models import DeliveryStatus


class ScanSource(models.TextChoices):
    WEBHOOK = "webhook", "Courier webhook"
    FILE = "file", "Status file"
    COMMAND = "command", "Command"


class TrackingScan(models.Model):
    """One scan of a parcel as its courier reported it, applied once: the same AWB, status and
    time again is the same scan. `moved` says whether it changed the shipment's delivery status
    (a late scan, older than the one the status came from, is kept and moves nothing)."""

    shipment = models.ForeignKey(
        "shipments.Shipment", on_delete=models.PROTECT, related_name="scans"
    )
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    courier_status = models.CharField(
        max_length=100, blank=True, help_text="The courier's own words for it"
    )
    scanned_at = models.DateTimeField()
    location = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why delivery failed")
    attempt = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Which delivery attempt failed, when the courier says"
    )
    source = models.CharField(max_length=10, choices=ScanSource.choices)
    received_at = models.DateTimeField()
    moved = models.BooleanField(default=False)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["scanned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "status", "scanned_at"], name="tracking_scan_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.scanned_at:%Y-%m-%d %H:%M}"


class RefusedScan(models.Model):
    """A scan, or a webhook request, that was not applied, and why: an AWB no shipment of the
    courier has, a parcel not handed over yet, a status the store cannot read, a bad signature.
    Listed for the Owner (Deliveries › Refused Scans); nothing else of it was stored."""

    agent = models.ForeignKey(
        "shipments.ShippingAgent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refused_scans",
    )
    source = models.CharField(max_length=10, choices=ScanSource.choices)
    code = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)
    awb = models.CharField("AWB", max_length=60, blank=True)
    received = models.TextField(blank=True, help_text="What was sent: the row, or the body")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at", "-id"], name="refused_scan_received")]

    def __str__(self) -> str:
        return f"{self.code}: {self.awb or '-'}"


class TrackingFileFormat(models.Model):
    """How one courier's daily status file (its "MIS report") reads: which of its columns holds
    the AWB, the status, the time and so on, and what its status words mean. Set once per courier
    on Shipping Agents; a file of that courier is then read without asking."""

    agent = models.OneToOneField(
        "shipments.ShippingAgent", on_delete=models.CASCADE, related_name="tracking_format"
    )
    awb_column = models.CharField("AWB column", max_length=60, default="AWB")
    status_column = models.CharField(max_length=60, default="Status")
    time_column = models.CharField(max_length=60, default="Status Date")
    location_column = models.CharField(max_length=60, blank=True, default="Location")
    reason_column = models.CharField(max_length=60, blank=True, default="Remarks")
    day_first = models.BooleanField(
        "Dates are day first", default=True, help_text="03/04/2026 is 3 April, as in India"
    )
    status_words = models.JSONField(
        default=dict,
        blank=True,
        help_text="The courier's own status words and what they mean, beyond the common ones",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Status file of {self.agent}"


class NdrAnswer(models.TextChoices):
    REATTEMPT = "reattempt", "Reattempt delivery"
    RETURN_TO_ORIGIN = "rto", "Return to origin"


class DeliveryInstructionQuerySet(models.QuerySet):
    def reattempts_unsent(self):
        """Reattempts asked and not yet sent to the courier (a partial index holds them)."""
        return self.filter(answer=NdrAnswer.REATTEMPT, sent_to_courier_at__isnull=True)

    def reattempts_sent_since(self, moment):
        return self.filter(answer=NdrAnswer.REATTEMPT, sent_to_courier_at__gte=moment)

    def for_file(self):
        """With what a reattempts file shows of each: the parcel, its purchase, where it goes."""
        return self.select_related(
            "shipment__agent",
            "shipment__purchase__customer",
            "shipment__purchase__shipping_address",
        ).order_by("given_at", "id")


class DeliveryInstruction(models.Model):
    """What the store told the courier about a failed delivery: try again (perhaps on another
    number, address line or day), or bring the parcel back. Reattempts are sent to the courier in
    its CSV (Manage Shipments › Action needed › Reattempts file)."""

    shipment = models.ForeignKey(
        "shipments.Shipment", on_delete=models.PROTECT, related_name="delivery_instructions"
    )
    answer = models.CharField(max_length=10, choices=NdrAnswer.choices)
    failed_attempts = models.PositiveSmallIntegerField(help_text="Failed attempts when answered")
    ndr_reason = models.CharField(max_length=200, blank=True)
    new_mobile = models.CharField(max_length=10, blank=True)
    new_address_line = models.CharField(max_length=200, blank=True)
    deliver_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    sent_to_courier_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryInstructionQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(
                fields=["given_at"],
                condition=Q(answer="reattempt", sent_to_courier_at__isnull=True),
                name="instruction_reattempt_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} ({self.shipment_id})"

    def is_reattempt(self) -> bool:
        """A reattempt goes to the courier in its reattempts file; a return to origin does not."""
        return self.answer == NdrAnswer.REATTEMPT
