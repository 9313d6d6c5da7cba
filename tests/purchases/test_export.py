"""Manage Purchases as CSV: the filtered list streamed, formulas made harmless, plain amounts."""

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from purchases import services as purchase_services
from purchases.exports import COLUMNS, neutralised
from purchases.models import PaymentMethod, Purchase, PurchaseStatus
from shipments import services as shipment_services
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("purchases:purchase-list")


def read_csv(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)  # looking is enough to export
    return client


def test_export_is_an_attachment_with_a_header_and_one_row_a_purchase(logged_in, store):
    factories.purchase_with_items()
    factories.purchase_with_items()
    response = logged_in.get(LIST, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="purchases-')
    rows = read_csv(response)
    assert len(rows) == 2 and list(rows[0]) == COLUMNS


def test_export_follows_the_filters_and_ignores_bad_ones(logged_in, store):
    cod = factories.purchase_with_items(payment_method=PaymentMethod.COD)
    factories.purchase_with_items(payment_method=PaymentMethod.PREPAID)
    factories.purchase_with_items(status=PurchaseStatus.CANCELLED, payment_method=PaymentMethod.COD)
    query = {"format": "csv", "payment": "cod", "state": "confirmed", "sort": "evil", "page": "x"}
    rows = read_csv(logged_in.get(LIST, query))
    assert [row["Purchase"] for row in rows] == [cod.number]


def test_export_writes_amounts_as_plain_numbers_and_times_in_india(logged_in, store):
    purchase = factories.purchase_with_items(own=1, quantity=2)
    Purchase.objects.filter(pk=purchase.pk).update(grand_total=Decimal("123456.50"))
    (row,) = read_csv(logged_in.get(LIST, {"format": "csv"}))
    assert row["Total"] == "123456.50"
    assert Decimal(row["Taxable value"]) == purchase.subtotal
    assert row["State"] == "Confirmed" and row["Payment"] == "Prepaid"
    placed = purchase.placed_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert row["Placed (IST)"] == placed.strftime("%Y-%m-%d %H:%M")


def test_export_lists_agents_and_awbs(logged_in, store, staff, agent):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    (row,) = read_csv(logged_in.get(LIST, {"format": "csv"}))
    assert row["Agents"] == agent.code and row["AWBs"] == "12345678901"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_would_start_a_formula_get_an_apostrophe(start):
    assert neutralised(f'{start}HYPERLINK("http://evil")') == f'\'{start}HYPERLINK("http://evil")'


def test_other_cells_and_numbers_are_left_alone():
    assert neutralised("Ananya Iyer") == "Ananya Iyer"
    assert neutralised(Decimal("-1.50")) == Decimal("-1.50")
    assert neutralised("") == ""


def test_a_customer_named_like_a_formula_is_exported_as_text(logged_in, store):
    customer = factories.CustomerFactory(name='=HYPERLINK("http://evil.example","Refund")')
    address = factories.AddressFactory(name="@SUM(A1:A9)", city="-2+3")
    factories.purchase_with_items(customer=customer, billing_address=address)
    (row,) = read_csv(logged_in.get(LIST, {"format": "csv"}))
    assert row["Customer"] == '\'=HYPERLINK("http://evil.example","Refund")'
    assert row["Ship to"] == "'@SUM(A1:A9)"
    assert row["City"] == "'-2+3"


def test_export_runs_a_fixed_number_of_queries(logged_in, store, django_assert_max_num_queries):
    for _ in range(30):
        factories.purchase_with_items()
    with django_assert_max_num_queries(10):
        rows = read_csv(logged_in.get(LIST, {"format": "csv"}))
    assert len(rows) == 30
