"""The emails the store sends its customers, rendered as a customer would receive them."""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string

from customers.models import Customer
from purchases.models import Item, Purchase, PurchaseStatus
from purchases.notifications import CONFIRMATION_TEMPLATE, confirmation_subject
from shipments.models import Shipment, ShippingAgent
from shipments.notifications import HANDOVER_TEMPLATE, handover_subject

from .mail import store_sender

SAMPLE_AWB = "12345678901"
NOT_CONFIRMED = [PurchaseStatus.IN_CHECKOUT, PurchaseStatus.FROZEN]


@dataclass(frozen=True)
class EmailPreview:
    title: str
    sent_when: str
    template_name: str
    from_email: str
    to: str
    subject: str
    body: str
    example_of: str  # the real shipment or purchase shown, or "" when sample values are used
    shown_as: str  # that, in a sentence for the page


def _sample_shipment() -> Shipment:
    """Unsaved, clearly made-up values for a store that has not handed over a parcel yet."""
    customer = Customer(name="Ananya Iyer (sample)", email="ananya.sample@example.in")
    purchase = Purchase(number="WS-SAMPLE", customer=customer)
    agent = ShippingAgent.objects.active().order_by("name").first() or ShippingAgent(
        name="Blue Dart", tracking_url_template="https://www.bluedart.com/tracking?awb={awb}"
    )
    return Shipment(purchase=purchase, agent=agent, awb=SAMPLE_AWB)


def handover_email_preview() -> EmailPreview:
    """The 'handed over to the courier' email for the latest handed-over shipment, else a sample."""
    shipment = (
        Shipment.objects.filter(handed_over_at__isnull=False, awb__isnull=False)
        .select_related("agent", "purchase__customer")
        .order_by("-handed_over_at", "-id")
        .first()
    )
    example_of = shipment.reference if shipment else ""
    shipment = shipment or _sample_shipment()
    purchase = shipment.purchase
    customer = purchase.customer
    context = {"shipment": shipment, "purchase": purchase, "customer": customer}
    return EmailPreview(
        title="Handed over to the courier",
        sent_when="When a parcel is handed over to the courier: one email per shipment, "
        "with the courier, the AWB number and the tracking link.",
        template_name=HANDOVER_TEMPLATE,
        from_email=_sender_line(),
        to=f"{customer.name} <{customer.email}>",
        subject=handover_subject(purchase),
        body=render_to_string(HANDOVER_TEMPLATE, context),
        shown_as=(
            f"Shown as sent for the latest parcel handed over, shipment {example_of}."
            if example_of
            else "Sample values: no parcel has been handed over yet, so the customer, order "
            "number and AWB below are made up."
        ),
        example_of=example_of,
    )


def confirmation_email_preview() -> EmailPreview:
    """The 'order confirmed' email for the latest confirmed purchase, else a sample."""
    purchase = (
        Purchase.objects.exclude(status__in=NOT_CONFIRMED)
        .select_related("customer", "shipping_address")
        .order_by("-placed_at", "-id")
        .first()
    )
    items = list(purchase.items.order_by("line_number")) if purchase else []
    if purchase is None:
        purchase = _sample_shipment().purchase
        purchase.grand_total = Decimal("1454.88")
        items = [Item(name="Men's Cotton Kurta (sample)", quantity=1)]
    customer = purchase.customer
    context = {"purchase": purchase, "customer": customer, "items": items}
    return EmailPreview(
        title="Order confirmed",
        sent_when="When a purchase is confirmed: its payment captured, or cash on delivery "
        "accepted.",
        template_name=CONFIRMATION_TEMPLATE,
        from_email=_sender_line(),
        to=f"{customer.name} <{customer.email}>",
        subject=confirmation_subject(purchase),
        body=render_to_string(CONFIRMATION_TEMPLATE, context),
        shown_as=(
            f"Shown as sent for the latest confirmed purchase, {purchase.number}."
            if purchase.pk
            else "Sample values: no purchase has been confirmed yet, so the customer and order "
            "below are made up."
        ),
        example_of=purchase.number if purchase.pk else "",
    )


def _sender_line() -> str:
    from_email, reply_to = store_sender()
    return f"{from_email} (replies to {reply_to[0]})" if reply_to else from_email


def customer_email_previews() -> list[EmailPreview]:
    return [handover_email_preview(), confirmation_email_preview()]
