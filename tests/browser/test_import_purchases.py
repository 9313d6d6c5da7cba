"""In Chromium: staff upload a channel's file of orders from Manage Purchases, read the preview
with its refusal, import, and find the new purchases in Manage Purchases."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from purchases.models import Purchase
from tests import factories
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious
from tests.channels.files import csv_file, make_channel, make_products, three_orders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.StoreProfileFactory()
    factories.staff()
    make_products()
    return make_channel()


def test_staff_preview_a_file_import_it_and_find_the_purchases(page, shop):
    rows = three_orders()
    rows.append(rows[2] | {"reference": "SF-2004", "sku": "NO-SUCH-SKU"})
    login(page, "staff")
    page.goto("/purchases/")
    page.get_by_role("link", name="Import purchases").click()
    expect(page.locator("h1")).to_have_text("Import purchases")
    axe = Axe()
    assert serious(axe.run(page)) == []

    page.select_option("#id_channel", label="Phone orders")
    page.set_input_files(
        "#id_file", {"name": "phone.csv", "mimeType": "text/csv", "buffer": csv_file(rows)}
    )
    page.get_by_role("button", name="Preview").click()

    report = page.locator(".import-report")
    expect(report.locator("h2")).to_contain_text("3 to import, 0 already imported, 1 refused.")
    refused = report.locator("tr.outcome-refused")
    expect(refused).to_contain_text("SF-2004")
    expect(refused).to_contain_text("Row 7, sku: No product has the SKU NO-SUCH-SKU.")
    assert not Purchase.objects.exists()
    assert serious(axe.run(page)) == []

    page.get_by_role("button", name="Import 3 orders").click()
    expect(page.locator(".message-success")).to_contain_text("phone.csv: 3 imported")
    numbers = list(Purchase.objects.order_by("number").values_list("number", flat=True))
    for number in numbers:
        expect(report.get_by_role("link", name=number)).to_be_visible()

    page.get_by_role("link", name="Manage Purchases").last.click()
    expect(page.locator("h1")).to_have_text("Manage Purchases")
    listed = page.locator("table.purchases tbody tr")
    expect(listed).to_have_count(3)
    for number in numbers:
        expect(page.locator("table.purchases")).to_contain_text(number)
    expect(listed.filter(has_text="Mixed")).to_have_count(1)
    expect(listed.filter(has_text="COD")).to_have_count(1)
