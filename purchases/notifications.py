"""Email to the customer when a purchase is confirmed (paid, or cash on delivery accepted), sent
by the background worker."""

from django_tasks import task

from configuration.mail import send_to_customer

from .models import Purchase

CONFIRMATION_TEMPLATE = "email/purchase_confirmed.txt"


def confirmation_subject(purchase: Purchase) -> str:
    return f"We have your order {purchase.number}"


@task()
def send_confirmation_email(*, purchase_id: int) -> None:
    """Tell the customer the order is confirmed: what they bought, what it comes to, and how
    they pay (paid already, or cash to the courier)."""
    purchase = Purchase.objects.select_related("customer", "shipping_address").get(pk=purchase_id)
    context = {
        "purchase": purchase,
        "customer": purchase.customer,
        "items": list(purchase.items.order_by("line_number")),
    }
    send_to_customer(
        to=purchase.customer.email,
        subject=confirmation_subject(purchase),
        template=CONFIRMATION_TEMPLATE,
        context=context,
    )
