"""GST tax invoices and credit notes as PDF: every rule-46 particular, frozen at issue, same bytes
on every reprint."""

import datetime as dt
import io
import re
import threading
from decimal import Decimal

import pytest
import weasyprint
from django.db import DataError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from pypdf import PdfReader

from catalog.models import Product
from configuration.models import StoreProfile
from core.exceptions import InvalidInput
from core.india import format_inr, is_valid_gstin
from core.pdf import write_pdf
from purchases import services
from purchases.documents import (
    AMOUNT_COLUMNS_MINIMUM_MM,
    amount_column_widths,
    credit_note_pdf,
    invoice_pdf,
    stylesheet,
    tax_document_html,
)
from purchases.invoicing import amount_in_words, financial_year_of, shipping_line
from purchases.models import DocumentSeries, Invoice, Item, PurchaseStatus
from tests import factories
from tests.printing.pdfcheck import page_texts, text_of
from tests.printing.scenario import invoiced_purchase

pytestmark = pytest.mark.django_db


@pytest.fixture
def inter_state(store, staff):
    """Shipped to Karnataka from a Maharashtra store: IGST."""
    return invoiced_purchase(staff).invoices.get()


@pytest.fixture
def intra_state(store, staff):
    """Shipped within Maharashtra: CGST + SGST."""
    address = factories.AddressFactory(city="Pune", state="27", pin_code="411001")
    return invoiced_purchase(staff, billing_address=address).invoices.get()


def test_invoice_carries_every_rule_46_particular(inter_state, store):
    invoice = inter_state
    text = text_of(invoice_pdf(invoice))
    content = invoice.content
    # Supplier: name, address, GSTIN.
    assert "Kaveri Home Essentials Private Limited" in text
    assert "Unit 12, Laxmi Industrial Estate" in text and "Mumbai 400053" in text
    assert "GSTIN: 27AAPFU0939F1ZV" in text
    # Serial number (at most 16 characters) and date of issue.
    assert re.fullmatch(r"WS/\d\d-\d\d/\d{6}", invoice.number) and len(invoice.number) <= 16
    assert f"Invoice no. {invoice.number}" in text
    assert f"Date of issue {content['issued_on']}" in text
    # Recipient name and address, and GSTIN (unregistered here).
    assert "Ananya Iyer" in text and "Flat 4B, Lakeview Apartments" in text
    assert "Landmark: Near CMH Hospital" in text and "Bengaluru 560038" in text
    assert "GSTIN: Unregistered" in text
    # Delivery address: the same as the recipient's here, and said so.
    assert "Same as the recipient's address" in text
    # Per line: HSN, description, quantity, unit, taxable value, rate and amount of tax.
    for line in content["lines"]:
        assert line["description"] in text
        row = f"{line['hsn']} {line['quantity']} NOS ₹{Decimal(line['unit_price']):,.2f}"
        assert row in text
        assert f"{line['igst_rate']}% ₹{Decimal(line['igst']):,.2f}" in text
    assert "Taxable value ₹3,596.00" in text
    # Place of supply with state name and code; reverse charge; amount in words; signature.
    assert "Place of supply 29 Karnataka" in text
    assert "Reverse charge No" in text
    assert content["amount_in_words"] in text.replace("- ", "-")  # "Fifty-" may end a line
    assert f"Total {'₹'}{Decimal(content['grand_total']):,.2f}" in text
    assert "Round off" not in text  # prepaid: invoiced to the paisa of what was charged
    assert "For Kaveri Home Essentials Private Limited" in text
    assert "Authorised Signatory" in text


def test_discount_column_appears_when_a_line_has_a_discount(store, staff, inter_state):
    assert "Discount" not in text_of(invoice_pdf(inter_state))  # no line has one
    purchase = factories.PurchaseFactory(status=PurchaseStatus.FRAUD_APPROVED)
    factories.add_item(purchase, quantity=2, discount=Decimal("179.80"))  # 10 % of 2 × ₹899
    invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    text = text_of(invoice_pdf(invoice))
    # Rate, discount and the taxable value that takes it into account (rule 46(h)).
    assert "Discount" in text and "₹899.00 ₹179.80 ₹1,618.20" in text


