"""Where purchases come from: the store's sales channels, what they sent, and what was refused.

A channel (the storefront, phone orders, a marketplace's export) signs what it sends with its own
secret. Every order it sends is a purchase at most once (the purchase's channel and external
reference are unique together); every request's answer is kept under its Idempotency-Key, so a
retry gets the first answer; every payment event is applied at most once; every refusal is kept
for the Owner with its reason.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

SECRET_BYTES = 32


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class ChannelKind(models.TextChoices):
    STOREFRONT = "storefront", "Web storefront"
    PHONE = "phone", "Phone orders"
    WHATSAPP = "whatsapp", "WhatsApp orders"
    MARKETPLACE = "marketplace", "Marketplace"
    OTHER = "other", "Other"


class SalesChannelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class SalesChannel(models.Model):
    """A channel orders come from, with the secret its requests are signed with. After a rotation
    the previous secret still works until `previous_secret_until`, so the channel can switch."""

    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(
        max_length=30, unique=True, help_text="Short name for files and commands"
    )
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100, default=new_secret)
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    rotated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SalesChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def secrets_accepted(self, now=None) -> list[str]:
        """The secrets a request may be signed with now: the current one, and the previous one
        during its grace period."""
        now = now or timezone.now()
        accepted = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            accepted.append(self.previous_secret)
        return accepted


class ReceivedVia(models.TextChoices):
    API = "api", "Orders API"
    FILE = "file", "File import"
    COMMAND = "command", "Command"


class ChannelRequest(models.Model):
    """One answered request under its Idempotency-Key: a retry with the same key and body gets
    this answer again; the same key with another body is refused."""

    channel = models.ForeignKey(SalesChannel, on_delete=models.PROTECT, related_name="requests")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's body")
    http_status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="channel_request_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel.code} {self.key}"


class RefusedOrder(models.Model):
    """An order, payment event or request a channel sent that was refused, with every reason:
    nothing of it was stored but this."""

    channel = models.ForeignKey(
        SalesChannel, null=True, blank=True, on_delete=models.PROTECT, related_name="refusals"
    )
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)
    code = models.CharField(max_length=40)
    detail = models.TextField()
    problems = models.JSONField(default=list, help_text="Each problem: field path, code, message")
    external_reference = models.CharField(max_length=100, blank=True, default="")
    payload = models.TextField(blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.external_reference or self.detail[:40]}"


class PaymentEventKind(models.TextChoices):
    STARTED = "started", "Payment started"
    CAPTURED = "captured", "Payment captured"
    FAILED = "failed", "Payment failed"
    EXPIRED = "expired", "Payment expired"


class PaymentEvent(models.Model):
    """A payment gateway's event about one order, applied once. One that arrives before its order
    waits (purchase empty) and is applied when the order arrives."""

    channel = models.ForeignKey(SalesChannel, on_delete=models.PROTECT, related_name="payments")
    event_id = models.CharField(max_length=100)
    external_reference = models.CharField(max_length=100)
    purchase = models.ForeignKey(
        "purchases.Purchase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_events",
    )
    kind = models.CharField(max_length=10, choices=PaymentEventKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    fingerprint = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "event_id"], name="payment_event_once"),
        ]
        indexes = [
            models.Index(
                fields=["channel", "external_reference"],
                condition=Q(purchase__isnull=True),
                name="payment_event_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel.code} {self.event_id}"
