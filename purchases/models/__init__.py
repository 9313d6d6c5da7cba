"""Purchases, their items, addresses, invoices and the append-only audit timeline.

The state machines live here as fields and transition methods; everything a transition causes
(audit entries, email, documents) is done by the rules in `rules.py`, called by `services.py`.
"""

from .address import Address
from .documents import CreditNote, DocumentKind, DocumentSeries, Invoice
from .item import Item, ItemQuerySet
from .progress import FulfilmentProgress
from .purchase import Purchase
from .purchase_queries import PurchaseQuerySet
from .refunds import Refund, RefundQuerySet, RefundStatus
from .states import (
    ASSIGNABLE_STATES,
    CANCELLABLE_STATES,
    FOLLOWING_STATES,
    NOT_SOLD_STATES,
    ItemStatus,
    PartnerStatus,
    PaymentMethod,
    PurchaseKind,
    PurchaseStatus,
)
from .timeline import REASON_MAX_LENGTH, AuditEntry, AuditEntryQuerySet

__all__ = [
    "ASSIGNABLE_STATES",
    "CANCELLABLE_STATES",
    "FOLLOWING_STATES",
    "NOT_SOLD_STATES",
    "REASON_MAX_LENGTH",
    "Address",
    "AuditEntry",
    "AuditEntryQuerySet",
    "CreditNote",
    "DocumentKind",
    "DocumentSeries",
    "FulfilmentProgress",
    "Invoice",
    "Item",
    "ItemQuerySet",
    "ItemStatus",
    "PartnerStatus",
    "PaymentMethod",
    "Purchase",
    "PurchaseKind",
    "PurchaseQuerySet",
    "PurchaseStatus",
    "Refund",
    "RefundQuerySet",
    "RefundStatus",
]
