"""Sales Channels in Chromium: the Owner adds a channel and sees its secret once; a reload, Back
and a rotation's page never show it again."""

import pytest

from channels.models import SalesChannel
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_adds_a_channel_and_sees_its_secret_only_once(page, owner):
    login(page, "owner")
    page.goto("/channels/")
    page.click("text=Add a sales channel")
    page.fill("#id_name", "Web storefront")
    page.fill("#id_code", "web")
    page.select_option("#id_kind", "storefront")
    page.click("button:has-text('Add sales channel')")

    page.wait_for_selector("#channel-secret")
    secret = SalesChannel.objects.get(code="web").secret
    assert page.locator("#channel-secret").inner_text() == secret
    assert "shown this once" in page.locator(".new-secret h2").inner_text()
    assert "Web storefront\nweb" in page.locator("table.list tbody").inner_text()

    page.goto("/")
    page.go_back()  # the page was sent no-store: Back asks the server again, which shows nothing
    page.wait_for_selector("table.list")
    assert secret not in page.content()

    page.reload()
    page.wait_for_selector("table.list")
    assert page.locator("#channel-secret").count() == 0
    assert secret not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())  # "Make a new secret…?"
    page.click("button:has-text('Rotate secret')")
    page.wait_for_selector("#channel-secret")
    rotated = SalesChannel.objects.get(code="web")
    assert page.locator("#channel-secret").inner_text() == rotated.secret != secret
    assert "The old secret keeps working until" in page.locator(".new-secret").inner_text()
    assert secret not in page.content()
