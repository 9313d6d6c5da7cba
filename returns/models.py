"""Parcels that come back to the store: returned to origin by the courier (never delivered), or
returned by the customer after delivery; what came back of each line, and in what condition."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ReturnKind(models.TextChoices):
    RTO = "rto", "Returned to origin"
    CUSTOMER = "customer", "Customer return"


class ReturnStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    RECEIVED = "received", "Received"


class ParcelReturnQuerySet(models.QuerySet):
    def expected(self):
        return self.filter(status=ReturnStatus.EXPECTED)

    def for_list(self):
        return self.select_related(
            "shipment__agent", "purchase__customer", "credit_note", "recorded_by", "received_by"
        )


class ParcelReturn(models.Model):
    """One parcel coming back from a shipment. A customer return is recorded first (Expected),
    with its lines and the reverse pickup's AWB, and received later; a parcel returned to origin
    is recorded when it is received. Receiving says, line by line, what is sellable (back to
    stock) and what is damaged (written off), and issues the credit note."""

    shipment = models.ForeignKey(
        "shipments.Shipment", on_delete=models.PROTECT, related_name="returns"
    )
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="returns"
    )
    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    status = models.CharField(
        max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.EXPECTED
    )
    reason = models.TextField()
    reverse_awb = models.CharField(  # noqa: DJ001 (NULL, not "": unique when given)
        "Reverse pickup AWB", max_length=40, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_note = models.TextField(blank=True)
    credit_note = models.OneToOneField(
        "purchases.CreditNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcel_return",
    )

    objects = ParcelReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-recorded_at"], name="return_status_recorded"),
            models.Index(fields=["reverse_awb"], name="return_reverse_awb"),
        ]
        constraints = [
            # A parcel comes back to origin once.
            models.UniqueConstraint(
                fields=["shipment"], condition=Q(kind="rto"), name="return_rto_once_per_shipment"
            ),
            models.UniqueConstraint(
                fields=["reverse_awb"],
                condition=Q(reverse_awb__isnull=False),
                name="return_reverse_awb_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="expected") | Q(received_at__isnull=False),
                name="return_received_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.shipment}"

    def is_expected(self) -> bool:
        return self.status == ReturnStatus.EXPECTED

    def is_to_origin(self) -> bool:
        return self.kind == ReturnKind.RTO


class ReturnLine(models.Model):
    """How many units of one purchased item come back in a return, and once received, how many
    of them can be sold again and how many are damaged."""

    parcel_return = models.ForeignKey(ParcelReturn, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("purchases.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    sellable = models.PositiveIntegerField(default=0)
    damaged = models.PositiveIntegerField(default=0)
    damage_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["parcel_return", "item__line_number"]
        constraints = [
            models.UniqueConstraint(fields=["parcel_return", "item"], name="return_line_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("sellable") + F("damaged")),
                name="return_line_disposition_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"