def test_inter_state_invoice_charges_igst_only(inter_state):
    text = text_of(invoice_pdf(inter_state))
    assert "IGST" in text
    assert "CGST" not in text and "SGST" not in text
    assert "IGST (inter-state supply)" in text
    assert inter_state.content["igst_total"] == "431.52"  # 12 % of ₹3,596.00


def test_intra_state_invoice_charges_cgst_and_sgst(intra_state):
    text = text_of(invoice_pdf(intra_state))
    assert "CGST" in text and "SGST" in text
    assert "IGST" not in text
    assert "Place of supply 27 Maharashtra" in text
    assert "6% ₹107.88 6% ₹107.88" in text  # each line: half of 12 % on ₹1,798.00, twice


def test_delivery_address_printed_when_different(store, staff):
    shipping = factories.AddressFactory(
        name="Ravi Iyer", line1="42 MG Road", landmark="", city="Mysuru", pin_code="570001"
    )
    invoice = invoiced_purchase(staff, shipping_address=shipping).invoices.get()
    text = text_of(invoice_pdf(invoice))
    assert "SHIP TO (DELIVERY ADDRESS) Ravi Iyer 42 MG Road" in text
    assert "Ravi Iyer" in text and "42 MG Road" in text and "Mysuru 570001" in text
    assert "Same as the recipient's address" not in text


def test_reprint_is_byte_identical_after_product_and_store_edits(inter_state):
    first = invoice_pdf(inter_state)
    Product.objects.update(name="Renamed product", price=Decimal("1.00"), hsn_code="9999")
    Item.objects.update(name="Edited item", unit_price=Decimal("2.00"))
    StoreProfile.objects.update(legal_name="Another Company Ltd", gstin="29AAACR5055K1Z5")
    reprint = invoice_pdf(Invoice.objects.get(pk=inter_state.pk))
    assert reprint == first
    text = text_of(reprint)
    assert "Kaveri Home Essentials Private Limited" in text and "Another Company" not in text
    assert "Renamed product" not in text and "Edited item" not in text


REGISTERED = "29ABCPI1234F1Z3"  # Karnataka (29), a proprietor's PAN; valid check character


def test_registered_recipients_gstin_is_frozen_into_the_invoice_and_printed(store, staff):
    customer = factories.CustomerFactory(name="Ananya Iyer", gstin=REGISTERED)
    invoice = invoiced_purchase(staff, customer=customer).invoices.get()
    assert invoice.content["recipient"]["gstin"] == REGISTERED
    first = invoice_pdf(invoice)
    text = text_of(first)
    assert f"GSTIN: {REGISTERED}" in text and "Unregistered" not in text
    assert text.count(REGISTERED) == 1  # the recipient's; the supplier's GSTIN is the store's

    # Corrected (or removed) later: the issued invoice still says what it said.
    customer.gstin = "29ABCPI1234F2Z2"
    customer.save()
    reprint = invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    assert reprint == first
    customer.gstin = ""
    customer.save()
    assert invoice_pdf(Invoice.objects.get(pk=invoice.pk)) == first


