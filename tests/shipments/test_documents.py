"""Address slips and handover manifests as PDF, read back as a scanner and a person would."""

import pytest

from purchases.models import AuditEntry
from shipments.documents import (
    barcode_image,
    code128_modules,
    manifest_pdf,
    slip_queryset,
    slips_pdf,
)
from shipments.models import Shipment
from tests import factories
from tests.printing.pdfcheck import barcodes_per_page, page_sizes_mm, page_texts, text_of
from tests.printing.scenario import handover_batch, shipment_for

pytestmark = pytest.mark.django_db

CODE128 = "Code 128"


def slips_of(*shipments, layout="label") -> bytes:
    rows = slip_queryset().in_bulk([s.pk for s in shipments])
    return slips_pdf([rows[s.pk] for s in shipments], layout=layout)


@pytest.fixture
def cod_with_awb(store, staff, agent):
    return shipment_for(staff, agent, awb="12345678901", cod=True)


@pytest.fixture
def prepaid_without_awb(store, staff, agent):
    return shipment_for(staff, agent, own=1, quantity=3)


def test_every_slip_barcode_decodes_to_what_the_database_holds(
    cod_with_awb, prepaid_without_awb, staff, agent
):
    third = shipment_for(staff, agent, awb="98765432109")
    shipments = [cod_with_awb, prepaid_without_awb, third]
    pdf = slips_of(*shipments)
    assert page_sizes_mm(pdf) == [(102, 152)] * 3  # 4×6 inch
    decoded = barcodes_per_page(pdf)
    for shipment, codes in zip(shipments, decoded, strict=True):
        shipment.refresh_from_db()
        assert codes == [(CODE128, shipment.barcode_value)]
    # The AWB once recorded; the shipment reference before.
    assert decoded[0] == [(CODE128, "12345678901")]
    assert decoded[1] == [(CODE128, prepaid_without_awb.reference)]


def test_slip_shows_the_cod_amount_to_collect(cod_with_awb):
    text = text_of(slips_of(cod_with_awb))
    assert cod_with_awb.cod_amount > 0
    assert f"₹{cod_with_awb.cod_amount:,.2f}" in text
    assert "CASH ON DELIVERY · COLLECT" in text
    assert "PREPAID" not in text


def test_slip_of_prepaid_parcel_says_prepaid_and_no_amount(prepaid_without_awb):
    text = text_of(slips_of(prepaid_without_awb))
    assert "PREPAID" in text and "DO NOT COLLECT CASH" in text
    assert "₹" not in text and "CASH ON DELIVERY" not in text


def test_slip_carries_address_courier_purchase_weight_pieces_and_return_address(
    prepaid_without_awb,
):
    shipment = prepaid_without_awb
    text = text_of(slips_of(shipment))
    assert "Blue Dart" in text
    assert "Ananya Iyer" in text and "Flat 4B, Lakeview Apartments" in text
    assert "Landmark: Near CMH Hospital" in text
    assert "PIN 560038" in text and "Mobile 98450 12345" in text
    assert f"{shipment.reference} SHIPMENT REFERENCE (AWB NOT YET RECORDED)" in text
    assert f"Purchase {shipment.purchase.number}" in text
    assert "Weight 2.10 kg · Pieces 3" in text  # three units of 700 g
    assert "If undelivered, return to: Kaveri Home Essentials Private Limited" in text
    assert "GSTIN 27AAPFU0939F1ZV" in text


def test_a4_sheets_hold_four_slips_each_and_every_barcode_decodes(store, staff, agent):
    shipments = [shipment_for(staff, agent, awb=f"5000000000{n}") for n in range(5)]
    pdf = slips_of(*shipments, layout="a4")
    assert page_sizes_mm(pdf) == [(210, 297)] * 2
    decoded = barcodes_per_page(pdf)
    assert sorted(text for _, text in decoded[0]) == [f"5000000000{n}" for n in range(4)]
    assert decoded[1] == [(CODE128, "50000000004")]


def test_long_awb_still_fits_and_decodes(store, staff):
    agent = factories.ShippingAgentFactory(code="XPRESS", name="Xpress", awb_pattern="")
    awb = "XB-2026-ABCDEFGHIJKLMNOP-0001"
    shipment = shipment_for(staff, agent, awb=awb)
    assert barcodes_per_page(slips_of(shipment)) == [[(CODE128, awb)]]


