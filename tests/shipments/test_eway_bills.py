"""E-way bills: goods worth the store's limit or more wait for their e-way bill number before the
courier takes them; the portal's bulk JSON lists each selected shipment as the portal reads it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.exceptions import InvalidInput, TransitionNotAllowed
from purchases import services as purchase_services
from purchases.models import Invoice, PurchaseStatus
from shipments import services
from shipments.documents import manifest_pdf, manifest_queryset, slip_queryset, slips_pdf
from shipments.eway_bills import BULK_VERSION, bulk_json
from shipments.models import Shipment, ShipmentStatus
from tests import factories
from tests.printing.pdfcheck import text_of
from tests.printing.scenario import handover_batch

pytestmark = pytest.mark.django_db

# The bulk generation JSON's fields (the portal's EWB bulk upload format, version 1.0.0621).
BILL_FIELDS = {
    "userGstin", "supplyType", "subSupplyType", "subSupplyDesc", "docType", "docNo", "docDate",
    "transType", "fromGstin", "fromTrdName", "fromAddr1", "fromAddr2", "fromPlace", "fromPincode",
    "fromStateCode", "actualFromStateCode", "toGstin", "toTrdName", "toAddr1", "toAddr2",
    "toPlace", "toPincode", "toStateCode", "actualToStateCode", "totalValue", "cgstValue",
    "sgstValue", "igstValue", "cessValue", "cessNonAdvolValue", "OthValue", "totInvValue",
    "transMode", "transDistance", "transporterId", "transporterName", "transDocNo",
    "transDocDate", "vehicleNo", "vehicleType", "mainHsnCode", "itemList",
}  # fmt: skip
ITEM_FIELDS = {
    "itemNo", "productName", "productDesc", "hsnCode", "quantity", "qtyUnit", "taxableAmount",
    "cgstRate", "sgstRate", "igstRate", "cessRate", "cessNonAdvol",
}  # fmt: skip


def costly_shipment(staff, agent, *, price="24999.00", quantity=2, **purchase):
    """An invoiced purchase of `quantity` units at `price` (12 % GST), with its courier."""
    product = factories.ProductFactory(price=Decimal(price), name="Handwoven silk carpet, 6 × 9 ft")
    order = factories.PurchaseFactory(status=PurchaseStatus.FRAUD_APPROVED, **purchase)
    factories.add_item(order, product=product, quantity=quantity)
    purchase_services.purchase_issue_invoice(purchase_id=order.pk, user=staff)
    return services.shipment_create(purchase_id=order.pk, user=staff, agent_id=agent.pk)


def test_goods_worth_the_limit_wait_for_their_eway_bill_before_the_courier_takes_them(
    store, staff, agent
):
    shipment = costly_shipment(staff, agent)  # 2 × ₹24,999 + 12 % = ₹55,997.76
    assert (shipment.goods_value, shipment.eway_bill_required) == (Decimal("55997.76"), True)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)

    with pytest.raises(TransitionNotAllowed, match=r"₹55,997.76 need an e-way bill"):
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)

    services.shipment_record_eway_bill(shipment_id=shipment.pk, user=staff, number="1812 3456 7890")
    shipment.refresh_from_db()
    assert shipment.eway_bill_number == "181234567890"
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED  # the slip must show it: print again
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE


def test_the_limit_within_the_state_may_differ_from_the_one_between_states(store, staff, agent):
    store.eway_bill_intra_state_threshold = Decimal("100000.00")
    store.save()
    maharashtra = factories.AddressFactory(city="Pune", state="27", pin_code="411001")
    within = costly_shipment(staff, agent, billing_address=maharashtra)
    between = costly_shipment(staff, agent)

    assert (within.eway_bill_required, between.eway_bill_required) == (False, True)
    assert list(Shipment.objects.awaiting_eway_bill()) == [between]


def test_an_eway_bill_number_has_twelve_digits_and_is_recorded_once(store, staff, agent):
    first, second = costly_shipment(staff, agent), costly_shipment(staff, agent)

    with pytest.raises(InvalidInput, match="12 digits"):
        services.shipment_record_eway_bill(shipment_id=first.pk, user=staff, number="18123456789")
    services.shipment_record_eway_bill(shipment_id=first.pk, user=staff, number="181234567890")
    with pytest.raises(InvalidInput, match=f"already recorded for shipment {first.reference}"):
        services.shipment_record_eway_bill(shipment_id=second.pk, user=staff, number="181234567890")


def test_the_bulk_json_lists_each_shipment_as_the_portal_reads_it(store, staff, agent):
    agent.transporter_id = "27AAACB0446L1ZS"
    agent.save()
    delivery = factories.AddressFactory(name="Site office", city="Mysuru", pin_code="570001")
    shipment = costly_shipment(
        staff, agent, shipping_charge=Decimal("499.00"), shipping_address=delivery
    )
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    shipment = Shipment.objects.select_related(
        "purchase__billing_address", "purchase__shipping_address", "agent"
    ).get(pk=shipment.pk)
    shipment.invoice = invoice = Invoice.objects.get()

    document = bulk_json([shipment], store=store)

    assert document["version"] == BULK_VERSION
    (bill,) = document["billLists"]
    assert set(bill) == BILL_FIELDS and set(bill["itemList"][0]) == ITEM_FIELDS
    assert (bill["docType"], bill["docNo"], bill["toGstin"], bill["transType"]) == (
        "INV",
        invoice.number,
        "URP",  # an unregistered buyer
        2,  # billed to one address, delivered to another
    )
    assert (bill["fromStateCode"], bill["toStateCode"], bill["actualToStateCode"]) == (27, 29, 29)
    assert (bill["toPincode"], bill["transporterId"], bill["transDocNo"]) == (
        570001,
        "27AAACB0446L1ZS",
        "12345678901",
    )
    assert bill["itemList"][0]["hsnCode"] == 6302 and bill["itemList"][0]["quantity"] == 2
    parts = ("totalValue", "cgstValue", "sgstValue", "igstValue", "cessValue", "OthValue")
    assert Decimal(str(bill["totInvValue"])) == sum(Decimal(str(bill[p])) for p in parts)
    assert Decimal(str(bill["totInvValue"])) == invoice.grand_total  # prepaid, shipping included


def test_new_limits_apply_to_parcels_not_handed_over_yet(store, staff, owner, agent, client):
    shipment = costly_shipment(staff, agent)
    client.force_login(owner)
    form = {
        field: getattr(store, field)
        for field in (
            "legal_name", "display_name", "gstin", "state", "address_line1", "address_line2",
            "city", "pin_code", "phone", "email",
        )
    }  # fmt: skip
    response = client.post(
        reverse("configuration:store-profile-edit"),
        form | {"eway_bill_threshold": "75000", "eway_bill_intra_state_threshold": "100000"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    shipment.refresh_from_db()
    assert shipment.eway_bill_required is False


def test_the_eway_bill_number_prints_on_the_slip_and_the_manifest(store, staff, agent):
    shipment = costly_shipment(staff, agent)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    services.shipment_record_eway_bill(shipment_id=shipment.pk, user=staff, number="181234567890")
    shipment.refresh_from_db()
    batch = handover_batch(staff, agent, [shipment])

    assert "E-way bill 181234567890" in text_of(slips_pdf([slip_queryset().get(pk=shipment.pk)]))
    assert "EWB 181234567890" in text_of(manifest_pdf(manifest_queryset().get(pk=batch.pk)))
