"""The Infibeam partner feed: its shared secret, the events applied, and the ones refused.

docs/partner-feed.md is the partner's side of the contract; services.py applies events.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_secret() -> str:
    """A fresh shared secret: 32 random bytes as 64 hex characters."""
    return secrets.token_hex(32)


class PartnerFeedSettingsQuerySet(models.QuerySet):
    def current(self) -> "PartnerFeedSettings":
        """The one settings row, made with a random secret the first time it is asked for."""
        feed_settings, _ = self.get_or_create(pk=1, defaults={"secret": new_secret()})
        return feed_settings


class PartnerFeedSettings(models.Model):
    """One row: the secret Infibeam signs its feed with. Only the Owner sees or rotates it."""

    secret = models.CharField(max_length=128)
    rotated_at = models.DateTimeField(null=True, blank=True)
    rotated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PartnerFeedSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "partner feed settings"
        verbose_name_plural = "partner feed settings"

    def __str__(self) -> str:
        return "Partner feed settings"


class ReportKind(models.TextChoices):
    HANDED_OVER = "handed_over", "Handed over to the logistics agent"
    CANCELLED = "cancelled", "Cancelled"


class ReceivedVia(models.TextChoices):
    API = "api", "Feed endpoint"
    FILE = "file", "File (apply_partner_feed)"


class PartnerEvent(models.Model):
    """One applied partner report; its unique event id makes every retry a no-op."""

    event_id = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the event as received")
    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="partner_events"
    )
    item = models.ForeignKey(
        "purchases.Item", on_delete=models.PROTECT, related_name="partner_events"
    )
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    quantity = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="partner_event_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="partner_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.event_id


class RejectionReason(models.TextChoices):
    """Machine-readable refusal codes; docs/partner-feed.md explains each one to the partner."""

    # The whole request
    BODY_TOO_LARGE = "body_too_large", "Body too large"
    MISSING_HEADERS = "missing_headers", "Signature or timestamp header missing"
    BAD_TIMESTAMP = "bad_timestamp", "Timestamp header is not a Unix time"
    STALE_TIMESTAMP = "stale_timestamp", "Timestamp outside the allowed window"
    BAD_SIGNATURE = "bad_signature", "Signature does not match"
    MALFORMED_JSON = "malformed_json", "Not valid JSON (UTF-8)"
    INVALID_BATCH = "invalid_batch", "Not a batch of events"
    # One event
    INVALID_EVENT = "invalid_event", "Event is not a JSON object"
    MISSING_FIELD = "missing_field", "Required field missing"
    INVALID_FIELD = "invalid_field", "Field of the wrong type or form"
    OCCURRED_IN_FUTURE = "occurred_in_future", "Event time is in the future"
    UNKNOWN_PURCHASE = "unknown_purchase", "Unknown purchase"
    UNKNOWN_ITEM = "unknown_item", "Unknown item"
    AMBIGUOUS_ITEM = "ambiguous_item", "SKU matches several lines"
    OWN_ITEM = "own_item", "Item is fulfilled by the store"
    NOT_PLACED = "purchase_not_placed", "Purchase not placed (in checkout, unpaid or refused)"
    EXCESS_QUANTITY = "excess_quantity", "More than was bought"
    OUT_OF_ORDER = "out_of_order", "Older than the item's latest report"
    EVENT_ID_REUSED = "event_id_reused", "Event id already used for another event"
    RETRY_LATER = "retry_later", "Temporary failure; send again"


class RejectedPartnerEventQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("purchase").order_by("-received_at", "-id")


class RejectedPartnerEvent(models.Model):
    """A refused request or event, kept as received so the owner can see what the partner sent."""

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)
    source = models.CharField(max_length=300, blank=True, help_text="Client address, or file:line")
    reason = models.CharField(max_length=30, choices=RejectionReason.choices)
    detail = models.TextField(blank=True)
    event_id = models.CharField(max_length=100, blank=True)
    purchase_number = models.CharField(max_length=100, blank=True)
    purchase = models.ForeignKey(
        "purchases.Purchase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rejected_partner_events",
    )
    payload = models.TextField(blank=True, help_text="As received, cut at 10,000 characters")

    objects = RejectedPartnerEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["reason", "-received_at"], name="rejected_event_reason")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.event_id}".strip()
