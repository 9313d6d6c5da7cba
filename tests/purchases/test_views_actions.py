"""The purchase page's actions: one POST view per kind, CSRF, the service decides, a refusal says
why and changes nothing, a second submit of the same button has no second effect."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from purchases import services as purchase_services
from purchases.models import AuditEntry, CreditNote, Invoice, Purchase, PurchaseStatus
from purchases.services import open_quantities_signature
from shipments import services as shipment_services
from shipments.models import ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


def transition_url(purchase):
    return reverse("purchases:purchase-transition", args=[purchase.pk])


def cancel_url(purchase):
    return reverse("purchases:purchase-cancel", args=[purchase.pk])


def said(response) -> str:
    """The message this response left for the next page (earlier ones may still be queued)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def status_of(purchase) -> str:
    return Purchase.objects.values_list("status", flat=True).get(pk=purchase.pk)


def cancel_form(purchase, **data):
    own_open = [item for item in purchase.items.own() if item.open_quantity]
    return {"seen": open_quantities_signature(own_open), "scope": "whole", **data}


@pytest.fixture
def confirmed(store):
    return factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=2, quantity=3)


def test_approve_fraud_then_a_second_submit_says_already(client, staff, confirmed):
    client.force_login(staff)
    first = client.post(transition_url(confirmed), {"transition": "approve_fraud"})
    assert first.status_code == 302
    assert first.url == reverse("purchases:purchase-detail", args=[confirmed.pk])
    assert said(first) == f"{confirmed.number}: done, now Fraud Approved."
    second = client.post(transition_url(confirmed), {"transition": "approve_fraud"})
    assert said(second) == f"{confirmed.number} is already Fraud Approved; nothing more was done."
    assert status_of(confirmed) == PurchaseStatus.FRAUD_APPROVED
    assert AuditEntry.objects.filter(purchase=confirmed, action="Approve fraud check").count() == 1


def test_deny_needs_a_reason_and_keeps_it(client, staff, confirmed):
    client.force_login(staff)
    refused = client.post(transition_url(confirmed), {"transition": "deny_fraud", "reason": " "})
    assert said(refused) == "Say why you deny the fraud check."
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED
    client.post(transition_url(confirmed), {"transition": "deny_fraud", "reason": "Stolen card"})
    assert status_of(confirmed) == PurchaseStatus.FRAUD_DENIED
    entry = AuditEntry.objects.get(purchase=confirmed, action="Deny fraud check")
    assert entry.reason == "Stolen card" and entry.actor == staff


