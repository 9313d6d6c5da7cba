"""An invoice's total is what the customer was charged, to the paisa: a prepaid payment is never
rounded; cash collected on delivery is charged in whole rupees, and then that rounded amount is
what the invoice, the slip and the purchase page all say."""

from decimal import Decimal

import pytest
from django.urls import reverse

from channels.intake import order_receive
from channels.schemas import OrderIn
from purchases import services as purchase_services
from purchases.models import CreditNote, Purchase
from shipments import services as shipment_services
from tests import factories

pytestmark = pytest.mark.django_db

# Within Maharashtra, the store's state: ₹100.10 at 5 % is ₹5.01 of tax (5.005 rounded half up),
# which halves do not split evenly: the invoice must still add up to ₹105.11 a unit.
ODD_PAISA_PRICE = Decimal("100.10")


def placed(channel, product, *, payment_method: str, quantity: int = 3) -> Purchase:
    line_taxable = ODD_PAISA_PRICE * quantity
    line_tax = (line_taxable * product.gst_rate / 100).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    total = line_taxable + line_tax
    address = {
        "name": "Rohan Kulkarni",
        "line1": "12 Prabhat Road",
        "city": "Pune",
        "state": "27",
        "pin_code": "411004",
        "mobile": "9822012345",
    }
    order = OrderIn.model_validate(
        {
            "reference": f"SF-{payment_method}",
            "customer": {"name": "Rohan", "email": "rohan@example.in", "mobile": "9822012345"},
            "billing_address": address,
            "lines": [
                {
                    "sku": product.sku,
                    "quantity": quantity,
                    "unit_price": str(ODD_PAISA_PRICE),
                    "total": str(total),
                }
            ],
            "payment_method": payment_method,
            "amount_charged": str(total),
        }
    )
    answer = order_receive(channel=channel, order=order)
    assert answer.http_status == 201, answer.body
    return Purchase.objects.get(external_reference=f"SF-{payment_method}")


@pytest.fixture
def soap(store):
    return factories.ProductFactory(sku="KH-SOAP-1", price=ODD_PAISA_PRICE, gst_rate=5, on_hand=50)


@pytest.fixture
def web():
    return factories.ChannelFactory(code="web", name="Web storefront")


def invoiced(purchase, staff):
    purchase_services.purchase_approve_fraud(purchase_id=purchase.pk, user=staff)
    return purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)


def test_a_prepaid_purchase_is_invoiced_for_exactly_what_was_charged(web, soap, staff):
    purchase = placed(web, soap, payment_method="prepaid", quantity=1)
    Purchase.objects.filter(pk=purchase.pk).update(status="confirmed", paid_at=purchase.placed_at)

    invoice = invoiced(purchase, staff)

    purchase.refresh_from_db()
    assert invoice.grand_total == purchase.grand_total == Decimal("105.11")
    assert invoice.content["round_off"] == "0.00" and invoice.content["intra_state"] is True
    line = invoice.content["lines"][0]
    assert (line["cgst"], line["sgst"]) == ("2.51", "2.50")  # ₹5.01: the odd paisa to CGST


def test_cash_on_delivery_is_charged_in_whole_rupees_on_the_invoice_the_slip_and_the_page(
    web, soap, staff, agent, client
):
    purchase = placed(web, soap, payment_method="cod")
    invoice = invoiced(purchase, staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )

    assert purchase.grand_total == Decimal("315.32")  # ₹300.30 and 5 % of it, ₹15.02
    assert (invoice.grand_total, invoice.content["round_off"]) == (Decimal("315.00"), "-0.32")
    assert shipment.cod_amount == Decimal("315.00")
    client.force_login(staff)
    page = client.get(reverse("purchases:purchase-detail", args=[purchase.pk])).content.decode()
    assert 'To collect on delivery</dt><dd class="num total">₹315.00' in page


def test_credit_notes_of_a_rounded_invoice_give_back_whole_rupees_adding_up_to_it(
    web, soap, staff, owner
):
    purchase = placed(web, soap, payment_method="cod", quantity=3)
    invoice = invoiced(purchase, staff)
    item = purchase.items.get()
    for _ in range(3):
        purchase_services.purchase_cancel(
            purchase_id=purchase.pk, user=owner, reason="Out of stock", item_quantities={item.pk: 1}
        )

    notes = list(CreditNote.objects.order_by("id").values_list("grand_total", flat=True))
    assert notes == [Decimal("105.00"), Decimal("105.00"), Decimal("105.00")]
    assert sum(notes) == invoice.grand_total
