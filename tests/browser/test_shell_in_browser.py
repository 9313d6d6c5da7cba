"""The menu in Chromium: hover and keyboard open PURCHASES' drop-down and reach its three pages."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_purchases_menu_opens_on_hover_and_reaches_its_pages(page, owner):
    login(page, "owner")
    labels = page.locator(".menus > .menu > .menu-label").all_inner_texts()
    assert labels == [
        "CUSTOMIZATION",
        "CATALOG",
        "PURCHASES",
        "CONTENT",
        "CUSTOMER SERVICE",
        "PROMOTIONS",
        "CONFIGURATION",
        "ACCOUNTS",
    ]
    purchases = page.locator(".menu", has=page.locator(".menu-label", has_text="PURCHASES"))
    dropdown = purchases.locator(".dropdown")
    assert not dropdown.is_visible()
    purchases.hover()
    assert dropdown.is_visible()
    for title in ("Fulfill Shipments", "Manage Purchases", "Manage Shipments"):
        page.goto("/")
        page.locator(".menu", has_text="PURCHASES").hover()
        page.locator(".dropdown a", has_text=title).click()
        assert page.locator("h1").inner_text() == title


def test_purchases_menu_opens_on_keyboard_focus(page, owner):
    login(page, "owner")
    page.locator(".menu-label", has_text="PURCHASES").focus()
    dropdown = page.locator(".menu", has_text="PURCHASES").locator(".dropdown")
    assert dropdown.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Fulfill Shipments"