def test_issue_invoice_twice_issues_one_invoice(client, staff, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    client.force_login(staff)
    client.post(transition_url(purchase), {"transition": "issue_invoice"})
    second = client.post(transition_url(purchase), {"transition": "issue_invoice"})
    assert Invoice.objects.filter(purchase=purchase).count() == 1
    assert "already Invoiced" in said(second)


def test_an_overlong_reason_is_refused_with_the_reason(client, staff, confirmed):
    client.force_login(staff)
    data = {"transition": "deny_fraud", "reason": "x" * 1001}
    response = client.post(transition_url(confirmed), data)
    assert "at most 1000 characters" in said(response) and "Nothing was done" in said(response)
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED


def test_a_transition_not_allowed_now_is_refused_with_the_reason(client, staff, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.COMPLETE)
    client.force_login(staff)
    response = client.post(transition_url(purchase), {"transition": "approve_fraud"})
    assert said(response) == f"{purchase.number}: cannot approve fraud check while Complete."
    assert status_of(purchase) == PurchaseStatus.COMPLETE


@pytest.mark.parametrize("name", ["cancel", "follow_fulfilment", "confirm", "delete", "", "x" * 80])
def test_only_the_page_s_transitions_are_accepted(client, owner, confirmed, name):
    client.force_login(owner)
    response = client.post(transition_url(confirmed), {"transition": name})
    assert said(response) == "That is not an action of a purchase; nothing was done."
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED


def test_viewer_may_not_post_any_action(client, viewer, confirmed):
    client.force_login(viewer)
    assert (
        client.post(transition_url(confirmed), {"transition": "approve_fraud"}).status_code == 403
    )
    forged = cancel_form(confirmed, reason="forged")
    assert client.post(cancel_url(confirmed), forged).status_code == 403
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED
    assert not AuditEntry.objects.filter(purchase=confirmed).exists()


def test_staff_may_not_cancel_even_by_a_forged_post(client, staff, confirmed):
    client.force_login(staff)
    response = client.post(cancel_url(confirmed), cancel_form(confirmed, reason="forged"))
    assert response.status_code == 403
    assert "Owner" in response.content.decode()
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED


def test_actions_need_post_and_csrf(owner, confirmed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(transition_url(confirmed)).status_code == 405
    assert client.get(cancel_url(confirmed)).status_code == 405
    no_token = client.post(transition_url(confirmed), {"transition": "approve_fraud"})
    assert no_token.status_code == 403
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED


def test_actions_on_an_unknown_purchase_are_404(client, owner, store):
    client.force_login(owner)
    assert (
        client.post("/purchases/987654/transition/", {"transition": "approve_fraud"}).status_code
        == 404
    )
    assert client.post("/purchases/987654/cancel/", {"reason": "x"}).status_code == 404


def test_owner_cancels_the_whole_purchase_once(client, owner, confirmed):
    client.force_login(owner)
    form = cancel_form(confirmed, reason="Customer asked on the phone")
    first = client.post(cancel_url(confirmed), form)
    assert said(first) == f"{confirmed.number}: cancelled; now Cancelled."
    assert status_of(confirmed) == PurchaseStatus.CANCELLED
    second = client.post(cancel_url(confirmed), form)  # a double click sends the same page again
    assert said(second) == f"{confirmed.number} is already Cancelled; nothing more was done."
    entries = AuditEntry.objects.filter(purchase=confirmed, action="Cancel purchase")
    assert entries.count() == 1 and entries.get().reason == "Customer asked on the phone"
    page = client.get(reverse("purchases:purchase-detail", args=[confirmed.pk])).content.decode()
    assert "Customer asked on the phone" in page


def test_owner_cancels_chosen_quantities_and_a_resubmit_changes_nothing(client, owner, confirmed):
    first_item, second_item = confirmed.items.order_by("line_number")
    client.force_login(owner)
    form = cancel_form(
        confirmed, reason="One was damaged", scope="items", **{f"quantity_{first_item.pk}": "1"}
    )
    client.post(cancel_url(confirmed), form)
    first_item.refresh_from_db()
    second_item.refresh_from_db()
    assert (first_item.cancelled_quantity, second_item.cancelled_quantity) == (1, 0)
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED
    again = client.post(cancel_url(confirmed), form)
    assert "changed since the page was shown" in said(again)
    first_item.refresh_from_db()
    assert first_item.cancelled_quantity == 1


def test_cancel_refuses_bad_quantities_and_a_missing_reason(client, owner, confirmed):
    item = confirmed.items.order_by("line_number").first()
    client.force_login(owner)
    too_many = cancel_form(confirmed, reason="x", scope="items", **{f"quantity_{item.pk}": "9"})
    assert "less than or equal to 3" in said(client.post(cancel_url(confirmed), too_many))
    nothing = cancel_form(confirmed, reason="x", scope="items")
    assert "Enter how many of which items" in said(client.post(cancel_url(confirmed), nothing))
    # A quantity typed while "everything" is chosen: a slip of the hand, and nothing is cancelled.
    mixed = cancel_form(confirmed, reason="x", scope="whole", **{f"quantity_{item.pk}": "1"})
    assert "You typed quantities but chose" in said(client.post(cancel_url(confirmed), mixed))
    no_reason = cancel_form(confirmed, reason="")
    assert "Nothing was done" in said(client.post(cancel_url(confirmed), no_reason))
    not_a_number = cancel_form(
        confirmed, reason="x", scope="items", **{f"quantity_{item.pk}": "two"}
    )
    assert "whole number" in said(client.post(cancel_url(confirmed), not_a_number))
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED
    item.refresh_from_db()
    assert item.cancelled_quantity == 0


def test_a_refused_cancel_form_comes_back_with_what_was_typed(client, owner, confirmed):
    item = confirmed.items.order_by("line_number").first()
    client.force_login(owner)
    typed = cancel_form(confirmed, reason="", scope="items", **{f"quantity_{item.pk}": "1"})
    page = said(client.post(cancel_url(confirmed), typed))
    assert "Reason: This field is required." in page  # says which field
    html = client.get(reverse("purchases:purchase-detail", args=[confirmed.pk])).content.decode()
    assert '<details class="cancel-box" open>' in html
    assert f'name="quantity_{item.pk}" value="1"' in html
    chosen = [
        tag
        for tag in re.findall(r'<input type="radio" name="scope"[^>]*>', html)
        if "checked" in tag
    ]
    assert len(chosen) == 1 and 'value="items"' in chosen[0]
    again = client.get(reverse("purchases:purchase-detail", args=[confirmed.pk])).content.decode()
    assert '<details class="cancel-box" open>' not in again  # shown once
    assert status_of(confirmed) == PurchaseStatus.CONFIRMED


def test_cancel_after_invoicing_issues_a_credit_note(client, owner, staff, agent, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=1)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    client.force_login(owner)
    client.post(cancel_url(purchase), cancel_form(purchase, reason="Out of stock"))
    assert status_of(purchase) == PurchaseStatus.CANCELLED
    note = CreditNote.objects.get(invoice__purchase=purchase)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED
    page = client.get(reverse("purchases:purchase-detail", args=[purchase.pk])).content.decode()
    assert note.number in page and "Credit note" in page
    # The payment card says what was credited and what the invoices come to after it.
    invoice = purchase.invoices.get()
    assert f'Credit notes</dt><dd class="num">−₹{note.grand_total:,.2f}' in page
    left = invoice.grand_total - note.grand_total
    assert f'Invoiced, less credit notes</dt><dd class="num total">₹{left:,.2f}' in page


def test_cancel_refused_once_everything_is_handed_over(client, owner, staff, agent, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=1)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    stale = cancel_form(purchase, reason="Too late")  # the page drawn before the handover
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    client.force_login(owner)
    response = client.post(cancel_url(purchase), stale)
    assert "Nothing was done" in said(response)
    assert status_of(purchase) == PurchaseStatus.COMPLETE
