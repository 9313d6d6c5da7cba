"""GST tax invoices and credit notes, numbered from gapless series and frozen when issued."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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


class IssuedDocument(models.Model):
    """What a tax invoice and a credit note share: a number from a gapless series, who issued it
    when, and every particular printed, frozen at issue."""

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
        abstract = True
        ordering = ["financial_year", "sequence"]

    def __str__(self) -> str:
        return self.number


def numbered_once(prefix: str) -> list:
    """A series' sequence is unique within its financial year, and a number is what a GST
    document number may be: at most 16 letters, digits, '/' and '-' (CGST rule 46(b))."""
    return [
        models.UniqueConstraint(
            fields=["financial_year", "sequence"], name=f"{prefix}_sequence_unique"
        ),
        models.CheckConstraint(
            condition=Q(number__regex=r"^[A-Za-z0-9/-]{1,16}$"), name=f"{prefix}_number_format"
        ),
    ]


class Invoice(IssuedDocument):
    """A GST tax invoice: numbered once, its content frozen when issued, never deleted."""

    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.PROTECT, related_name="invoices"
    )

    class Meta(IssuedDocument.Meta):
        constraints = numbered_once("invoice")


class CreditNote(IssuedDocument):
    """Cancels all or part of an invoice; has its own series."""

    invoice = models.ForeignKey(
        "purchases.Invoice", on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.TextField()

    class Meta(IssuedDocument.Meta):
        constraints = numbered_once("credit_note")
