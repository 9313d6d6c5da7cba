"""Manage Purchases › Import purchases: a preview that stores nothing, an import of the file kept
on the server (never a copy the browser sends back), a report per order; Owner and Staff only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from channels.models import RefusedOrder
from purchases.models import Item, Purchase
from tests.channels.files import csv_file, make_channel, make_products, three_orders, xlsx_file

pytestmark = pytest.mark.django_db

PAGE = reverse("purchases:purchase-import")
CONFIRM = reverse("purchases:purchase-import-confirm")


@pytest.fixture
def kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "uploads"


@pytest.fixture
def shop(db, store, kept):
    return {"products": make_products(), "channel": make_channel()}


def preview(client, shop, raw: bytes, name="orders.csv"):
    upload = SimpleUploadedFile(name, raw, "text/csv")
    return client.post(PAGE, {"channel": shop["channel"].pk, "file": upload})


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]}, follow=True)


def test_staff_previews_then_imports_and_sees_each_order(client, staff, shop, kept):
    client.force_login(staff)
    shown = preview(client, shop, csv_file(three_orders()))

    assert shown.status_code == 200
    page = shown.content.decode()
    assert "3 to import, 0 already imported, 0 refused." in page
    assert "Import 3 orders" in page
    assert not Purchase.objects.exists()
    assert len(list(kept.iterdir())) == 1

    done = confirm(client, shown)
    assert done.redirect_chain == [(PAGE, 302)]
    page = done.content.decode()
    assert "orders.csv: 3 imported, 0 already imported, 0 refused." in page
    numbers = list(Purchase.objects.order_by("id").values_list("number", flat=True))
    assert len(numbers) == 3 and all(number in page for number in numbers)
    assert Item.objects.count() == 5
    assert list(kept.iterdir()) == []
    assert "Imported from Phone orders" not in client.get(PAGE).content.decode()  # shown once


def test_the_same_file_again_says_already_imported_and_offers_no_import(client, owner, shop):
    client.force_login(owner)
    confirm(client, preview(client, shop, csv_file(three_orders())))

    again = preview(client, shop, csv_file(three_orders()))
    page = again.content.decode()
    assert "0 to import, 3 already imported, 0 refused." in page
    assert page.count("Already imported") == 3 and "nothing new" in page
    assert again.context["token"] == "" and "Nothing in this file is left to import." in page
    assert Purchase.objects.count() == 3


def test_a_refused_order_is_shown_with_its_row_and_column_and_the_rest_import(client, staff, shop):
    rows = three_orders()
    rows[4]["sku"] = "NO-SUCH-SKU"
    client.force_login(staff)
    shown = preview(client, shop, csv_file(rows))
    page = shown.content.decode()
    assert "2 to import, 0 already imported, 1 refused." in page
    assert "<strong>Row 6, sku</strong>: No product has the SKU NO-SUCH-SKU." in page
    assert not RefusedOrder.objects.exists()

    done = confirm(client, shown).content.decode()
    assert "2 imported, 0 already imported, 1 refused." in done
    assert Purchase.objects.count() == 2
    assert RefusedOrder.objects.get().external_reference == "SF-2003"


def test_the_import_checks_every_order_again_rather_than_trusting_the_preview(client, staff, shop):
    client.force_login(staff)
    shown = preview(client, shop, csv_file(three_orders()))
    bottle = shop["products"]["bottle"]
    bottle.on_hand = 1
    bottle.save()

    page = confirm(client, shown).content.decode()
    assert "2 imported, 0 already imported, 1 refused." in page
    assert "KH-KIT-301: 1 available, 3 asked for." in page


def test_an_excel_workbook_is_previewed_and_imported(client, staff, shop):
    client.force_login(staff)
    shown = preview(client, shop, xlsx_file(three_orders()), name="orders.xlsx")
    assert "3 to import" in shown.content.decode()
    confirm(client, shown)
    assert Purchase.objects.count() == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00IHDR", "neither a CSV file nor an Excel workbook"),
        (b"reference,sku\nSF-1,KH-BED-101\n", "it lacks customer_name"),
        (b"x" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB (2.0 MB); split it."),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable Excel workbook"),
    ],
)
def test_a_bad_file_is_one_message_and_stores_nothing(client, staff, shop, kept, raw, message):
    client.force_login(staff)
    response = preview(client, shop, raw)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Purchase.objects.exists() and not RefusedOrder.objects.exists()
    assert not kept.exists() or list(kept.iterdir()) == []


def test_a_token_not_waiting_in_this_session_imports_nothing(client, staff, owner, shop):
    client.force_login(owner)
    shown = preview(client, shop, csv_file(three_orders()))
    token = shown.context["token"]

    client.force_login(staff)  # another session
    page = client.post(CONFIRM, {"token": token}, follow=True).content.decode()
    assert "this preview is no longer waiting" in page
    client.force_login(owner)
    assert (
        "no longer waiting"
        in client.post(CONFIRM, {"token": "forged"}, follow=True).content.decode()
    )
    assert not Purchase.objects.exists()


def test_import_pressed_twice_imports_once(client, staff, shop):
    client.force_login(staff)
    shown = preview(client, shop, csv_file(three_orders()))
    confirm(client, shown)
    second = confirm(client, shown).content.decode()
    assert "this preview is no longer waiting" in second
    assert Purchase.objects.count() == 3


def test_a_newer_preview_replaces_the_waiting_one(client, staff, shop, kept):
    client.force_login(staff)
    first = preview(client, shop, csv_file(three_orders()[:2]))
    second = preview(client, shop, csv_file(three_orders()))
    assert len(list(kept.iterdir())) == 1
    assert "no longer waiting" in confirm(client, first).content.decode()
    confirm(client, second)
    assert Purchase.objects.count() == 3


def test_only_active_channels_are_offered(client, staff, shop):
    make_channel(name="Old marketplace", code="old", kind="marketplace", active=False)
    client.force_login(staff)
    page = client.get(PAGE).content.decode()
    assert "Phone orders" in page and "Old marketplace" not in page


def test_a_viewer_may_neither_open_nor_post(client, viewer, shop):
    client.force_login(viewer)
    assert client.get(PAGE).status_code == 403
    upload = SimpleUploadedFile("orders.csv", csv_file(three_orders()), "text/csv")
    assert client.post(PAGE, {"channel": shop["channel"].pk, "file": upload}).status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert not Purchase.objects.exists()


@pytest.mark.parametrize(("role", "shown"), [("owner", True), ("staff", True), ("viewer", False)])
def test_manage_purchases_offers_the_import_to_those_who_may(client, store, role, shown, request):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("purchases:purchase-list")).content.decode()
    assert ("Import purchases" in page) is shown


def test_the_example_file_names_the_stores_products_and_imports_as_it_is(client, staff, shop):
    client.force_login(staff)
    example = client.get(reverse("purchases:purchase-import-example"))

    assert example.status_code == 200
    assert example["Content-Disposition"] == 'attachment; filename="orders-example.csv"'
    raw = example.content
    assert b"KH-BED-101" in raw and b"KH-KIT-301" in raw
    assert b"IB-TWL-901" not in raw  # the example buys the store's own products
    shown = preview(client, shop, raw, name="orders-example.csv")
    assert "2 to import, 0 already imported, 0 refused." in shown.content.decode()
    confirm(client, shown)
    assert Purchase.objects.count() == 2
