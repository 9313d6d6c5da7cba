"""Emails to customers, from the store: its name on the address the mail server sends from, and
replies to the store's own email. The emails themselves are the apps' (shipments/notifications.py,
purchases/notifications.py); CONTENT › Customer Emails shows them."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from .models import StoreProfile


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


def send_to_customer(*, to: str, subject: str, template: str, context: dict) -> None:
    """Render a customer email's template and send it from the store."""
    from_email, reply_to = store_sender()
    EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=from_email,
        to=[to],
        reply_to=reply_to,
    ).send()