def test_a_registered_recipient_shipping_elsewhere_is_supplied_in_its_own_state(store, staff):
    """Bill to, ship to (IGST Act 10(1)(b)): a business registered in Maharashtra, the store's
    state, has the goods delivered to Karnataka; the place of supply is Maharashtra, so CGST and
    SGST, and the business claims the credit at home. Unregistered, the delivery state decides."""
    maharashtra = next(
        f"27ABCPI1234F1Z{c}"
        for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if is_valid_gstin(f"27ABCPI1234F1Z{c}")
    )
    business = factories.CustomerFactory(gstin=maharashtra)
    invoice = invoiced_purchase(staff, customer=business).invoices.get()
    assert invoice.content["place_of_supply"] == {"state": "Maharashtra", "state_code": "27"}
    assert invoice.content["intra_state"] is True
    assert Decimal(invoice.content["cgst_total"]) > 0 and invoice.content["igst_total"] == "0.00"
    text = text_of(invoice_pdf(invoice))
    assert "27 Maharashtra" in text and "CGST" in text

    person = factories.CustomerFactory(gstin="")
    invoice = invoiced_purchase(staff, customer=person).invoices.get()
    assert invoice.content["place_of_supply"] == {"state": "Karnataka", "state_code": "29"}
    assert invoice.content["intra_state"] is False


def test_a_credit_note_keeps_its_invoices_place_of_supply_and_tax_heads(store, staff, owner):
    """What changed after the invoice (the store moved state, the customer registered for GST)
    changes no credit note against it: it reduces exactly the taxes the invoice charged."""
    purchase = invoiced_purchase(staff)  # Karnataka delivery from a Maharashtra store: IGST
    invoice = purchase.invoices.get()
    assert invoice.content["intra_state"] is False
    StoreProfile.objects.update(state="29", gstin="29AAKCK7316R1ZM")
    purchase.customer.gstin = REGISTERED
    purchase.customer.save()
    first = purchase.items.order_by("line_number").first()
    services.purchase_cancel(
        purchase_id=purchase.pk, user=owner, reason="Damaged", item_quantities={first.pk: 1}
    )
    note = invoice.credit_notes.get()
    assert note.content["intra_state"] is False
    assert note.content["place_of_supply"] == invoice.content["place_of_supply"]
    assert note.content["recipient"]["gstin"] == ""  # as the invoice named them: unregistered
    assert Decimal(note.content["igst_total"]) > 0 and note.content["cgst_total"] == "0.00"


def test_credit_note_names_the_recipient_gstin_of_its_invoice(store, staff, owner):
    customer = factories.CustomerFactory(gstin=REGISTERED)
    purchase = invoiced_purchase(staff, customer=customer)
    customer.gstin = "29ABCPI1234F2Z2"
    customer.save()
    services.purchase_cancel(purchase_id=purchase.pk, user=owner, reason="Ordered by mistake")
    note = purchase.invoices.get().credit_notes.get()
    assert note.content["recipient"]["gstin"] == REGISTERED
    assert f"GSTIN: {REGISTERED}" in text_of(credit_note_pdf(note))


def test_pdf_has_a_fixed_identifier_and_the_issue_date(inter_state):
    pdf = invoice_pdf(inter_state)
    reader = PdfReader(io.BytesIO(pdf))
    assert str(reader.trailer["/ID"][0]) == inter_state.number
    issued = inter_state.issued_at.astimezone(dt.UTC).strftime("%Y%m%d")  # as the PDF says it
    assert reader.metadata["/CreationDate"].startswith(f"D:{issued}")
    assert reader.metadata.title == f"Tax Invoice {inter_state.number}"


def test_amount_in_words_uses_lakh_and_crore():
    assert amount_in_words(Decimal("123456.50")) == (
        "Rupees One Lakh Twenty-Three Thousand Four Hundred and Fifty-Six and Fifty Paise Only"
    )
    assert amount_in_words(Decimal("12500000")).startswith("Rupees One Crore Twenty-Five Lakh")


