"""The append-only timeline of a purchase: every state change and printed document."""

from django.conf import settings
from django.db import models

# The longest reason a person may type (to deny a fraud check, to cancel); it is kept on the
# timeline and printed on a credit note.
REASON_MAX_LENGTH = 1000


class AuditEntryQuerySet(models.QuerySet):
    def timeline(self):
        return self.select_related("actor").order_by("created_at", "id")


class AuditEntry(models.Model):
    """One state change or printed document, never edited or deleted. `action` says in words what
    happened, as the owner reads it (purchases/audit.py)."""

    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="audit_entries"
    )
    subject = models.CharField(
        max_length=20, help_text="purchase, shipment, item, invoice, document"
    )
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(max_length=60)
    # Long enough for "Agent changed: <100 characters> → <100 characters>" and the like.
    action = models.CharField(max_length=255)
    # The state field a transition moved (`status`, or a purchase's `partner_status`); empty for
    # what is not a transition.
    state_field = models.CharField(max_length=20, blank=True, default="")
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
