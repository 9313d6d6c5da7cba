"""Money the store owes a customer back: what a credit note gave back of what they had paid."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.india import format_inr


class RefundStatus(models.TextChoices):
    DUE = "due", "Due"
    REFUNDED = "refunded", "Refunded"


class RefundQuerySet(models.QuerySet):
    def due(self):
        return self.filter(status=RefundStatus.DUE)

    def for_list(self):
        return self.select_related(
            "purchase", "purchase__customer", "credit_note", "refunded_by"
        ).order_by("status", "-created_at", "-id")


class Refund(models.Model):
    """An amount to pay back to the customer of a purchase, and, once paid, how (the bank's or
    gateway's reference). Made by the rules when a credit note gives back what was paid: goods
    returned by the customer or to origin on a prepaid purchase, or cash collected on delivery."""

    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="refunds"
    )
    credit_note = models.OneToOneField(
        "purchases.CreditNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default=RefundStatus.DUE)
    created_at = models.DateTimeField()
    reference = models.CharField(
        max_length=100, blank=True, help_text="The bank's UTR or the gateway's refund id"
    )
    refunded_at = models.DateTimeField(null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RefundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="refund_status_created")]
        permissions = [("record_refund", "Can mark refunds as paid back")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="due") | (Q(refunded_at__isnull=False) & ~Q(reference="")),
                name="refund_refunded_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund of {format_inr(self.amount)}"

    def is_due(self) -> bool:
        return self.status == RefundStatus.DUE
