"""What the store sells: its own products and the marketplace partner's, and the stock of its own.

Stock of an own product: on hand = available + committed. A purchase placed commits units of its
own lines; cancelling them (or refusing the purchase as fraud, or its payment failing) releases
them; handing them to the courier takes them off the shelf. Those moves are counters changed by
the purchases' rules (`Product.commit` / `release` / `ship`) under the product's row lock, so two
orders for the last unit never both get it. Units received and counts corrected by hand are
`StockMovement`s, with who and why. Infibeam's products are stocked by the partner: none of this
applies to them.
"""

from django.conf import settings
from django.db import models

from core.exceptions import InvalidInput, OutOfStock
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
    on_hand = models.IntegerField(
        default=0, help_text="Units in the store's warehouse (own products)."
    )
    committed = models.PositiveIntegerField(
        default=0, help_text="Units of open purchases not handed to a courier yet."
    )
    allows_backorder = models.BooleanField(
        "Takes back-orders",
        default=False,
        help_text="Accept orders for more units than are available; they wait for stock.",
    )

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

    @property
    def available(self) -> int:
        """Units a new order may have: on hand, less what open purchases committed."""
        return self.on_hand - self.committed

    # -- stock: the only ways it changes (no-ops for Infibeam's products) ----------------------

    def commit(self, quantity: int) -> None:
        """`quantity` units go to a purchase being placed; refused (OutOfStock) beyond what is
        available, unless the product takes back-orders."""
        if not self.is_own():
            return
        if quantity > self.available and not self.allows_backorder:
            raise OutOfStock(sku=self.sku, asked=quantity, available=self.available)
        self.committed += quantity

    def release(self, quantity: int) -> None:
        """`quantity` committed units will not be supplied (cancelled, refused as fraud)."""
        if self.is_own():
            self.committed -= min(quantity, self.committed)

    def ship(self, quantity: int) -> None:
        """`quantity` committed units left with the courier."""
        if self.is_own():
            self.committed -= min(quantity, self.committed)
            self.on_hand -= quantity

    def receive(self, quantity: int) -> None:
        """`quantity` units arrived at the warehouse."""
        if quantity < 1:
            raise InvalidInput(f"{self.sku}: receive at least one unit.")
        self.on_hand += quantity

    def write_off(self, quantity: int) -> None:
        """`quantity` units on hand cannot be sold (damaged): they leave the stock."""
        if quantity < 1:
            raise InvalidInput(f"{self.sku}: write off at least one unit.")
        self.on_hand -= quantity

    def count(self, on_hand: int) -> None:
        """The units on the shelf were counted: `on_hand` is what there is."""
        if on_hand < 0:
            raise InvalidInput(f"{self.sku}: a count cannot be below zero.")
        self.on_hand = on_hand


class StockMovementKind(models.TextChoices):
    RECEIVED = "received", "Received"
    COUNTED = "counted", "Counted"
    RETURNED = "returned", "Returned"
    WRITTEN_OFF = "written_off", "Written off"


class StockMovementQuerySet(models.QuerySet):
    def latest_of(self, product: Product, limit: int):
        """The product's latest movements, newest first, with who made them."""
        return (
            self.filter(product=product)
            .select_related("user")
            .order_by("-created_at", "-id")[:limit]
        )


class StockMovement(models.Model):
    """Stock of an own product changed by hand: units received, the shelf counted anew, units
    returned (by a courier or a customer) and damaged ones written off. What purchases commit,
    release and ship follows from them and is not written here."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_movements")
    kind = models.CharField(max_length=12, choices=StockMovementKind.choices)
    quantity = models.IntegerField(
        help_text="The change of units on hand (a count: its difference)"
    )
    on_hand_after = models.IntegerField()
    reason = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-created_at"], name="stock_movement_product")]
        permissions = [("manage_stock", "Can receive stock and correct counts")]

    def __str__(self) -> str:
        return f"{self.product.sku} {self.get_kind_display()} {self.quantity:+d}"
