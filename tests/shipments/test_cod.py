"""What the courier collects on a cash-on-delivery shipment adds up to the invoice, to the paisa."""

from decimal import Decimal

import pytest

from purchases import services as purchase_services
from purchases.models import PaymentMethod, PurchaseStatus
from shipments import services
from tests import factories

pytestmark = pytest.mark.django_db


def invoiced_cod(staff, **kwargs):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, payment_method=PaymentMethod.COD, **kwargs
    )
    invoice = purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    return purchase, invoice


def test_one_shipment_collects_the_invoice_total_rounded_to_the_rupee(store, staff, agent):
    purchase, invoice = invoiced_cod(staff, own=1)  # ₹899 + 12 % GST = ₹1,006.88
    assert invoice.grand_total == Decimal("1007.00")
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    assert shipment.cod_amount == invoice.grand_total


def test_a_split_collects_whole_rupees_first_and_the_rest_last(store, staff, agent):
    purchase, invoice = invoiced_cod(staff, own=3)  # 3 × ₹1,006.88 = ₹3,020.64 → ₹3,021.00
    first_item, *rest = purchase.items.order_by("line_number")
    first = services.shipment_create(
        purchase_id=purchase.pk,
        user=staff,
        agent_id=agent.pk,
        quantities={first_item.pk: 1, **{item.pk: 0 for item in rest}},
    )
    assert first.cod_amount == Decimal("1007.00")  # its items' value, to the rupee
    last = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    assert first.cod_amount + last.cod_amount == invoice.grand_total == Decimal("3021.00")


def test_cancelled_items_are_not_collected(store, staff, owner, agent):
    purchase, invoice = invoiced_cod(staff, own=2)  # ₹2,013.76 → ₹2,014.00
    cancelled = purchase.items.order_by("line_number").first()
    purchase_services.purchase_cancel(
        purchase_id=purchase.pk,
        user=owner,
        reason="Out of stock",
        item_quantities={cancelled.pk: 1},
    )
    credit = invoice.credit_notes.get()
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    assert shipment.cod_amount == invoice.grand_total - credit.grand_total == Decimal("1007.00")


def test_a_prepaid_shipment_collects_nothing(store, staff, agent):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    assert shipment.cod_amount == 0
