"""The people who buy from the store."""

from decimal import Decimal

from django.db import models
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower

from purchases.models import Purchase, PurchaseStatus
from webstore.india import normalise_mobile, validate_mobile

# Purchases that were never placed or were refused do not count as the customer's spending.
UNSPENT_STATES = [
    PurchaseStatus.IN_CHECKOUT,
    PurchaseStatus.FROZEN,
    PurchaseStatus.FRAUD_DENIED,
    PurchaseStatus.CANCELLED,
]
MIN_MOBILE_DIGITS = 3


class CustomerQuerySet(models.QuerySet):
    def search(self, text: str):
        """Customers whose name or email contains `text`, or whose mobile contains its digits."""
        text = (text or "").strip()
        if not text:
            return self
        match = Q(name__icontains=text) | Q(email__icontains=text)
        digits = normalise_mobile(text)
        if len(digits) >= MIN_MOBILE_DIGITS and not any(c.isalpha() for c in text):
            match |= Q(mobile__contains=digits)
        return self.filter(match)

    def with_purchase_totals(self):
        """Each customer's purchase count, amount spent and last purchase, as correlated subqueries
        so that a page of customers costs one query however many purchases there are."""
        theirs = Purchase.objects.filter(customer=OuterRef("pk")).order_by()
        counted = theirs.exclude(status__in=UNSPENT_STATES)
        money = DecimalField(max_digits=14, decimal_places=2)
        return self.annotate(
            purchase_count=Coalesce(
                Subquery(theirs.values("customer").annotate(n=Count("pk")).values("n")), 0
            ),
            amount_spent=Coalesce(
                Subquery(
                    counted.values("customer").annotate(total=Sum("grand_total")).values("total"),
                    output_field=money,
                ),
                Value(Decimal("0"), output_field=money),
            ),
            last_placed_at=Subquery(theirs.order_by("-placed_at").values("placed_at")[:1]),
        )


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    mobile = models.CharField(max_length=10, validators=[validate_mobile], db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="customer_name_lower")]

    def __str__(self) -> str:
        return self.name