def test_credit_note_has_its_own_series_and_names_the_invoice(store, owner):
    first = invoiced_purchase(owner)
    second = invoiced_purchase(owner)
    item = first.items.order_by("line_number").first()
    services.purchase_cancel(
        purchase_id=first.pk, user=owner, reason="Damaged in store", item_quantities={item.pk: 1}
    )
    services.purchase_cancel(purchase_id=second.pk, user=owner, reason="Customer asked")
    note_one = first.invoices.get().credit_notes.get()
    note_two = second.invoices.get().credit_notes.get()
    assert [note_one.sequence, note_two.sequence] == [1, 2]
    assert note_one.number.startswith("CN/") and note_two.number.endswith("/000002")
    assert [i.sequence for i in Invoice.objects.order_by("sequence")] == [1, 2]  # never renumbered

    text = text_of(credit_note_pdf(note_one))
    assert "CREDIT NOTE" in text and f"Credit note no. {note_one.number}" in text
    invoice = first.invoices.get()
    assert f"Against invoice {invoice.number} dated {invoice.content['issued_on']}" in text
    assert "Reason: Damaged in store" in text
    assert "Total credited ₹1,006.88" in text  # one unit: ₹899 + 12 % IGST, to the paisa
    assert credit_note_pdf(note_one) == credit_note_pdf(note_one)


def test_prefix_that_would_make_numbers_longer_than_16_characters_is_refused(store):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():  # PostgreSQL: too long
        StoreProfile.objects.update(invoice_prefix="ABCD")  # ABCD/26-27/000001 has 17
    assert StoreProfile.objects.get().invoice_prefix == "WS"


def test_series_number_that_outgrows_16_characters_is_refused_without_a_gap(store, staff):
    StoreProfile.objects.update(invoice_prefix="ABC")
    year = financial_year_of(timezone.now())
    DocumentSeries.objects.create(kind="invoice", financial_year=year, next_number=1_000_000)
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    with pytest.raises(InvalidInput, match="longer than the 16 characters"):
        services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.FRAUD_APPROVED and not Invoice.objects.exists()
    assert DocumentSeries.objects.get(kind="invoice").next_number == 1_000_000  # no number lost


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_unique_consecutive_numbers():
    factories.StoreProfileFactory()
    user = factories.staff()
    purchases = [
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(12)
    ]
    start = threading.Barrier(len(purchases))
    errors = []

    def issue(purchase_id):
        try:
            start.wait()
            services.purchase_issue_invoice(purchase_id=purchase_id, user=user)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(p.pk,)) for p in purchases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Invoice.objects.values_list("number", flat=True))
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert len(set(numbers)) == len(purchases)
    assert sequences == list(range(1, len(purchases) + 1))
    assert DocumentSeries.objects.get(kind="invoice").next_number == len(purchases) + 1


def _printed_width_mm(text: str) -> float:
    """How wide WeasyPrint lays `text` out in the items table's font (7 pt DejaVu Sans)."""
    html = f"<p style=\"font: 7pt 'DejaVu Sans'; margin: 0\"><span>{text}</span></p>"
    page = weasyprint.HTML(string=html).render().pages[0]
    boxes = [page._page_box]
    while boxes:
        box = boxes.pop()
        if isinstance(box, weasyprint.formatting_structure.boxes.TextBox):
            return box.width * 25.4 / 96
        boxes.extend(getattr(box, "children", []))
    raise AssertionError("no text laid out")


def test_amount_columns_are_as_wide_as_their_longest_amount():
    """A line in crores widens its columns (and narrows the description) instead of running
    into the next column; an everyday invoice keeps the usual widths."""
    crores = {
        "unit_price": "123456.78",
        "discount": "12345.67",
        "taxable_value": "15419751.83",
        "cgst": "1387777.66",
        "sgst": "1387777.66",
        "igst": "0.00",
        "total": "18195307.15",
    }
    everyday = dict.fromkeys(crores, "499.00")
    widths = amount_column_widths([everyday, crores])
    for column, amount in {
        "rate": "123456.78",
        "discount": "12345.67",
        "taxable": "15419751.83",
        "tax": "1387777.66",
        "total": "18195307.15",
    }.items():
        assert float(widths[column]) >= _printed_width_mm(format_inr(amount)), column
    assert float(widths["rate"]) > AMOUNT_COLUMNS_MINIMUM_MM["rate"]
    assert amount_column_widths([everyday]) == {
        column: f"{minimum:.1f}" for column, minimum in AMOUNT_COLUMNS_MINIMUM_MM.items()
    }


