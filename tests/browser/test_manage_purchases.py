"""In Chromium: the owner finds a purchase in Manage Purchases by the caller's mobile and by the
AWB, opens it and reads its timeline, and cancels part of it; staff cannot cancel; a viewer can
change nothing."""

import pytest
from playwright.sync_api import expect

from purchases import services as purchase_services
from purchases.models import Item, PurchaseStatus
from shipments import services as shipment_services
from tests import factories
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    factories.StoreProfileFactory()
    owner, staff = factories.owner(), factories.staff()
    factories.viewer()
    agent = factories.ShippingAgentFactory()
    caller = factories.CustomerFactory(name="Ananya Iyer", mobile="9845012345")
    shipped = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, customer=caller, own=1
    )
    purchase_services.purchase_issue_invoice(purchase_id=shipped.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=shipped.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    address = factories.AddressFactory(mobile="9820098200")
    for _ in range(3):  # other purchases the searches must not return
        factories.purchase_with_items(billing_address=address)
    confirmed = factories.purchase_with_items(own=2, quantity=2, billing_address=address)
    return {"owner": owner, "staff": staff, "shipped": shipped, "confirmed": confirmed}


def open_manage_purchases(page):
    page.locator(".menu", has_text="PURCHASES").hover()
    page.locator(".dropdown a", has_text="Manage Purchases").click()
    expect(page.locator("h1")).to_have_text("Manage Purchases")


def search(page, text):
    page.fill("input[name=q]", text)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_owner_finds_a_purchase_by_mobile_and_by_awb_and_reads_its_timeline(page, shop):
    shipped = shop["shipped"]
    login(page, "owner")
    open_manage_purchases(page)
    expect(page.locator(".tabs a[aria-current=page]")).to_contain_text("All")

    search(page, "+91 98450 12345")
    rows = page.locator("table.purchases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(shipped.number)
    expect(page.locator("input[name=q]")).to_have_value("+91 98450 12345")

    search(page, "12345678901")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=shipped.number).click()

    expect(page.locator("h1")).to_have_text(f"Purchase {shipped.number}")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Issue invoice")
    expect(timeline).to_contain_text("Fraud Approved → Invoiced")
    expect(timeline).to_contain_text("AWB recorded: 12345678901")
    expect(timeline).to_contain_text(f"by {shop['staff'].get_full_name() or 'staff'}")
    track = page.get_by_role("link", name="Track ↗")
    expect(track).to_have_attribute("target", "_blank")
    expect(track).to_have_attribute(
        "href", "https://www.bluedart.com/trackdartresult?trackFor=0&trackNo=12345678901"
    )


def test_state_tabs_and_filters_stay_in_the_url(page, shop):
    login(page, "owner")
    open_manage_purchases(page)
    page.locator('.tabs a[data-state="agent_assigned"]').click()
    expect(page.locator("table.purchases tbody tr")).to_have_count(1)
    page.select_option("select[name=payment]", "cod")
    page.get_by_role("button", name="Find").click()
    assert "state=agent_assigned" in page.url and "payment=cod" in page.url
    expect(page.locator(".list-count")).to_contain_text("No purchase matches these filters.")
    page.locator('.tabs a[data-state="all"]').click()
    assert "payment=cod" in page.url and "state=" not in page.url


def test_owner_cancels_one_unit_with_a_reason(page, shop):
    confirmed = shop["confirmed"]
    first = confirmed.items.order_by("line_number").first()
    login(page, "owner")
    page.goto(f"/purchases/{confirmed.pk}/")
    page.locator("summary", has_text="Cancel purchase").click()
    expect(page.locator("input[name=scope][value=whole]")).to_be_checked()
    page.fill(f"input[name=quantity_{first.pk}]", "1")  # typing a quantity chooses "only these"
    expect(page.locator("input[name=scope][value=items]")).to_be_checked()
    page.fill("textarea[name=reason]", "One arrived damaged at the warehouse")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Cancel these").click()
    expect(page.locator(".message-success")).to_contain_text("cancelled; now Confirmed")
    assert asked == [f"Cancel {confirmed.number} as chosen? This cannot be undone."]
    expect(page.locator("ol.timeline")).to_contain_text("One arrived damaged")
    assert Item.objects.get(pk=first.pk).cancelled_quantity == 1


def test_staff_have_no_cancel_button(page, shop):
    login(page, "staff")
    page.goto(f"/purchases/{shop['confirmed'].pk}/")
    actions = page.locator(".purchase-actions")
    expect(actions.get_by_role("button", name="Approve fraud check")).to_be_visible()
    expect(page.get_by_text("Cancel purchase")).to_have_count(0)


def test_viewer_sees_everything_and_no_action(page, shop):
    login(page, "viewer")
    page.goto(f"/purchases/{shop['confirmed'].pk}/")
    expect(page.locator("h2", has_text="Timeline")).to_be_visible()
    expect(page.locator(".purchase-actions")).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)
