"""A purchase and its state machines: the own-products flow, and the partner's part."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from core.permissions import CANCEL, FULFIL

from .address import Address
from .progress import FulfilmentProgress
from .purchase_queries import PurchaseQuerySet
from .states import (
    ASSIGNABLE_STATES,
    CANCELLABLE_STATES,
    FOLLOWING_STATES,
    PartnerStatus,
    PaymentMethod,
    PurchaseKind,
    PurchaseStatus,
)

# A purchase's number: the store's letters, then 100,000 more than its id (WS100123).
NUMBER_PREFIX = "WS"
NUMBER_OFFSET = 100_000


class Purchase(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="purchases"
    )
    billing_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    shipping_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    kind = models.CharField(max_length=10, choices=PurchaseKind.choices)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, help_text="Taxable value")
    tax_total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_charge = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    placed_at = models.DateTimeField()
    # Where it came from: a sales channel and that channel's own order reference (the demo's and
    # older purchases have none); a channel's reference is a purchase at most once.
    channel = models.ForeignKey(
        "channels.SalesChannel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    external_reference = models.CharField(max_length=100, blank=True, default="")
    # When the payment gateway confirmed the money; cash on delivery stays unpaid until the
    # courier remits it.
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = FSMField(
        max_length=20,
        choices=PurchaseStatus.choices,
        default=PurchaseStatus.IN_CHECKOUT,
        protected=True,
    )
    partner_status = FSMField(
        max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.NONE, protected=True
    )

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        permissions = [
            ("fulfil_purchase", "Can fulfil purchases (fraud review, invoice, ship, hand over)"),
            ("cancel_purchase", "Can cancel purchases"),
            ("print_documents", "Can print invoices, slips and manifests"),
        ]
        indexes = [
            models.Index(fields=["status", "-placed_at"], name="purchase_status_placed"),
            models.Index(fields=["-placed_at", "-id"], name="purchase_placed"),
            models.Index(fields=["grand_total"], name="purchase_amount"),
            models.Index(fields=["kind", "status", "-placed_at"], name="purchase_kind_status"),
            models.Index(fields=["partner_status", "-placed_at"], name="purchase_partner_status"),
            models.Index(fields=["status", "grand_total"], name="purchase_status_amount"),
            models.Index(fields=["kind", "-placed_at"], name="purchase_kind_placed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PurchaseStatus.values), name="purchase_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(partner_status__in=PartnerStatus.values),
                name="purchase_partner_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PurchaseKind.values), name="purchase_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="purchase_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(grand_total__gte=0), name="purchase_total_not_negative"
            ),
            models.UniqueConstraint(
                fields=["channel", "external_reference"],
                condition=Q(channel__isnull=False),
                name="purchase_channel_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def number_for(pk: int) -> str:
        return f"{NUMBER_PREFIX}{NUMBER_OFFSET + pk}"

    # -- questions -------------------------------------------------------------------------

    def has_own_items(self) -> bool:
        return self.kind != PurchaseKind.INFIBEAM

    def has_open_own_items(self) -> bool:
        """Own quantities neither handed over nor cancelled: the own flow still has work."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("items")
        if prefetched is not None:  # a page holding the items (the purchase page) asks no query
            return any(item.is_own() and item.open_quantity > 0 for item in prefetched)
        return self.has_own_items() and self.items.own().open().exists()

    def has_partner_items(self) -> bool:
        return self.kind != PurchaseKind.OWN

    def is_cash_on_delivery(self) -> bool:
        return self.payment_method == PaymentMethod.COD

    def is_placed(self) -> bool:
        """Confirmed (paid, or cash on delivery accepted) and not refused as fraud: goods may go."""
        return self.status not in (
            PurchaseStatus.IN_CHECKOUT,
            PurchaseStatus.FROZEN,
            PurchaseStatus.FRAUD_DENIED,
        )

    def is_cancellable(self) -> bool:
        """Not Complete or Cancelled yet: it, or some of its own items, may be cancelled."""
        return self.status in CANCELLABLE_STATES

    def takes_couriers(self) -> bool:
        """Invoiced, and not every item handed over yet: couriers may be assigned to its items."""
        return self.status in ASSIGNABLE_STATES

    # -- the own-products flow -------------------------------------------------------------

    @transition(
        field=status,
        source=PurchaseStatus.IN_CHECKOUT,
        target=PurchaseStatus.FROZEN,
        custom={"timeline": "Payment started"},
    )
    def freeze_for_payment(self):
        """The customer started paying; the gateway has not confirmed yet."""

    @transition(
        field=status,
        source=[PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN],
        target=PurchaseStatus.CONFIRMED,
        custom={"timeline": "Purchase confirmed"},
    )
    def confirm(self):
        """Payment confirmed, or cash on delivery accepted."""

    @transition(
        field=status,
        source=[PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN],
        target=PurchaseStatus.CANCELLED,
        custom={"timeline": "Cancelled: payment failed or expired"},
    )
    def abandon(self):
        """The payment failed or expired before the purchase was placed."""

    @transition(
        field=status,
        source=PurchaseStatus.CONFIRMED,
        target=PurchaseStatus.FRAUD_APPROVED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Approve fraud check", "style": "primary"},
    )
    def approve_fraud(self):
        """The customer was checked and is genuine."""

    @transition(
        field=status,
        source=PurchaseStatus.CONFIRMED,
        target=PurchaseStatus.FRAUD_DENIED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Deny fraud check", "style": "danger", "needs_reason": True},
    )
    def deny_fraud(self):
        """The purchase was refused as fraudulent."""

    @transition(
        field=status,
        source=PurchaseStatus.FRAUD_APPROVED,
        target=PurchaseStatus.INVOICED,
        conditions=[has_open_own_items],
        permission=FULFIL,
        custom={"label": "Issue invoice", "style": "primary"},
    )
    def issue_invoice(self):
        """A tax invoice was issued for the own items."""

    @transition(
        field=status,
        source=FOLLOWING_STATES,
        target=RETURN_VALUE(*FOLLOWING_STATES, PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED),
        custom={"timeline": "Updated from its items and shipments"},
    )
    def follow_fulfilment(self, progress: FulfilmentProgress):
        """Move to the state that the items' and shipments' progress implies."""
        return self.derive_status(progress)

    @transition(
        field=status,
        source=CANCELLABLE_STATES,
        target=PurchaseStatus.CANCELLED,
        conditions=[has_own_items],  # only the partner cancels Infibeam items
        permission=CANCEL,
        custom={"label": "Cancel purchase", "style": "danger", "needs_reason": True},
    )
    def cancel(self):
        """Cancelled before completion."""

    def derive_status(self, progress: FulfilmentProgress) -> str:
        """The state the progress implies; the own flow keeps its state until it is invoiced."""
        own_flow_open = progress.own_unsettled > 0 and self.status in (
            PurchaseStatus.CONFIRMED,
            PurchaseStatus.FRAUD_APPROVED,
        )
        if own_flow_open:
            return self.status
        if progress.settled:
            return PurchaseStatus.COMPLETE if progress.handed_over else PurchaseStatus.CANCELLED
        if progress.handed_over:
            return PurchaseStatus.PARTIALLY_COMPLETE
        if progress.own_unsettled == 0:
            # Only the partner's items remain and none is reported yet: a partner-only purchase
            # stays Confirmed; one whose own items were cancelled after invoicing stays Invoiced.
            invoiced = self.status not in (PurchaseStatus.CONFIRMED, PurchaseStatus.FRAUD_APPROVED)
            return PurchaseStatus.INVOICED if invoiced else self.status
        if progress.own_unassigned:
            return PurchaseStatus.INVOICED
        if progress.shipments_awaiting_awb:
            return PurchaseStatus.AGENT_ASSIGNED
        return PurchaseStatus.SHIPPED

    # -- the partner's part ----------------------------------------------------------------

    @transition(
        field=partner_status,
        source="*",
        target=RETURN_VALUE(*PartnerStatus.values),
        custom={"timeline": "Updated from Infibeam's report"},
    )
    def follow_partner_reports(self, status: str):
        """Show the partner's part as the partner's latest reports imply."""
        return status
