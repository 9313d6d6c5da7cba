"""The eight menus in Chromium: each drop-down opens on hover, on keyboard focus and on a tap, and
every entry leads to a page with its title and breadcrumb."""

import pytest

from tests.browser.conftest import login
from webstore.menu import resolved_menus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU_LABELS = [
    "CUSTOMIZATION",
    "CATALOG",
    "PURCHASES",
    "CONTENT",
    "CUSTOMER SERVICE",
    "PROMOTIONS",
    "CONFIGURATION",
    "ACCOUNTS",
]


def menus():
    """The installed menus and entries, as the panel renders them."""
    return [(m["label"], [e["label"] for e in m["entries"]]) for m in resolved_menus()]


def menu(page, label):
    return page.locator(".menus > .menu", has=page.locator(".menu-label", has_text=label))


def assert_on_page(page, menu_label, entry_label):
    """The page's heading, window title and breadcrumb all name the entry, under its menu."""
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == entry_label
    assert page.title() == f"{entry_label} · Webstore"
    crumbs = page.locator(".breadcrumb li").all_inner_texts()
    assert crumbs[0] == "Admin Panel" and crumbs[-1] == entry_label
    assert menu_label.title() in crumbs


def test_each_menu_opens_on_hover_and_every_entry_has_its_page(page, owner, store, agent):
    login(page, "owner")
    assert page.locator(".menus > .menu > .menu-label").all_inner_texts() == MENU_LABELS
    for menu_label, entries in menus():
        assert entries, f"{menu_label} has no entries"
        for entry_label in entries:
            page.goto("/")
            this = menu(page, menu_label)
            dropdown = this.locator(".dropdown")
            assert not dropdown.is_visible()
            this.hover()
            assert dropdown.is_visible()
            assert this.locator(".menu-label").get_attribute("aria-expanded") == "true"
            assert dropdown.locator("a").all_inner_texts() == entries
            dropdown.get_by_role("link", name=entry_label, exact=True).click()
            assert_on_page(page, menu_label, entry_label)
            page.mouse.move(5, 880)
            assert not menu(page, menu_label).locator(".dropdown").is_visible()


def test_each_menu_opens_on_keyboard_focus_and_every_entry_is_reached_by_tab(page, owner, store):
    login(page, "owner")
    for menu_label, entries in menus():
        for position, entry_label in enumerate(entries):
            page.goto("/")
            label = menu(page, menu_label).locator(".menu-label")
            label.focus()
            dropdown = menu(page, menu_label).locator(".dropdown")
            assert dropdown.is_visible()
            assert label.get_attribute("aria-expanded") == "true"
            for _ in range(position + 1):
                page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == entry_label
            assert dropdown.is_visible()  # focus inside the drop-down keeps it open
            page.keyboard.press("Enter")
            assert_on_page(page, menu_label, entry_label)


def test_tab_moves_from_menu_to_menu_and_escape_closes(page, owner):
    login(page, "owner")
    first = menu(page, "CUSTOMIZATION")
    first.locator(".menu-label").focus()
    page.keyboard.press("Tab")  # into the drop-down: Printed Documents
    assert first.locator(".dropdown").is_visible()
    page.keyboard.press("Escape")
    assert not first.locator(".dropdown").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "CUSTOMIZATION"
    page.keyboard.press("Tab")  # the next menu, its drop-down opens and the previous one is gone
    assert page.evaluate("document.activeElement.textContent") == "CATALOG"
    assert menu(page, "CATALOG").locator(".dropdown").is_visible()
    assert not first.locator(".dropdown").is_visible()
    assert first.locator(".menu-label").get_attribute("aria-expanded") == "false"


def test_a_tap_on_a_tablet_opens_purchases_and_a_second_tap_reaches_a_page(
    chromium, live_server, owner
):
    context = chromium.new_context(
        viewport={"width": 820, "height": 1180},
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    tablet = context.new_page()
    try:
        login(tablet, "owner")
        purchases = menu(tablet, "PURCHASES")
        label = purchases.locator(".menu-label")
        assert label.get_attribute("aria-expanded") == "false"
        label.tap()
        assert purchases.locator(".dropdown").is_visible()
        assert label.get_attribute("aria-expanded") == "true"
        assert tablet.url.rstrip("/") == live_server.url  # the tap opened the menu, no navigation
        tablet.touchscreen.tap(400, 1100)  # a tap elsewhere on the page closes it
        assert not purchases.locator(".dropdown").is_visible()
        label.tap()
        purchases.get_by_role("link", name="Manage Purchases").tap()
        assert_on_page(tablet, "PURCHASES", "Manage Purchases")
        menu(tablet, "CATALOG").locator(".menu-label").tap()
        menu(tablet, "CATALOG").locator(".menu-label").tap()  # second tap follows the label's link
        tablet.wait_for_url("**/menu/catalog/")
        assert tablet.locator("h1").inner_text() == "Catalog"
    finally:
        context.close()


@pytest.mark.parametrize("width", [600, 820, 1280])
def test_drop_downs_stay_on_screen_at_every_width(chromium, live_server, owner, width):
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        login(tab, "owner")
        assert tab.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        for menu_label in MENU_LABELS:
            this = menu(tab, menu_label)
            this.hover()
            box = this.locator(".dropdown").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (menu_label, box)
    finally:
        context.close()


def test_pages_fit_a_phone_without_sideways_scrolling(chromium, live_server, owner, store, agent):
    """At 390 px wide tables scroll inside their own box; the page itself never scrolls sideways
    (long codes and values wrap, hidden labels stay inside their table)."""
    from tests import factories
    from tests.printing.scenario import shipment_for

    factories.staff()
    shipment = shipment_for(owner, agent, awb="12345678901")
    customer = shipment.purchase.customer
    pages = [
        "/users/",
        "/partners/settings/",
        "/configuration/store/",
        f"/customers/{customer.pk}/",
        "/purchases/",
        f"/purchases/{shipment.purchase_id}/",
        "/shipments/",
        f"/shipments/{shipment.pk}/",
        "/shipments/fulfil/?step=print",
    ]
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        login(tab, "owner")
        tab.mouse.move(0, 800)  # away from the menus, whose drop-downs open on hover
        for path in pages:
            assert tab.goto(path).status == 200, path
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path
    finally:
        context.close()
