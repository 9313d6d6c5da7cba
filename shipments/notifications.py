"""Email to the customer when a parcel leaves the store, sent by the background worker."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from configuration.models import StoreProfile

from .models import Shipment

HANDOVER_TEMPLATE = "email/shipment_handed_over.txt"


def handover_subject(purchase) -> str:
    """The subject line of the handover email (CONTENT › Customer Emails shows it too)."""
    return f"Your order {purchase.number} is on its way"


def store_sender() -> tuple[str, list[str]]:
    """Who a customer email is from: the store's name on the address the mail server sends from
    (DEFAULT_FROM_EMAIL), and the store's own email to reply to."""
    try:
        store = StoreProfile.objects.current()
    except StoreProfile.DoesNotExist:
        return settings.DEFAULT_FROM_EMAIL, []
    return (
        formataddr((store.display_name, settings.DEFAULT_FROM_EMAIL)),
        [store.email] if store.email else [],
    )


@task()
def send_handover_email(*, shipment_id: int) -> None:
    """Tell the customer which courier has the parcel, its AWB and where to track it."""
    shipment = Shipment.objects.select_related("agent", "purchase__customer").get(pk=shipment_id)
    customer = shipment.purchase.customer
    context = {"shipment": shipment, "purchase": shipment.purchase, "customer": customer}
    from_email, reply_to = store_sender()
    EmailMessage(
        subject=handover_subject(shipment.purchase),
        body=render_to_string(HANDOVER_TEMPLATE, context),
        from_email=from_email,
        to=[customer.email],
        reply_to=reply_to,
    ).send()
