"""In Chromium, the paths a staff member takes through Fulfill Shipments, from fraud review to the
courier's van, and what a viewer sees there."""

import re

import pytest
from playwright.sync_api import expect

from purchases.models import Purchase, PurchaseStatus
from shipments import services
from shipments.models import HandoverBatch, Shipment, ShipmentStatus
from tests import factories
from tests.browser.conftest import login
from tests.printing.scenario import shipment_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    factories.StoreProfileFactory()
    staff = factories.staff()
    agent = factories.ShippingAgentFactory()
    split = factories.purchase_with_items(own=2, quantity=2)
    single = factories.purchase_with_items(own=1)
    return {"staff": staff, "agent": agent, "split": split, "single": single}


def tab(page, slug):
    page.locator(f'.tabs a[data-step="{slug}"]').click()
    expect(page.locator(f'.tabs a[data-step="{slug}"]')).to_have_attribute("aria-current", "page")
    page.wait_for_load_state()  # fulfil.js (deferred) has run: Enter in a row, select all


def test_staff_take_purchases_from_fraud_review_to_the_courier(page, shop):
    split, single, staff = shop["split"], shop["single"], shop["staff"]
    login(page, "staff")
    page.locator(".menu", has_text="PURCHASES").hover()
    page.locator(".dropdown a", has_text="Fulfill Shipments").click()
    expect(page.locator(".tabs a[aria-current=page]")).to_contain_text("Review fraud")

    # Fraud review in bulk.
    page.locator("input[data-select-all=ids]").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 selected")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".bulk-report h2")).to_have_text("Approve fraud check: 2 done, 0 refused.")

    # Invoices in bulk.
    tab(page, "invoice")
    page.locator("input[data-select-all=ids]").check()
    page.get_by_role("button", name="Issue invoices for selected").click()
    expect(page.locator(".bulk-report h2")).to_have_text("Issue invoice: 2 done, 0 refused.")
    expect(page.locator(".report-table")).to_contain_text("Invoice WS")

    # A split shipment for one purchase, one courier for the other from its row.
    tab(page, "assign")
    page.locator("tr", has_text=split.number).get_by_role("link", name="Split…").click()
    first, second = split.items.order_by("line_number")
    page.fill(f"#id_qty-{first.pk}", "2")
    page.fill(f"#id_qty-{second.pk}", "1")
    page.select_option("#id_agent", label="Blue Dart")
    page.get_by_role("button", name="Create shipment").click()
    expect(page.locator(".message-success")).to_contain_text("1 unit(s) of " + split.number)
    page.goto("/shipments/fulfil/?step=assign")
    for purchase in (single, split):
        row = page.locator("tr", has_text=purchase.number)
        row.locator("select").select_option(label="Blue Dart")
        row.get_by_role("button", name="Assign").click()
        expect(page.locator(".bulk-report h2")).to_have_text("Assign agent: 1 done, 0 refused.")
    split.refresh_from_db()
    assert split.shipments.count() == 2
    assert split.status == PurchaseStatus.AGENT_ASSIGNED

    # AWBs typed in the rows: Enter saves one row, the button records the rest.
    tab(page, "print")
    shipments = list(Shipment.objects.order_by("pk"))
    awbs = {shipment.pk: f"7000000000{n}" for n, shipment in enumerate(shipments)}
    page.fill(f"input[name=awb-{shipments[0].pk}]", awbs[shipments[0].pk])
    page.press(f"input[name=awb-{shipments[0].pk}]", "Enter")
    expect(page.locator(".bulk-report h2")).to_have_text("Record AWB: 1 done, 0 refused.")
    for shipment in shipments[1:]:
        page.fill(f"input[name=awb-{shipment.pk}]", awbs[shipment.pk])
    page.get_by_role("button", name="Record typed AWBs").click()
    expect(page.locator(".bulk-report h2")).to_have_text("Record AWB: 2 done, 0 refused.")

    # The printing app records each printed slip; that moves a shipment with its AWB to Shipped.
    for shipment in shipments:
        services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)

    # Hand over by scanning each slip's barcode.
    tab(page, "handover")
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Scan to hand over").click()
    scan = page.locator("#scan-code")
    expect(scan).to_be_focused()
    expect(page.locator("#scan-form[data-ready]")).to_have_count(1)  # scan.js answers in place
    for n, shipment in enumerate(shipments):
        code = awbs[shipment.pk] if n else f"  {shipment.reference.lower()} "
        scan.fill(code)
        scan.press("Enter")
        expect(page.locator("#scan-result")).to_have_class(re.compile(r"\bok\b"))
        expect(page.locator("#scan-result")).to_contain_text(
            f"OK{shipment.reference} handed to Blue Dart"
        )
        expect(page.locator("#scan-log li").first).to_contain_text(shipment.reference)
        expect(scan).to_be_focused()
        expect(scan).to_have_value("")
    expect(page.locator('.batch-card [data-field="parcels"]').first).to_have_text("3")

    # The same slip scanned twice is refused, in red, and changes nothing.
    scan.fill(awbs[shipments[1].pk])
    scan.press("Enter")
    expect(page.locator("#scan-result")).to_have_class(re.compile(r"\brefused\b"))
    expect(page.locator("#scan-result")).to_contain_text("already handed over")
    expect(page.locator("#scan-result")).to_have_attribute("data-tone", "refused")
    scan.fill("NO-SUCH-AWB")
    scan.press("Enter")
    expect(page.locator("#scan-result")).to_contain_text(
        "Unknown AWB or shipment reference: NO-SUCH-AWB."
    )

    # Finish the handover with the pickup person's name and mobile.
    card = page.locator(".batch-card").first
    card.locator("input[name=pickup_person]").fill("Ravi Kumar")
    card.locator("input[name=pickup_mobile]").fill("9845012345")
    card.get_by_role("button", name="Finish handover").click()
    expect(page.locator(".message-success")).to_contain_text("picked up by Ravi Kumar")

    assert set(Purchase.objects.values_list("status", flat=True)) == {PurchaseStatus.COMPLETE}
    assert set(Shipment.objects.values_list("status", flat=True)) == {ShipmentStatus.COMPLETE}
    batch = HandoverBatch.objects.get()
    assert batch.shipments.count() == 3 and batch.pickup_person == "Ravi Kumar"


