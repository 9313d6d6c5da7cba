"""In Chromium: a staff member answers failed deliveries from Manage Shipments' Action needed tab
(a reattempt on a new mobile, a return to origin) and downloads the courier's reattempts file."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from deliveries.models import DeliveryInstruction, NdrAnswer
from tests import factories
from tests.browser.conftest import login
from tests.deliveries.parcels import failed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failures(db):
    factories.StoreProfileFactory()
    staff = factories.staff()
    agent = factories.ShippingAgentFactory()
    older = failed(staff, agent, "11111111111", hours_ago=30, reason="Customer not available")
    newer = failed(staff, agent, "22222222222", hours_ago=2, reason="Address incomplete")
    return {"older": older, "newer": newer}


def test_staff_answer_failed_deliveries_from_the_action_needed_tab(page, failures):
    older, newer = failures["older"], failures["newer"]
    login(page, "staff")
    page.locator(".menu", has_text="PURCHASES").hover()
    page.locator(".dropdown a", has_text="Manage Shipments").click()
    page.locator('.tabs a[data-tab="action"]').click()
    expect(page.locator('.tabs a[data-tab="action"]')).to_have_attribute("aria-current", "page")
    expect(page.locator('.tabs a[data-tab="action"] .count')).to_have_text("2")
    rows = page.locator("table.ndr tbody tr")
    expect(rows.first).to_contain_text(older.reference)  # oldest first
    expect(rows.first).to_contain_text("30 h ago")
    expect(rows.first).to_contain_text("Customer not available")

    # A reattempt on a new mobile, typed in the row and sent with Enter.
    row = page.locator(f'tr[data-shipment="{older.pk}"]')
    row.get_by_text("Reattempt…").click()
    mobile = row.get_by_label("New mobile")
    mobile.fill("98450 12345")
    row.get_by_label("Address line to add").fill("Behind the post office")
    mobile.press("Enter")
    expect(page.locator(".message-success")).to_contain_text(
        f"{older.reference}: reattempt asked: new mobile 9845012345"
    )
    expect(page.locator('.tabs a[data-tab="action"] .count')).to_have_text("1")
    expect(page.locator(f'tr[data-shipment="{older.pk}"]')).to_have_count(0)
    expect(page.locator(".reattempt-files")).to_contain_text("Blue Dart: 1 reattempt waiting")

    # The other goes back to the store, after the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'tr[data-shipment="{newer.pk}"]').get_by_role(
        "button", name="Return to origin"
    ).click()
    expect(page.locator(".message-success")).to_contain_text("return to origin asked")
    expect(page.locator(".empty-queue")).to_have_text("No failed delivery waits for an answer.")

    # The reattempts file for Blue Dart, marked sent.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download file and mark sent").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "11111111111" in text and "9845012345" in text and "Behind the post office" in text
    answers = dict(DeliveryInstruction.objects.values_list("shipment", "answer"))
    assert answers == {older.pk: NdrAnswer.REATTEMPT, newer.pk: NdrAnswer.RETURN_TO_ORIGIN}
    assert DeliveryInstruction.objects.get(shipment=older).sent_to_courier_at is not None
