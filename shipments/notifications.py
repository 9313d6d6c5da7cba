"""Email to the customer when a parcel leaves the store, sent by the background worker."""

from django_tasks import task

from configuration.mail import send_to_customer

from .models import Shipment

HANDOVER_TEMPLATE = "email/shipment_handed_over.txt"


def handover_subject(purchase) -> str:
    """The subject line of the handover email (CONTENT › Customer Emails shows it too)."""
    return f"Your order {purchase.number} is on its way"


@task()
def send_handover_email(*, shipment_id: int) -> None:
    """Tell the customer which courier has the parcel, its AWB and where to track it."""
    shipment = Shipment.objects.select_related("agent", "purchase__customer").get(pk=shipment_id)
    customer = shipment.purchase.customer
    context = {"shipment": shipment, "purchase": shipment.purchase, "customer": customer}
    send_to_customer(
        to=customer.email,
        subject=handover_subject(shipment.purchase),
        template=HANDOVER_TEMPLATE,
        context=context,
    )
