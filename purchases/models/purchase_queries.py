"""Reads of purchases: the work queues, Manage Purchases' search and its tab counts.

Every read here is answered by an index, whatever the store's size (see purchases/README.md).
"""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Lower

from core.india import MOBILE_RE, normalise_mobile
from customers.models import Customer, CustomerNameWord, name_words
from shipments.models import Shipment

from .address import Address
from .documents import CreditNote, Invoice
from .item import Item
from .states import ASSIGNABLE_STATES, PurchaseKind, PurchaseStatus


def own_items_open() -> Q:
    """A purchase's own items are not all handed over or cancelled (see with_own_items)."""
    open_own = Item.objects.own().open().filter(purchase=models.OuterRef("pk"))
    return Q(kind=PurchaseKind.OWN) | (Q(kind=PurchaseKind.MIXED) & models.Exists(open_own))


class PurchaseQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("customer", "shipping_address")

    def with_own_items(self):
        """Purchases with own quantities still open (a mixed purchase whose own items were all
        cancelled or handed over waits only for the partner, so it leaves the own queues)."""
        return self.filter(own_items_open())

    def awaiting_fraud_review(self):
        return self.with_own_items().filter(status=PurchaseStatus.CONFIRMED)

    def awaiting_invoice(self):
        return self.with_own_items().filter(status=PurchaseStatus.FRAUD_APPROVED)

    def awaiting_agent(self):
        """Invoiced purchases, and partly handed over ones with own quantities not in a shipment
        (which have open own items by that very fact, so only the invoiced are asked)."""
        unassigned = Item.objects.own().unassigned().filter(purchase=models.OuterRef("pk"))
        # The plain status IN term lets SQLite reach the rows through the (kind, status) index
        # instead of walking every own purchase (118 ms → 2 ms at 100,000 purchases); asking each
        # kind of row only its own question made the count three times cheaper again.
        return self.filter(status__in=ASSIGNABLE_STATES).filter(
            (Q(status=PurchaseStatus.INVOICED) & own_items_open())
            | (Q(status=PurchaseStatus.PARTIALLY_COMPLETE) & models.Exists(unassigned))
        )

    def for_detail(self):
        return self.select_related("customer", "billing_address", "shipping_address", "channel")

    # -- Manage Purchases: every read below is answered by an index, whatever the store's size --

    def search(self, text: str):
        """Purchases found by number (or its start, or its digits alone), customer name (its start,
        or one word alone: the start of any word of it, 'kulkarni'), email (its start), customer or
        ship-to mobile (+91 and spaces ignored), a shipment's AWB or reference, or the number of
        an invoice or credit note."""
        text = " ".join((text or "").split())[:SEARCH_MAX_LENGTH]
        if not text:
            return self
        token = text.replace(" ", "").upper()
        match = Q(number=token)
        if len(token) >= NUMBER_PREFIX_MIN:
            match |= starting_with("number", token)
        if token.isdigit():
            match |= Q(number=self._number_letters() + token)
        shipments = Shipment.objects.filter(Q(awb=token) | Q(reference=token))
        match |= Q(pk__in=shipments.values("purchase_id"))
        if "/" in token:  # invoice and credit note numbers: WS/26-27/000123
            match |= Q(pk__in=Invoice.objects.filter(number=token).values("purchase_id"))
            notes = CreditNote.objects.filter(number=token).values("invoice__purchase_id")
            match |= Q(pk__in=notes)
        lowered = text.lower()
        customers = starting_with("name_lower", lowered) | Q(email=lowered)
        if len(lowered) >= EMAIL_PREFIX_MIN:
            customers |= starting_with("email", lowered)
        words = name_words(text)
        # One word of at least three letters: also the start of any word of the name (the surname
        # said on the phone). Two or more words match the start of the whole name, as typed:
        # intersecting each word's customers cost 1.5 ms more at 100,000 purchases.
        one_word = len(words) == 1 and words[0] == lowered  # not 'priya@' nor 'ws1002'
        if one_word and len(lowered) >= NAME_WORD_MIN and not any(c.isdigit() for c in text):
            having = CustomerNameWord.objects.filter(starting_with("word", words[0]))
            customers |= Q(pk__in=having.values("customer_id"))
        mobile = normalise_mobile(text)
        if MOBILE_RE.match(mobile) and not any(c.isalpha() for c in text):
            customers |= Q(mobile=mobile)
            match |= Q(shipping_address__in=Address.objects.filter(mobile=mobile).values("pk"))
        found = Customer.objects.alias(name_lower=Lower("name")).filter(customers)
        return self.filter(match | Q(customer__in=found.values("pk")))

    def _number_letters(self) -> str:
        """What the store's purchase numbers start with before their digits ('WS' of WS100297), read
        from the newest one, so '100297' typed alone finds WS100297."""
        newest = (
            self.model._default_manager.order_by("-pk").values_list("number", flat=True).first()
            or ""
        )
        return newest.rstrip("0123456789")

    def shipped_by(self, agent):
        """Purchases with a shipment (in any state) carried by `agent`."""

        return self.filter(Exists(Shipment.objects.filter(purchase=OuterRef("pk"), agent=agent)))

    def for_export(self):

        return self.select_related("customer", "shipping_address").prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.select_related("agent").order_by("id"))
        )

    def list_rows(self):
        """What a row of Manage Purchases shows, as named tuples: building model instances for
        a page of rows would cost more than finding them."""
        return self.values_list(
            "pk",
            "number",
            "placed_at",
            "status",
            "kind",
            "partner_status",
            "payment_method",
            "grand_total",
            "customer__name",
            "customer__mobile",
            "shipping_address__city",
            "shipping_address__pin_code",
            named=True,
        )


SEARCH_MAX_LENGTH = 100
NAME_WORD_MIN = 3
NUMBER_PREFIX_MIN = 4
EMAIL_PREFIX_MIN = 3


def starting_with(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range a plain index answers (SQLite's LIKE cannot)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return Q(**{f"{field}__gte": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + chr(last + 1)})
