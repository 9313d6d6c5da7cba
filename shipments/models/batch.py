"""The shipments one courier's pickup person took in one sitting."""

from django.conf import settings
from django.db import models

from .agent import ShippingAgent


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