def test_totals_amount_in_words_and_signature_are_never_split_across_pages(inter_state):
    """However many lines the invoice has, the signature never ends up alone on a page without
    the totals it signs for."""
    content = inter_state.content
    line = content["lines"][0]
    page_counts = set()
    for count in range(8, 22):
        content = dict(inter_state.content, lines=[dict(line, line=n) for n in range(count)])
        pages = page_texts(write_pdf(tax_document_html(content), css=stylesheet()))
        page_counts.add(len(pages))
        signed_on = [n for n, text in enumerate(pages) if "Authorised Signatory" in text]
        assert len(signed_on) == 1, count
        closing = pages[signed_on[0]]
        assert "AMOUNT IN WORDS" in closing and "Taxable value" in closing, count
    assert page_counts == {1, 2}  # the loop did cross onto a second page


def test_the_shipping_charge_is_a_line_taxed_at_the_rate_of_the_goods(store, staff, owner):
    """What the customer paid for shipping (₹59, tax included) is invoiced as a line of its own,
    SAC 9965, taxed like the goods it delivers (the highest rate among them); the invoice adds up
    to what was paid, and a cancellation of everything gives the same line back."""
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=1, shipping_charge=Decimal("59.00")
    )
    factories.add_item(purchase, product=factories.ProductFactory(gst_rate=5, price=Decimal("100")))
    services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    invoice = purchase.invoices.get()
    shipping = invoice.content["lines"][-1]
    assert (shipping["line"], shipping["description"], shipping["hsn"]) == (
        3,
        "Shipping and handling",
        "9965",
    )
    assert shipping["gst_rate"] == 12  # the bedsheet's 12 %, not the 5 % item's
    assert (shipping["taxable_value"], shipping["igst"], shipping["total"]) == (
        "52.68",
        "6.32",
        "59.00",
    )
    assert invoice.content["number"] == invoice.number
    goods = sum(Decimal(line["total"]) for line in invoice.content["lines"][:-1])
    assert invoice.grand_total == goods + Decimal("59.00")  # prepaid: exactly what was charged
    text = text_of(invoice_pdf(invoice))
    assert "Shipping and handling" in text and "9965" in text
    assert f"Invoice no. {invoice.number}" in text

    first = purchase.items.order_by("line_number").first()
    services.purchase_cancel(
        purchase_id=purchase.pk,
        user=owner,
        reason="One out of stock",
        item_quantities={first.pk: 1},
    )
    partial = invoice.credit_notes.get()
    assert all(line["hsn"] != "9965" for line in partial.content["lines"])  # the rest still ships
    services.purchase_cancel(purchase_id=purchase.pk, user=owner, reason="Customer asked")
    last = invoice.credit_notes.order_by("sequence").last()
    assert last.content["lines"][-1] | {"line": 0} == shipping | {"line": 0}
    credited = partial.grand_total + last.grand_total
    assert abs(credited - invoice.grand_total) <= Decimal("1")  # each note rounds to the rupee


def test_a_shipping_line_always_adds_up_to_exactly_what_was_paid():

    for rate in (0, 5, 12, 18, 28):
        for intra_state in (True, False):
            for paise in range(100, 60000, 97):
                charge = Decimal(paise) / 100
                line = shipping_line(charge, rate, intra_state, 1)
                taxable, cgst, sgst, igst = (
                    Decimal(line[key]) for key in ("taxable_value", "cgst", "sgst", "igst")
                )
                assert Decimal(line["total"]) == taxable + cgst + sgst + igst == charge
                # within two paise of the exact share: rounding, and the odd paisa of equal halves
                assert abs(taxable - charge * 100 / (100 + rate)) <= Decimal("0.02")
                assert cgst == sgst
                assert (cgst + sgst == 0) if not intra_state else igst == 0
