"""Invoicing a purchase whose partner items were already handed over: its state follows at once."""

import pytest
from django.utils import timezone

from partners.services import partner_event_apply
from purchases import services
from purchases.models import Purchase, PurchaseStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_invoice_after_partner_handover_leaves_purchase_partially_complete(store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=1, partner=1)
    partner_item = purchase.items.partner().get()
    result = partner_event_apply(
        event={
            "event_id": "ib-test-1",
            "purchase": purchase.number,
            "line": partner_item.line_number,
            "kind": "handed_over",
            "quantity": 1,
            "occurred_at": timezone.now().isoformat(),
        },
        received_via="api",
    )
    assert result.result == "applied"
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.FRAUD_APPROVED  # the own flow is still open

    services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)

    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PARTIALLY_COMPLETE
    assert list(Purchase.objects.awaiting_agent()) == [purchase]
    moves = list(
        purchase.audit_entries.filter(subject="purchase").values_list("to_state", flat=True)
    )
    assert moves[-2:] == [PurchaseStatus.INVOICED, PurchaseStatus.PARTIALLY_COMPLETE]


def test_invoice_of_own_purchase_stays_invoiced(store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)
    services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.INVOICED