def test_scan_page_works_without_javascript(chromium, live_server, shop):
    staff, agent = shop["staff"], shop["agent"]
    purchase = factories.purchase_with_items(status=PurchaseStatus.INVOICED)
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        login(page, "staff")
        page.goto("/shipments/scan/")
        page.fill("#scan-code", "12345678901")
        page.press("#scan-code", "Enter")
        expect(page.locator("#scan-result")).to_contain_text(
            f"OK{shipment.reference} handed to Blue Dart"
        )
        expect(page.locator("#scan-log li").first).to_contain_text(shipment.reference)
    finally:
        context.close()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE


def test_deny_from_a_row_needs_its_reason(page, shop):
    single = shop["single"]
    login(page, "staff")
    page.goto("/shipments/fulfil/?step=review")
    row = page.locator("tr", has_text=single.number)
    row.locator("summary", has_text="Deny…").click()
    reason = row.locator(f"input[name=reason-{single.pk}]")
    expect(reason).to_be_focused()
    row.get_by_role("button", name="Deny", exact=True).click()
    expect(page.locator(".report-table")).to_contain_text("Say why you deny the fraud check.")
    row = page.locator("tr", has_text=single.number)
    row.locator("summary", has_text="Deny…").click()
    row.locator(f"input[name=reason-{single.pk}]").fill("Card reported stolen")
    row.locator(f"input[name=reason-{single.pk}]").press("Enter")
    expect(page.locator(".bulk-report h2")).to_have_text("Deny fraud check: 1 done, 0 refused.")
    single.refresh_from_db()
    assert single.status == PurchaseStatus.FRAUD_DENIED


def test_viewer_sees_the_queue_but_no_action_buttons(page, shop):
    factories.viewer()
    login(page, "viewer")
    page.goto("/shipments/fulfil/?step=review")
    expect(page.locator("table.queue tbody tr")).to_have_count(2)
    expect(page.locator("button[name=action]")).to_have_count(0)
    expect(page.locator("input[type=checkbox]")).to_have_count(0)
    expect(page.locator(".queue-intro")).to_contain_text("your role cannot change it")
    page.goto("/shipments/fulfil/?step=handover")
    expect(page.get_by_role("link", name="Scan to hand over")).to_have_count(0)
    response = page.goto("/shipments/scan/")
    assert response.status == 403


def test_printing_from_the_queue_leaves_its_buttons_working(page, shop):
    """The slips open in a new tab; the queue stays usable without a reload."""
    shipment = shipment_for(shop["staff"], shop["agent"])
    login(page, "staff")
    page.goto("/shipments/fulfil/?step=print")
    page.wait_for_load_state()
    page.locator("tr", has_text=shipment.reference).locator("input[name=ids]").check()
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Print slips for selected").click()
    popup.value.close()
    record = page.get_by_role("button", name="Record typed AWBs")
    expect(record).to_be_enabled()
    page.fill(f"input[name=awb-{shipment.pk}]", "70000000001")
    record.click()
    expect(page.locator(".bulk-report h2")).to_have_text("Record AWB: 1 done, 0 refused.")


def test_hand_over_selected_asks_first(page, shop):
    staff, agent = shop["staff"], shop["agent"]
    shipment = shipment_for(staff, agent, awb="70000000002", printed=True)
    login(page, "staff")
    page.goto("/shipments/fulfil/?step=handover")
    page.wait_for_load_state()
    page.locator("tr", has_text=shipment.reference).locator("input[name=ids]").check()
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Hand over selected").click()
    expect(page.get_by_role("button", name="Hand over selected")).to_be_enabled()
    assert asked == ["Hand the selected parcels to their couriers?"]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hand over selected").click()
    expect(page.locator(".bulk-report h2")).to_have_text("Hand over: 1 done, 0 refused.")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.COMPLETE


def test_rows_per_page_by_keyboard_moves_first_and_shows_on_enter(page, shop):
    login(page, "staff")
    page.goto("/shipments/fulfil/?step=review")
    page.wait_for_load_state()
    rows = page.locator("select[name=per_page]")
    rows.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "per_page" not in page.url  # the arrows only moved through the choices
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "per_page=" in page.url
    assert page.locator("select[name=per_page]").input_value() != "25"
    with page.expect_navigation():  # chosen with the mouse: shown at once
        page.locator("select[name=per_page]").select_option("50")
    assert "per_page=50" in page.url
