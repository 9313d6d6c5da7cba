"""The states of purchases, their partner part and items, and the groups of states the rules use."""

from django.db import models


class PurchaseStatus(models.TextChoices):
    IN_CHECKOUT = "in_checkout", "In Checkout"
    FROZEN = "frozen", "Frozen"
    CONFIRMED = "confirmed", "Confirmed"
    FRAUD_APPROVED = "fraud_approved", "Fraud Approved"
    FRAUD_DENIED = "fraud_denied", "Fraud Denied"
    INVOICED = "invoiced", "Invoiced"
    AGENT_ASSIGNED = "agent_assigned", "Agent Assigned"
    SHIPPED = "shipped", "Shipped"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class PartnerStatus(models.TextChoices):
    """The partner's part of a purchase, as Infibeam reports it ('' when there is none)."""

    NONE = "", "No partner items"
    AWAITING = "awaiting", "Awaiting partner"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PARTIALLY_COMPLETE = "partially_complete", "Partially Complete"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class PurchaseKind(models.TextChoices):
    OWN = "own", "Own"
    INFIBEAM = "infibeam", "Infibeam"
    MIXED = "mixed", "Mixed"


class PaymentMethod(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    COD = "cod", "Cash on delivery"


# States from which the purchase's state follows its items and shipments.
FOLLOWING_STATES = [
    PurchaseStatus.CONFIRMED,
    PurchaseStatus.FRAUD_APPROVED,
    PurchaseStatus.INVOICED,
    PurchaseStatus.AGENT_ASSIGNED,
    PurchaseStatus.SHIPPED,
    PurchaseStatus.PARTIALLY_COMPLETE,
]
# States in which own quantities not yet in a shipment may be given to a courier.
ASSIGNABLE_STATES = (PurchaseStatus.INVOICED, PurchaseStatus.PARTIALLY_COMPLETE)
CANCELLABLE_STATES = [
    s for s in PurchaseStatus.values if s not in (PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED)
]
# Purchases never placed, refused as fraud, or cancelled: nothing of them counts as sold (a
# customer's spending, the discounts given).
NOT_SOLD_STATES = [
    PurchaseStatus.IN_CHECKOUT,
    PurchaseStatus.FROZEN,
    PurchaseStatus.FRAUD_DENIED,
    PurchaseStatus.CANCELLED,
]
