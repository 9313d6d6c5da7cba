"""What the store sells: its own products and the marketplace partner's."""

from django.db import models

from core.india import GstRate, validate_hsn_code


class FulfilledBy(models.TextChoices):
    OWN = "own", "Own"
    INFIBEAM = "infibeam", "Infibeam"


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def own(self):
        return self.filter(fulfilled_by=FulfilledBy.OWN)

    def search(self, text: str):
        """Products whose SKU or name contains `text` (all of them when it is blank)."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(sku__icontains=text) | models.Q(name__icontains=text))


class Product(models.Model):
    sku = models.CharField("SKU", max_length=40, unique=True)
    name = models.CharField(max_length=200)
    hsn_code = models.CharField("HSN code", max_length=8, validators=[validate_hsn_code])
    gst_rate = models.PositiveSmallIntegerField("GST rate", choices=GstRate.choices)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Taxable unit price in rupees, before GST."
    )
    weight_grams = models.PositiveIntegerField()
    fulfilled_by = models.CharField(max_length=10, choices=FulfilledBy.choices)
    active = models.BooleanField(default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(gst_rate__in=GstRate.values), name="product_gst_rate_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(fulfilled_by__in=FulfilledBy.values),
                name="product_fulfilled_by_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def is_own(self) -> bool:
        """Own products are edited here; Infibeam's come from the partner and are read-only."""
        return self.fulfilled_by == FulfilledBy.OWN
