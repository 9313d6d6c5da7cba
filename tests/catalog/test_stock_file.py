"""The stock file on CATALOG › Products: every row is counted or says why not, and is shown once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.models import FulfilledBy, Product, StockMovement
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product-list")
UPLOAD = reverse("catalog:stock-upload")


@pytest.fixture
def products():
    return {
        sku: factories.ProductFactory(sku=sku, on_hand=on_hand, committed=2)
        for sku, on_hand in (("KH-BED-101", 12), ("KH-LAMP", 4), ("KH-TIFFIN", 0))
    }


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def upload(client, content: bytes | str, reason="stock take", name="stock.csv"):
    if isinstance(content, str):
        content = content.encode()
    data = {"file": SimpleUploadedFile(name, content, "text/csv"), "reason": reason}
    return client.post(UPLOAD, data, follow=True)


def report_of(response) -> list[tuple[str, str, str]]:
    return [(row.label, row.outcome, row.message) for row in response.context["report"].rows]


def on_hand() -> dict[str, int]:
    return dict(Product.objects.values_list("sku", "on_hand"))


def test_each_row_is_counted_and_reported_once(staff_client, staff, products):
    content = "\ufeffSKU;On hand;Reason\nKH-BED-101;15;\nkh-lamp;4;shelf 2 counted\n"
    response = upload(staff_client, content)
    assert response.redirect_chain[-1][0] == LIST
    assert report_of(response) == [
        ("Row 2: KH-BED-101", "done", "12 → 15 on hand."),
        ("Row 3: kh-lamp", "done", "4 on hand, as the panel had it."),
    ]
    html = response.content.decode()
    assert "Set stock from file: 2 done, 0 refused." in html
    assert f'href="/catalog/products/{products["KH-BED-101"].pk}/"' in html
    assert on_hand() == {"KH-BED-101": 15, "KH-LAMP": 4, "KH-TIFFIN": 0}
    movements = {m.product.sku: m for m in StockMovement.objects.select_related("product")}
    assert (movements["KH-BED-101"].quantity, movements["KH-BED-101"].reason) == (3, "stock take")
    assert (movements["KH-LAMP"].quantity, movements["KH-LAMP"].reason) == (0, "shelf 2 counted")
    assert movements["KH-LAMP"].user == staff

    again = staff_client.get(LIST)
    assert again.context["report"] is None
    assert "Set stock from file" not in again.content.decode().split("<summary>")[0]


def test_a_file_without_header_separated_by_tabs(staff_client, products):
    response = upload(staff_client, "KH-TIFFIN\t7\tnew shelf\r\nKH-LAMP\t1\r\n")
    assert report_of(response) == [
        ("Row 1: KH-TIFFIN", "done", "0 → 7 on hand."),
        ("Row 2: KH-LAMP", "done", "4 → 1 on hand."),
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        ("KH-NOPE,3", "Unknown SKU KH-NOPE."),
        ("IB-PHONE,3", "IB-PHONE is fulfilled by Infibeam: the partner keeps its stock"),
        ("KH-LAMP,-3", "On hand must be a whole number of 0 or more, not “-3”."),
        ("KH-LAMP,2.5", "On hand must be a whole number of 0 or more, not “2.5”."),
        ("KH-LAMP,ten", "On hand must be a whole number of 0 or more, not “ten”."),
        ("KH-LAMP,1 000", "On hand must be a whole number of 0 or more, not “1 000”."),
        ("KH-LAMP,", "On hand is empty: give the number of units on the shelf."),
        (",5", "The SKU is empty."),
        ("KH-LAMP,99999999", "KH-LAMP: at most 10,000,000 units may be on hand."),
        ('=HYPERLINK("http://evil"),5', "A cell looks like a spreadsheet formula"),
        ("KH-LAMP,=1+1", "A cell looks like a spreadsheet formula"),
        ("KH-LAMP,5,@SUM(A1)", "A cell looks like a spreadsheet formula"),
        ("KH-LAMP,5,broken, returned", "Expected sku, on hand and a reason, found 4 columns"),
        ("KH-LAMP,5," + "x" * 1001, "The reason may be at most 1,000 characters."),
    ],
)
def test_each_refusal_says_why_and_changes_nothing(staff_client, products, row, message):
    factories.ProductFactory(sku="IB-PHONE", fulfilled_by=FulfilledBy.INFIBEAM, on_hand=0)
    before = on_hand()
    response = upload(staff_client, f"sku,on_hand,reason\n{row}\nKH-TIFFIN,9\n")
    (label, outcome, said), good = report_of(response)
    assert outcome == "refused" and said.startswith(message), said
    assert good == ("Row 3: KH-TIFFIN", "done", "0 → 9 on hand.")  # the next row still counts
    assert on_hand() == {**before, "KH-TIFFIN": 9}
    assert StockMovement.objects.count() == 1


def test_a_sku_named_twice_is_refused_on_every_row(staff_client, products):
    response = upload(staff_client, "KH-LAMP,5\nKH-BED-101,10\nkh-lamp,6\n")
    assert report_of(response) == [
        ("Row 1: KH-LAMP", "refused", "KH-LAMP is on rows 1 and 3: give each SKU once."),
        ("Row 2: KH-BED-101", "done", "12 → 10 on hand."),
        ("Row 3: kh-lamp", "refused", "kh-lamp is on rows 1 and 3: give each SKU once."),
    ]
    assert on_hand()["KH-LAMP"] == 4


def test_a_row_without_any_reason_is_refused(staff_client, products):
    response = upload(staff_client, "KH-LAMP,5\nKH-BED-101,10,delivery checked\n", reason=" ")
    assert report_of(response) == [
        (
            "Row 1: KH-LAMP",
            "refused",
            "No reason: give one in the file's third column or in the form.",
        ),
        ("Row 2: KH-BED-101", "done", "12 → 10 on hand."),
    ]


def test_refused_rows_are_shown_with_the_upload_box_open(staff_client, products):
    html = upload(staff_client, "KH-NOPE,5\n").content.decode()
    assert "Set stock from file: 0 done, 1 refused." in html
    assert '<details class="upload" open>' in html


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        ("KH-LAMP,5,café\n".encode("latin-1"), "The file is not UTF-8 text."),
        ("KH-LAMP,5\n".encode("utf-16"), "The file is not UTF-8 text."),
        (b"KH-LAMP,5\n\x00\x00", "This is not a CSV text file."),
        (b"sku,on_hand,reason\n", "The file has no rows to count"),
        (b"\n\n,,\n", "The file has no rows to count"),
        (b"KH-LAMP,5\n" * 5001, "The file has more than 5,000 rows; split it."),
        (b"KH-LAMP,5" + b",x" * 25 + b"\n", "A row has more than 20 columns"),
        (b"KH-LAMP,5,x\n" * 120_000, "The file is larger than 1 MB (1.4 MB); split it."),
        (b'"KH-LAMP,5\n' + b"x" * 200_000, "The file is not a readable CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(staff_client, products, content, message):
    before = on_hand()
    response = upload(staff_client, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stock file not read: " in html and message in html
    assert response.context["report"] is None
    assert on_hand() == before and not StockMovement.objects.exists()


def test_the_report_escapes_what_the_file_says(staff_client, products):
    html = upload(staff_client, "<script>alert(1)</script>,5\n").content.decode()
    assert "<script>alert(1)" not in html
    assert "Unknown SKU &lt;script&gt;alert(1)&lt;/script&gt;." in html


def test_only_owner_and_staff_see_the_upload_box(client, owner, viewer):
    for user, shown in ((owner, True), (viewer, False)):
        client.force_login(user)
        assert ("Set stock from a CSV file" in client.get(LIST).content.decode()) is shown


ANY_FILE = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(st.text(max_size=12), max_size=5).map(",".join), max_size=8)
    .map("\n".join)
    .map(str.encode),
)


def test_any_file_is_a_report_or_a_message_never_an_error(staff_client, products):
    @settings(max_examples=40, deadline=None, database=None)
    @given(content=ANY_FILE)
    def attempt(content):
        before = on_hand()
        response = upload(staff_client, content)
        assert response.status_code == 200
        report = response.context["report"]
        if report is None or not report.done:
            assert on_hand() == before

    attempt()
