"""Payment events move a channel's purchase forward only, once each, in whatever order they come."""

import datetime as dt

import pytest
from django.core import mail

from catalog.models import Product
from channels.intake import order_receive
from channels.models import PaymentEvent, RefusedOrder
from channels.payments import payment_event_receive
from channels.schemas import PaymentEventIn
from purchases.models import Purchase, PurchaseStatus

from .conftest import order

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def event(kind: str, event_id: str = "", amount: str = "2797.76", minutes: int = 0):
    return PaymentEventIn.model_validate(
        {
            "event_id": event_id or f"pay-{kind}",
            "kind": kind,
            "amount": amount,
            "occurred_at": (AT + dt.timedelta(minutes=minutes)).isoformat(),
        }
    )


def pay(channel, *events):
    return [payment_event_receive(channel=channel, reference="SF-1001", event=e) for e in events]


def test_started_then_captured_confirms_and_marks_it_paid(
    channel, bedsheet, django_capture_on_commit_callbacks
):
    order_receive(channel=channel, order=order())
    with django_capture_on_commit_callbacks(execute=True):
        started, captured = pay(channel, event("started"), event("captured", minutes=1))

    assert (started.http_status, captured.http_status) == (200, 200)
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.CONFIRMED
    assert purchase.paid_at == AT + dt.timedelta(minutes=1)  # when the gateway captured it
    actions = list(purchase.audit_entries.order_by("id").values_list("action", "actor_name"))
    assert ("Payment started", "Web storefront") in actions
    assert ("Purchase confirmed", "Web storefront") in actions
    assert len(mail.outbox) == 1 and "paid" in mail.outbox[0].body


def test_a_failed_payment_cancels_it_and_gives_its_stock_back(channel, bedsheet):
    order_receive(channel=channel, order=order())
    (answer,) = pay(channel, event("failed"))

    assert answer.body["result"] == "applied"
    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.CANCELLED
    assert purchase.items.get().cancelled_quantity == 2
    assert Product.objects.get(pk=bedsheet.pk).committed == 0


def test_the_same_event_twice_is_applied_once_and_another_under_its_id_is_refused(
    channel, bedsheet
):
    order_receive(channel=channel, order=order())
    first, again, other = pay(
        channel, event("captured"), event("captured"), event("captured", amount="1.00")
    )
    assert (first.body["result"], again.body["result"]) == ("applied", "duplicate")
    assert (other.http_status, other.body["code"]) == (409, "event_id_reused")
    assert PaymentEvent.objects.count() == 1


def test_a_capture_before_its_order_waits_and_applies_when_the_order_arrives(channel, bedsheet):
    (early,) = pay(channel, event("captured"))
    assert (early.http_status, early.body["result"]) == (202, "waiting")
    assert not Purchase.objects.exists()

    order_receive(channel=channel, order=order())

    purchase = Purchase.objects.get()
    assert purchase.status == PurchaseStatus.CONFIRMED and purchase.paid_at is not None
    assert PaymentEvent.objects.get().purchase == purchase


def test_a_status_never_moves_back(channel, bedsheet):
    order_receive(channel=channel, order=order())
    captured, late_start, late_failure = pay(
        channel, event("captured"), event("started", minutes=-5), event("failed", minutes=5)
    )
    assert late_start.body["outcome"].startswith("No change")
    assert late_failure.body["outcome"].startswith("No change")
    assert Purchase.objects.get().status == PurchaseStatus.CONFIRMED


def test_a_capture_after_the_payment_failed_is_refused_to_be_refunded(channel, bedsheet):
    order_receive(channel=channel, order=order())
    _, capture = pay(channel, event("failed"), event("captured", minutes=1))
    assert (capture.http_status, capture.body["code"]) == (409, "purchase_cancelled")
    assert RefusedOrder.objects.get().code == "purchase_cancelled"


def test_another_amount_or_cash_on_delivery_is_refused(channel, bedsheet):
    order_receive(channel=channel, order=order())
    (wrong,) = pay(channel, event("captured", amount="2797.00"))
    assert (wrong.http_status, wrong.body["code"]) == (422, "amount_mismatch")
    assert Purchase.objects.get().paid_at is None

    order_receive(channel=channel, order=order(reference="SF-2", payment_method="cod"))
    cod = payment_event_receive(channel=channel, reference="SF-2", event=event("captured", "c2"))
    assert (cod.http_status, cod.body["code"]) == (409, "cash_on_delivery")
    assert Purchase.objects.get(external_reference="SF-2").paid_at is None