def test_barcode_is_one_pixel_a_module_with_quiet_zones():
    modules = code128_modules("12345678901")
    assert modules.startswith("11010011100")  # start code C: eleven digits pack in pairs
    image = barcode_image("12345678901")
    assert image["src"].startswith("data:image/png;base64,")
    assert image["modules"] == len(modules) + 20
    assert image["width_mm"] == f"{(len(modules) + 20) * 0.5:.3f}"  # 4 dots a module at 203 dpi


def test_manifest_lists_shipments_with_counts_and_cod_total(store, staff, agent):
    cod_one = shipment_for(staff, agent, awb="11111111111", cod=True)
    cod_two = shipment_for(staff, agent, awb="22222222222", cod=True, own=1, quantity=1)
    prepaid = shipment_for(staff, agent, awb="33333333333")
    batch = handover_batch(
        staff,
        agent,
        [cod_one, cod_two, prepaid],
        pickup_person="Ramesh Kumar",
        pickup_mobile="9876543210",
    )
    shipments = Shipment.objects.filter(handover_batch=batch)
    text = text_of(manifest_pdf(batch))
    assert "HANDOVER MANIFEST" in text and "Kaveri Home Essentials Private Limited" in text
    assert "Courier: Blue Dart (BLUEDART)" in text
    for shipment in shipments.select_related("purchase__shipping_address"):
        assert shipment.awb in text and shipment.reference in text
    assert text.count("560038") == 3
    cod_total = sum(s.cod_amount for s in shipments)
    assert cod_total == cod_one.cod_amount + cod_two.cod_amount > 0
    assert "Total: 3 shipments (2 cash on delivery, 1 prepaid)" in text
    assert f"Cash on delivery to collect: ₹{cod_total:,.2f}" in text
    assert "Prepaid" in text
    assert "Name: Ramesh Kumar" in text and "Mobile: 98765 43210" in text
    assert text.count("Signature:") == 2


def test_every_page_of_a_long_manifest_names_its_handover_and_the_signatures_keep_the_totals(
    store, staff, agent
):
    shipments = [shipment_for(staff, agent, awb=f"{40000000000 + n}", own=1) for n in range(40)]
    batch = handover_batch(staff, agent, shipments, pickup_person="Ramesh Kumar")
    pages = page_texts(manifest_pdf(batch))
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Handover manifest · Blue Dart (BLUEDART) · batch {batch.pk} · opened" in text
        assert f"Page {number} of 2" in text
    signed = [text for text in pages if "RECEIVED BY" in text.upper()]
    assert len(signed) == 1
    assert "Shipments handed over: 40" in signed[0]
    assert "listed above were received in good condition" in signed[0]


def test_rendering_a_slip_records_nothing(cod_with_awb):
    before = AuditEntry.objects.count()
    slips_of(cod_with_awb)
    assert AuditEntry.objects.count() == before  # printing records; rendering alone does not


def test_a_slip_with_everything_long_still_fits_its_one_label(store, staff):
    """Whatever was typed, each slip stays on its own label with its barcode, COD amount and
    return address: the courier name is cut, the address prints smaller and is cut short."""
    agent = factories.ShippingAgentFactory(
        code="SPEEDPOST", name="India Post (Speed Post) Business Parcel", awb_pattern=""
    )
    shipment = shipment_for(staff, agent, awb="EE123456789IN", cod=True)
    address = shipment.purchase.shipping_address
    address.name = "Mrs. Anuradha Venkataramanan Subramaniam-Krishnamurthy Iyengar"
    address.line1 = "Flat No. 1203, Tower B-7, Prestige Shantiniketan Apartments, " * 3
    address.line2 = "Krishnarajapuram Hobli, Bengaluru East Taluk, Bengaluru Urban District " * 2
    address.landmark = "Opposite Sri Kapaleeshwarar Temple Tank, next to the big banyan tree"
    address.save()
    for layout, pages in (("label", 2), ("a4", 1)):
        pdf = slips_of(shipment, shipment, layout=layout)
        assert len(page_sizes_mm(pdf)) == pages
        assert barcodes_per_page(pdf)[0][0] == (CODE128, "EE123456789IN")
        text = text_of(pdf)
        assert text.count("If undelivered, return to:") == 2
        assert text.count(f"₹{shipment.cod_amount:,.2f}") == 2
