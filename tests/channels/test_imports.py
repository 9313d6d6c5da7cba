"""A channel's file of orders: each order through the one intake service, a report per order,
the same file twice places nothing new, a preview stores nothing, a bad file is one message."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import OperationalError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from channels import imports
from channels.imports import ALREADY, NEW, REFUSED, ImportReport, order_file_import
from channels.models import ReceivedVia, RefusedOrder
from core.exceptions import InvalidInput
from core.tables import FileUnreadable
from customers.models import Customer
from purchases.models import Address, AuditEntry, Item, Purchase, PurchaseStatus

from .files import HEADER, csv_file, line, make_channel, make_products, three_orders, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(db):
    return make_products()


@pytest.fixture
def phone(db):
    return make_channel()


def run(channel, raw, preview=False):
    return order_file_import(channel=channel, raw=raw, preview=preview)


def outcomes(report):
    return [(r.reference, r.rows, r.outcome) for r in report.results]


def test_three_orders_become_three_purchases_with_their_lines_and_totals(phone, products):
    report = run(phone, csv_file(three_orders()))

    assert outcomes(report) == [
        ("SF-2001", (2, 3), NEW),
        ("SF-2002", (4,), NEW),
        ("SF-2003", (5, 6), NEW),
    ]
    assert report.summary == "3 imported, 0 already imported, 0 refused."
    mixed, cod, two_lines = (
        Purchase.objects.get(external_reference=f"SF-200{n}") for n in (1, 2, 3)
    )
    assert [r.number for r in report.results] == [mixed.number, cod.number, two_lines.number]
    assert (mixed.kind, mixed.grand_total, mixed.shipping_charge) == (
        "mixed",
        Decimal("1683.88"),
        Decimal("49.00"),
    )
    assert [(i.sku, i.quantity, i.fulfilled_by) for i in mixed.items.order_by("line_number")] == [
        ("KH-BED-101", 1, "own"),
        ("IB-TWL-901", 2, "infibeam"),
    ]
    assert mixed.placed_at == dt.datetime(
        2026, 4, 1, 10, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")
    )
    assert (cod.status, cod.payment_method, cod.paid_at) == (PurchaseStatus.CONFIRMED, "cod", None)
    assert cod.grand_total == Decimal("2797.76")
    lines = [(i.sku, i.quantity, i.discount) for i in two_lines.items.order_by("line_number")]
    assert lines == [("KH-BED-101", 1, Decimal("100.00")), ("KH-KIT-301", 3, Decimal("0.00"))]
    assert two_lines.grand_total == Decimal("2627.52")
    assert two_lines.shipping_address.city == "Pune" and two_lines.billing_address.city == "Mumbai"
    assert {p.channel for p in (mixed, cod, two_lines)} == {phone}
    products["bedsheet"].refresh_from_db()
    assert products["bedsheet"].committed == 4
    assert Customer.objects.count() == 2


def test_the_same_file_again_places_nothing_new_and_says_already_imported(phone, products):
    first = run(phone, csv_file(three_orders()))
    again = run(phone, csv_file(three_orders()))

    assert [r.outcome for r in again.results] == [ALREADY, ALREADY, ALREADY]
    assert [r.number for r in again.results] == [r.number for r in first.results]
    assert again.summary == "0 imported, 3 already imported, 0 refused."
    assert Purchase.objects.count() == 3 and Item.objects.count() == 5
    products["bedsheet"].refresh_from_db()
    assert products["bedsheet"].committed == 4


def test_a_refused_order_is_listed_by_row_and_column_and_the_others_are_imported(phone, products):
    rows = three_orders()
    # SF-2002 asks for more bedsheets than there are.
    rows[2] |= {"quantity": "20", "line_total": "27977.60", "amount_charged": "27977.60"}
    rows[4]["line_total"] = "1340.00"  # SF-2003's second line does not add up
    report = run(phone, csv_file(rows))

    assert [r.outcome for r in report.results] == [NEW, REFUSED, REFUSED]
    short, wrong = report.results[1], report.results[2]
    assert short.detail == "Not enough stock for this order."
    assert [(p.row, p.column, p.message) for p in short.problems] == [
        (4, "quantity", "KH-BED-101: 9 available, 20 asked for.")  # SF-2001 took one
    ]
    assert [(p.row, p.column) for p in wrong.problems] == [(6, "line_total")]
    assert "is 1340.64, not 1340.00" in wrong.problems[0].message
    assert list(Purchase.objects.values_list("external_reference", flat=True)) == ["SF-2001"]
    refused = RefusedOrder.objects.order_by("id")
    assert [(r.external_reference, r.received_via, r.code) for r in refused] == [
        ("SF-2002", ReceivedVia.FILE, "out_of_stock"),
        ("SF-2003", ReceivedVia.FILE, "invalid_order"),
    ]
    assert '"reference": "SF-2002"' in refused[0].payload


def test_rows_the_schema_refuses_are_said_by_row_and_column_and_recorded(phone, products):
    rows = three_orders()
    rows[0]["customer_mobile"] = ""
    rows[1]["customer_mobile"] = ""
    rows[1]["quantity"] = "two"
    rows[2]["billing_pin_code"] = "56001"
    rows[4]["billing_city"] = "Bombay"  # the order's second row disagrees with its first
    rows[4]["customer_email"] = '=HYPERLINK("http://evil.example")'
    report = run(phone, csv_file(rows))

    found = {r.reference: [(p.row, p.column, p.code) for p in r.problems] for r in report.results}
    assert found == {
        "SF-2001": [(2, "customer_mobile", "missing"), (3, "quantity", "int_parsing")],
        "SF-2002": [(4, "billing_pin_code", "invalid_pin_code")],
        "SF-2003": [
            (6, "customer_email", "formula"),
            (6, "billing_city", "rows_disagree"),
        ],
    }
    assert report.results[0].problems[0].message == "Empty; a value is needed."
    assert not Purchase.objects.exists()
    recorded = RefusedOrder.objects.get(external_reference="SF-2002")
    assert recorded.code == "invalid_rows"
    assert recorded.problems == [
        {
            "field": "row 4, billing_pin_code",
            "code": "invalid_pin_code",
            "message": "A PIN code of 6 digits.",
        }
    ]


def test_a_preview_checks_everything_and_stores_nothing(phone, products):
    run(phone, csv_file(three_orders()[2:3]))  # SF-2002 is already imported
    rows = three_orders()
    rows[4]["sku"] = "NO-SUCH-SKU"
    models = (Purchase, Item, Customer, Address, AuditEntry, RefusedOrder)
    before = [model.objects.count() for model in models]

    report = run(phone, csv_file(rows), preview=True)

    assert [(r.outcome, r.number != "") for r in report.results] == [
        (NEW, False),
        (ALREADY, True),
        (REFUSED, False),
    ]
    assert report.summary == "1 to import, 1 already imported, 1 refused."
    assert [(p.row, p.column) for p in report.results[2].problems] == [(6, "sku")]
    assert [model.objects.count() for model in models] == before
    products["bedsheet"].refresh_from_db()
    assert products["bedsheet"].committed == 2


def test_a_preview_counts_the_stock_earlier_orders_of_the_file_take(phone, products):
    products["bottle"].on_hand = 4
    products["bottle"].save()
    rows = three_orders()[3:]
    second = [r | {"reference": "SF-2004"} for r in rows]
    report = run(phone, csv_file(rows + second), preview=True)

    assert [r.outcome for r in report.results] == [NEW, REFUSED]
    assert report.results[1].problems[0].message == "KH-KIT-301: 1 available, 3 asked for."


def test_an_excel_workbook_is_read_like_a_csv(phone, products):
    report = run(phone, xlsx_file(three_orders()))
    assert [r.outcome for r in report.results] == [NEW, NEW, NEW]
    assert Purchase.objects.get(external_reference="SF-2003").grand_total == Decimal("2627.52")


def test_semicolons_a_byte_order_mark_and_any_header_case_are_read(phone, products):
    header = [name.upper() for name in HEADER]
    rows = [{name.upper(): value for name, value in row.items()} for row in three_orders()]
    raw = "\ufeff".encode() + csv_file(rows, header=header, delimiter=";")
    assert [r.outcome for r in run(phone, raw).results] == [NEW, NEW, NEW]


def test_columns_not_read_are_named(phone, products):
    rows = [row | {"gift_note": "Happy Diwali"} for row in three_orders()]
    report = run(phone, csv_file(rows, header=[*HEADER, "gift_note"]), preview=True)
    assert report.unread_columns == ("gift_note",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The file is empty."),
        ("\ufeff".encode(), "The file has no header row naming its columns."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "neither a CSV file nor an Excel workbook"),
        ("reference,sku\nSF-1,caf\xe9\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"\xd0\xcf\x11\xe0" + bytes(600), "Excel 97-2003 workbook (.xls)"),
        (b"PK\x03\x04 not really a zip", "not a readable Excel workbook"),
        (b"reference,sku,quantity\nSF-1,KH-BED-101,1\n", "it lacks customer_name, customer_email"),
        (csv_file([]), "The file has no rows under its header row."),
        (csv_file(three_orders()[:1]) + b"SF-9,x,y" + b",z" * len(HEADER), "Row 3 has more cells"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_file_that_is_not_a_table_of_orders_is_one_message(phone, raw, message):
    with pytest.raises(FileUnreadable, match=None) as refused:
        run(phone, raw, preview=True)
    assert message in str(refused.value)


def test_more_than_5000_rows_is_refused(phone):
    row = csv_file(three_orders()[:1]).split(b"\r\n", 1)[1]
    raw = csv_file([]) + row * 5001
    with pytest.raises(FileUnreadable, match="more than 5,000 rows"):
        run(phone, raw)
    assert not RefusedOrder.objects.exists()


def test_a_disabled_channel_imports_nothing(phone, products):
    phone.active = False
    phone.save()
    with pytest.raises(InvalidInput, match="disabled"):
        run(phone, csv_file(three_orders()))
    assert not Purchase.objects.exists() and not RefusedOrder.objects.exists()


def test_an_order_the_database_cannot_place_stops_no_other(phone, products, monkeypatch):
    receive = imports.order_receive

    def flaky(*, channel, order, via, payload):
        if order.reference == "SF-2002":
            raise OperationalError("could not obtain lock")
        return receive(channel=channel, order=order, via=via, payload=payload)

    monkeypatch.setattr(imports, "order_receive", flaky)
    report = run(phone, csv_file(three_orders()))
    assert [r.outcome for r in report.results] == [NEW, REFUSED, NEW]
    assert "import the file again" in report.results[1].detail


def test_a_report_survives_the_session(phone, products):
    rows = three_orders()
    rows[2]["sku"] = "NOPE"
    report = run(phone, csv_file(rows), preview=True)
    assert ImportReport.from_data(report.as_data()) == report


def test_a_state_code_a_spreadsheet_made_a_number_keeps_its_zero(phone, products):
    rows = three_orders()[2:3]
    rows[0] |= {"billing_state": "7", "billing_city": "New Delhi", "billing_pin_code": "110001"}
    run(phone, xlsx_file(rows))
    assert Purchase.objects.get().billing_address.state == "07"


def test_a_line_of_its_own_without_reference_is_refused_alone(phone, products):
    rows = three_orders()[2:3] + [line("KH-BED-101", 1, "1249.00", "1398.88")]
    report = run(phone, csv_file(rows))
    assert [(r.reference, r.outcome) for r in report.results] == [("SF-2002", NEW), ("", REFUSED)]
    assert (3, "reference") in {(p.row, p.column) for p in report.results[1].problems}


@pytest.mark.parametrize(
    "when", ["0001-01-01", "0001-01-01T00:00+14:00", "2150-01-01 10:00", "4102444800"]
)
def test_a_purchase_date_out_of_this_century_is_refused_not_stored(phone, products, when):
    rows = three_orders()[2:3]
    rows[0]["placed_at"] = when
    result = run(phone, csv_file(rows)).results[0]
    assert result.outcome == REFUSED
    assert [(p.row, p.column) for p in result.problems] == [(2, "placed_at")]
    assert not Purchase.objects.exists()


def test_hostile_cells_and_bytes_are_reported_never_raised(phone, products):
    """Random text in any cell, or random bytes for a file: a report or FileUnreadable, and a
    preview stores nothing whatever it was given."""
    good = three_orders()

    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        cells=st.lists(
            st.tuples(st.integers(0, 4), st.sampled_from(HEADER), st.text(max_size=300)),
            max_size=4,
        ),
        junk=st.binary(max_size=400),
    )
    def fuzz(cells, junk):
        rows = [dict(row) for row in good]
        for index, column, text in cells:
            rows[index][column] = text
        writable = [{k: ILLEGAL_CHARACTERS_RE.sub("", v) for k, v in row.items()} for row in rows]
        for raw in (csv_file(rows), xlsx_file(writable), junk):
            try:
                report = run(phone, raw, preview=True)
            except FileUnreadable:
                continue
            assert len(report.results) >= 1
        assert not Purchase.objects.exists() and not RefusedOrder.objects.exists()

    fuzz()
