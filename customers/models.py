"""The people who buy from the store."""

import re
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Lower

from core.india import (
    gst_state_label,
    normalise_mobile,
    to_paise,
    validate_gstin,
    validate_mobile,
)
from purchases.models import Item, Purchase, PurchaseStatus

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


SPENT = Sum("grand_total", filter=~Q(status__in=UNSPENT_STATES))  # placed, not refused or cancelled


def amounts_cancelled(customer_ids) -> dict[int, Decimal]:
    """What the items cancelled on each customer's purchases still counted as spent were worth,
    tax included (own items, before or after invoicing, and Infibeam's): spending is SPENT less
    this. One query, for the few cancelled lines."""
    counted = Purchase.objects.filter(customer__in=customer_ids).exclude(status__in=UNSPENT_STATES)
    fields = ("unit_price", "quantity", "discount", "gst_rate", "cancelled_quantity")
    rows = Item.objects.filter(
        purchase__in=counted.values("pk"), cancelled_quantity__gt=0
    ).values_list("purchase__customer", *fields)
    totals: dict[int, Decimal] = {}
    for customer, *values in rows:
        item = Item(**dict(zip(fields, values, strict=True)))
        worth = item.value_of(item.cancelled_quantity)
        totals[customer] = totals.get(customer, Decimal("0")) + worth
    return {customer: to_paise(total) for customer, total in totals.items()}


def attach_purchase_totals(customers) -> None:
    """Set purchase_count, amount_spent, first_placed_at and last_placed_at on each customer, in
    two queries."""
    customers = list(customers)
    ids = [c.pk for c in customers]
    totals = {
        row["customer"]: row
        for row in Purchase.objects.filter(customer__in=ids)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"), spent=SPENT, first=Min("placed_at"), last=Max("placed_at"))
    }
    cancelled = amounts_cancelled(ids)
    for customer in customers:
        row = totals.get(customer.pk, {})
        customer.purchase_count = row.get("n", 0)
        spent = row.get("spent") or Decimal("0")
        customer.amount_spent = spent - cancelled.get(customer.pk, Decimal("0"))
        customer.first_placed_at = row.get("first")
        customer.last_placed_at = row.get("last")


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(db_index=True)
    mobile = models.CharField(max_length=10, validators=[validate_mobile], db_index=True)
    # CGST rule 46(e): a registered recipient's GSTIN is printed on their tax invoices.
    gstin = models.CharField(
        "GSTIN",
        max_length=15,
        blank=True,
        default="",
        db_default="",
        validators=[validate_gstin],
        help_text="Only for a customer registered for GST; empty otherwise.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="customer_name_lower")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Save, and keep the words of the name that search reads (CustomerNameWord) with it."""
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or "name" in update_fields:
                self.name_words.all().delete()
                CustomerNameWord.objects.bulk_create(
                    CustomerNameWord(customer=self, word=word) for word in name_words(self.name)
                )

    def gstin_state_label(self) -> str:
        """'29 Karnataka': where the GSTIN is registered (its first two digits), or ''."""
        return gst_state_label(self.gstin[:2])


NAME_WORD_MAX_LENGTH = 60


# What separates the words of a name. Splitting at what is not a letter instead would cut a name in
# an Indian script apart at its vowel signs and viramas (which are marks, not letters).
NAME_WORD_SEPARATORS = re.compile(r"[\s\-.,;:'’\"/\\_()&@+]+")


def name_words(name: str) -> list[str]:
    """The words of a name as a search matches them: lower-case, split at spaces, hyphens, dots
    and other punctuation ('Subramaniam-Krishnamurthy' gives both halves), each once."""
    words = NAME_WORD_SEPARATORS.split(name.lower())
    return list(dict.fromkeys(word[:NAME_WORD_MAX_LENGTH] for word in words if word))


class CustomerNameWord(models.Model):
    """Each word of a customer's name, so that Manage Purchases finds a customer by any of them
    (the surname said on the phone) through an index, as it finds the start of the whole name.
    Customer.save() keeps them; code that writes customers in bulk writes these too."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="name_words")
    word = models.CharField(max_length=NAME_WORD_MAX_LENGTH)

    class Meta:
        indexes = [models.Index(fields=["word"], name="customer_name_word")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "word"], name="customer_name_word_once")
        ]

    def __str__(self) -> str:
        return self.word
