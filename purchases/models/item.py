"""A purchased product as it was at purchase time, and how much of it has been fulfilled."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from catalog.models import FulfilledBy
from core.exceptions import InvalidInput
from core.india import GstRate

from .states import ItemStatus


class ItemQuerySet(models.QuerySet):
    def own(self):
        return self.filter(fulfilled_by=FulfilledBy.OWN)

    def partner(self):
        return self.filter(fulfilled_by=FulfilledBy.INFIBEAM)

    def open(self):
        """Items with quantities neither handed over nor cancelled."""
        return self.filter(quantity__gt=F("handed_over_quantity") + F("cancelled_quantity"))

    def unassigned(self):
        return self.filter(
            quantity__gt=F("assigned_quantity")
            + F("handed_over_quantity")
            + F("cancelled_quantity")
        )

    def with_unassigned_quantity(self):
        """Each item's `unassigned`: its quantity not yet in a shipment, handed over or cancelled
        (Item.unassigned_quantity, computed by the database for rows read as values)."""
        return self.annotate(
            unassigned=F("quantity")
            - F("assigned_quantity")
            - F("handed_over_quantity")
            - F("cancelled_quantity")
        )


class Item(ConcurrentTransitionMixin, models.Model):
    """A purchased product as it was at purchase time, and how much of it has been fulfilled."""

    purchase = models.ForeignKey(
        "purchases.Purchase", on_delete=models.CASCADE, related_name="items"
    )
    line_number = models.PositiveSmallIntegerField()
    product = models.ForeignKey(
        "catalog.Product", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField("SKU", max_length=40)
    name = models.CharField(max_length=200)
    hsn_code = models.CharField("HSN code", max_length=8)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Before GST")
    gst_rate = models.PositiveSmallIntegerField("GST rate", choices=GstRate.choices)
    quantity = models.PositiveIntegerField()
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    weight_grams = models.PositiveIntegerField(default=0, help_text="Per unit")
    fulfilled_by = models.CharField(max_length=10, choices=FulfilledBy.choices)
    assigned_quantity = models.PositiveIntegerField(
        default=0, help_text="In shipments not yet handed over (own items only)"
    )
    handed_over_quantity = models.PositiveIntegerField(default=0)
    cancelled_quantity = models.PositiveIntegerField(default=0)
    rto_quantity = models.PositiveIntegerField(
        "Returned to origin",
        default=0,
        help_text="Handed over, never delivered, and received back from the courier",
    )
    returned_quantity = models.PositiveIntegerField(
        default=0, help_text="Delivered, then returned by the customer and received back"
    )
    last_reported_at = models.DateTimeField(
        null=True, blank=True, help_text="Time of the newest partner report applied to this item"
    )
    status = FSMField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING, protected=True
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["purchase", "line_number"]
        indexes = [
            # Fulfill Shipments' "To assign agent" asks of every partly handed-over purchase whether
            # an own item still waits for a shipment; only such items are in this partial index.
            models.Index(
                fields=["purchase"],
                condition=Q(fulfilled_by=FulfilledBy.OWN)
                & Q(
                    quantity__gt=F("assigned_quantity")
                    + F("handed_over_quantity")
                    + F("cancelled_quantity")
                ),
                name="item_own_unassigned",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["purchase", "line_number"], name="item_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("assigned_quantity")
                    + F("handed_over_quantity")
                    + F("cancelled_quantity")
                ),
                name="item_quantities_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(handed_over_quantity__gte=F("rto_quantity") + F("returned_quantity")),
                name="item_returned_within_handed_over",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="item_status_valid"
            ),
        ]

    def __str__(self) -> str:
        # Read on the purchase's timeline, where the purchase goes without saying.
        return f"Line {self.line_number}: {self.sku} × {self.quantity}"

    @classmethod
    def of_product(cls, product, *, purchase, line_number: int, quantity: int, **fields) -> "Item":
        """A line of `purchase` for `product` as it is now: its SKU, name, HSN code, price, GST
        rate, weight and who fulfils it are copied, so later edits of the product change no
        purchase. `fields` may give others, or another price (a sale's, a discount)."""
        copied = {
            "sku": product.sku,
            "name": product.name,
            "hsn_code": product.hsn_code,
            "unit_price": product.price,
            "gst_rate": product.gst_rate,
            "weight_grams": product.weight_grams,
            "fulfilled_by": product.fulfilled_by,
        }
        return cls(
            purchase=purchase,
            line_number=line_number,
            product=product,
            quantity=quantity,
            **(copied | fields),
        )

    def is_own(self) -> bool:
        return self.fulfilled_by == FulfilledBy.OWN

    @property
    def taxable_value(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount

    def value_of(self, quantity: int) -> Decimal:
        """What the customer pays for `quantity` units of this line, tax included (unrounded)."""
        share = Decimal(quantity) / Decimal(self.quantity)
        taxable = self.unit_price * quantity - self.discount * share
        return taxable * (1 + Decimal(self.gst_rate) / 100)

    @property
    def open_quantity(self) -> int:
        """Neither handed over nor cancelled."""
        return self.quantity - self.handed_over_quantity - self.cancelled_quantity

    @property
    def unassigned_quantity(self) -> int:
        return self.open_quantity - self.assigned_quantity

    # -- the only ways its quantities change -----------------------------------------------

    def assign(self, quantity: int) -> None:
        """`quantity` of the units not yet in a shipment go into one (own items)."""
        self._refuse_beyond(quantity, self.unassigned_quantity, "put in a shipment")
        self.assigned_quantity += quantity

    def release(self, quantity: int) -> None:
        """`quantity` units come out of a cancelled shipment and wait for another."""
        self._refuse_beyond(quantity, self.assigned_quantity, "take out of a shipment")
        self.assigned_quantity -= quantity

    def hand_over(self, quantity: int) -> None:
        """`quantity` units went to the courier: an own item's from the shipment that carried
        them, a partner item's as Infibeam reports."""
        available = self.assigned_quantity if self.is_own() else self.unassigned_quantity
        self._refuse_beyond(quantity, available, "hand over")
        if self.is_own():
            self.assigned_quantity -= quantity
        self.handed_over_quantity += quantity

    def cancel(self, quantity: int) -> None:
        """`quantity` units that are in no shipment will not be supplied."""
        self._refuse_beyond(quantity, self.unassigned_quantity, "cancel")
        self.cancelled_quantity += quantity

    @property
    def back_quantity(self) -> int:
        """Handed over and received back, whichever way."""
        return self.rto_quantity + self.returned_quantity

    def take_back(self, quantity: int, *, to_origin: bool) -> None:
        """`quantity` handed-over units came back to the store: returned to origin by the courier
        (never delivered), or returned by the customer."""
        self._refuse_beyond(quantity, self.handed_over_quantity - self.back_quantity, "take back")
        if to_origin:
            self.rto_quantity += quantity
        else:
            self.returned_quantity += quantity

    def reaches_customer(self) -> bool:
        """Some of it is, or will be, with the customer: open, or handed over and not returned
        to origin."""
        return self.open_quantity > 0 or self.handed_over_quantity > self.rto_quantity

    def _refuse_beyond(self, quantity: int, available: int, doing: str) -> None:
        if not 0 < quantity <= available:
            raise InvalidInput(f"{self.sku}: cannot {doing} {quantity}; {available} can be.")

    def derive_status(self) -> str:
        if self.handed_over_quantity + self.cancelled_quantity >= self.quantity:
            return ItemStatus.COMPLETE if self.handed_over_quantity else ItemStatus.CANCELLED
        if self.handed_over_quantity:
            return ItemStatus.PARTIALLY_COMPLETE
        return ItemStatus.PENDING

    @transition(
        field=status,
        source=[ItemStatus.PENDING, ItemStatus.PARTIALLY_COMPLETE],
        target=RETURN_VALUE(*ItemStatus.values),
        custom={"timeline": "Updated from the quantities handed over or cancelled"},
    )
    def follow_quantities(self):
        """Move to the state its handed-over and cancelled quantities imply."""
        return self.derive_status()
