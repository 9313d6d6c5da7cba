"""Every allowed purchase transition, and refused ones for each role."""

import pytest
from django_fsm import TransitionNotAllowed as FsmTransitionNotAllowed

from core.exceptions import InvalidInput, RoleNotAllowed, TransitionNotAllowed
from purchases import services
from purchases.models import AuditEntry, Invoice, Purchase, PurchaseStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_status_cannot_be_set_by_assignment(confirmed_purchase):
    with pytest.raises(AttributeError):
        confirmed_purchase.status = PurchaseStatus.COMPLETE


def test_checkout_to_confirmed_through_payment(store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.IN_CHECKOUT)
    purchase.freeze_for_payment()
    assert purchase.status == PurchaseStatus.FROZEN
    purchase.confirm()
    assert purchase.status == PurchaseStatus.CONFIRMED


def test_confirm_refused_once_approved(store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    with pytest.raises(FsmTransitionNotAllowed):
        purchase.confirm()


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_fulfilling_roles_approve_fraud(confirmed_purchase, role, request):
    user = request.getfixturevalue(role)
    services.purchase_approve_fraud(purchase_id=confirmed_purchase.pk, user=user)
    confirmed_purchase.refresh_from_db()
    assert confirmed_purchase.status == PurchaseStatus.FRAUD_APPROVED
    entry = AuditEntry.objects.get(purchase=confirmed_purchase)
    assert (entry.from_state, entry.to_state, entry.actor) == ("confirmed", "fraud_approved", user)


def test_viewer_cannot_approve_fraud_and_nothing_changes(confirmed_purchase, viewer):
    with pytest.raises(RoleNotAllowed):
        services.purchase_approve_fraud(purchase_id=confirmed_purchase.pk, user=viewer)
    confirmed_purchase.refresh_from_db()
    assert confirmed_purchase.status == PurchaseStatus.CONFIRMED
    assert not AuditEntry.objects.exists()


def test_second_identical_approval_is_refused_and_harmless(confirmed_purchase, staff):
    services.purchase_approve_fraud(purchase_id=confirmed_purchase.pk, user=staff)
    with pytest.raises(TransitionNotAllowed):
        services.purchase_approve_fraud(purchase_id=confirmed_purchase.pk, user=staff)
    assert AuditEntry.objects.filter(purchase=confirmed_purchase).count() == 1


def test_deny_fraud_needs_a_reason(confirmed_purchase, staff):
    with pytest.raises(InvalidInput):
        services.purchase_deny_fraud(purchase_id=confirmed_purchase.pk, user=staff, reason="  ")
    services.purchase_deny_fraud(
        purchase_id=confirmed_purchase.pk, user=staff, reason="Stolen card"
    )
    confirmed_purchase.refresh_from_db()
    assert confirmed_purchase.status == PurchaseStatus.FRAUD_DENIED
    assert AuditEntry.objects.get().reason == "Stolen card"


def test_invoice_refused_before_fraud_approval(confirmed_purchase, staff):
    with pytest.raises(TransitionNotAllowed):
        services.purchase_issue_invoice(purchase_id=confirmed_purchase.pk, user=staff)
    assert not Invoice.objects.exists()


def test_issue_invoice_numbers_from_this_years_series(store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.INVOICED
    assert invoice.number.startswith("WS/") and invoice.number.endswith("/000001")
    assert len(invoice.number) <= 16


def test_staff_cannot_cancel(confirmed_purchase, staff):
    with pytest.raises(RoleNotAllowed):
        services.purchase_cancel(
            purchase_id=confirmed_purchase.pk, user=staff, reason="Customer asked"
        )
    confirmed_purchase.refresh_from_db()
    assert confirmed_purchase.status == PurchaseStatus.CONFIRMED


def test_owner_cancels_before_invoicing(confirmed_purchase, owner):
    services.purchase_cancel(purchase_id=confirmed_purchase.pk, user=owner, reason="Customer asked")
    confirmed_purchase.refresh_from_db()
    assert confirmed_purchase.status == PurchaseStatus.CANCELLED
    assert all(item.status == "cancelled" for item in confirmed_purchase.items.all())


def test_cancel_after_invoicing_issues_a_credit_note(store, owner, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    services.purchase_cancel(purchase_id=purchase.pk, user=owner, reason="Out of stock")
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CANCELLED
    note = invoice.credit_notes.get()
    assert note.number.startswith("CN/") and note.grand_total == invoice.grand_total
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_cancel_refused_when_complete(store, owner):
    purchase = factories.purchase_with_items(status=PurchaseStatus.COMPLETE)
    with pytest.raises(TransitionNotAllowed):
        services.purchase_cancel(purchase_id=purchase.pk, user=owner, reason="Too late")
    assert Purchase.objects.get(pk=purchase.pk).status == PurchaseStatus.COMPLETE


def test_audit_entries_cannot_be_edited_or_deleted(confirmed_purchase, staff):
    services.purchase_approve_fraud(purchase_id=confirmed_purchase.pk, user=staff)
    entry = AuditEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_mixed_purchase_whose_own_items_are_cancelled_waits_only_for_the_partner(
    store, staff, owner
):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=1, partner=1)
    services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    services.purchase_cancel(purchase_id=purchase.pk, user=owner, reason="Own item out of stock")
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.INVOICED  # never back to Confirmed
    assert not Purchase.objects.awaiting_agent().filter(pk=purchase.pk).exists()
    assert not Purchase.objects.awaiting_fraud_review().filter(pk=purchase.pk).exists()
    assert not purchase.has_open_own_items()


def test_partner_only_purchase_offers_no_own_actions(store, staff):
    purchase = factories.purchase_with_items(own=0, partner=1)
    assert not Purchase.objects.awaiting_fraud_review().filter(pk=purchase.pk).exists()
    with pytest.raises(TransitionNotAllowed):
        services.purchase_approve_fraud(purchase_id=purchase.pk, user=staff)


def test_units_cancelled_before_invoicing_are_not_invoiced(store, staff, owner):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=2, quantity=2
    )
    first, second = purchase.items.order_by("line_number")
    services.purchase_cancel(
        purchase_id=purchase.pk, user=owner, reason="One short", item_quantities={first.pk: 1}
    )
    invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    quantities = {line["sku"]: line["quantity"] for line in invoice.content["lines"]}
    assert quantities == {first.sku: 1, second.sku: 2}
    assert invoice.taxable_total == first.unit_price * 1 + second.unit_price * 2
