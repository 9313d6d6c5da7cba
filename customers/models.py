"""The people who buy from the store."""

import re

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from core.india import gst_state_label, normalise_mobile, validate_gstin, validate_mobile

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
