"""The panel's partner pages: Partner Feed settings and Rejected Partner Events, by role."""

import json
import re
import time

import pytest
from django.urls import reverse

from core.signing import signature_of
from partners.models import PartnerFeedSettings, RejectedPartnerEvent, RejectionReason

pytestmark = pytest.mark.django_db

SETTINGS = reverse("partners:settings")
ROTATE = reverse("partners:rotate-secret")
REJECTED = reverse("partners:rejected-list")


def test_pages_need_a_login(client):
    for url in (SETTINGS, REJECTED):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(ROTATE).status_code == 302


def test_owner_sees_the_secret_and_how_to_sign(client, owner):
    secret = PartnerFeedSettings.objects.current().secret
    client.force_login(owner)
    html = client.get(SETTINGS).content.decode()
    assert secret in html
    assert "http://testserver/partners/feed/" in html
    assert "X-Webstore-Signature" in html and "X-Webstore-Timestamp" in html
    assert 'action="/partners/settings/rotate/"' in html


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_see_the_page_but_never_the_secret(client, request, role):
    secret = PartnerFeedSettings.objects.current().secret
    client.force_login(request.getfixturevalue(role))
    response = client.get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert secret not in html and secret[:16] not in html
    assert "Only the Owner can see or rotate the shared secret." in html
    assert "Rotate secret" not in html


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_cannot_rotate(client, request, role):
    secret = PartnerFeedSettings.objects.current().secret
    client.force_login(request.getfixturevalue(role))
    assert client.post(ROTATE).status_code == 403
    assert PartnerFeedSettings.objects.current().secret == secret


def test_rotation_refuses_the_old_secret_at_once(client, owner, partner_purchase):
    from tests.partners.conftest import event

    old = PartnerFeedSettings.objects.current().secret
    client.force_login(owner)
    response = client.post(ROTATE, follow=True)
    assert "A new secret is in force" in response.content.decode()
    new = PartnerFeedSettings.objects.current().secret
    assert new != old and new in response.content.decode()

    body = json.dumps({"events": [event(partner_purchase, 1, event_id="rot-1")]}).encode()
    timestamp = str(int(time.time()))
    for key, expected in ((old, 401), (new, 200)):
        response = client.post(
            reverse("partners:feed"),
            data=body,
            content_type="application/json",
            headers={
                "X-Webstore-Timestamp": timestamp,
                "X-Webstore-Signature": signature_of(secret=key, timestamp=timestamp, body=body),
            },
        )
        assert response.status_code == expected


def test_rotate_is_post_only(client, owner):
    client.force_login(owner)
    secret = PartnerFeedSettings.objects.current().secret
    assert client.get(ROTATE).status_code == 405
    assert PartnerFeedSettings.objects.current().secret == secret


@pytest.mark.parametrize("role", ["owner", "staff", "viewer"])
def test_every_role_reads_the_rejected_list(client, request, role, partner_purchase):
    RejectedPartnerEvent.objects.create(
        received_via="api",
        reason=RejectionReason.UNKNOWN_ITEM,
        detail="WS100001 has no item line 9.",
        event_id="ev-9",
        purchase_number=partner_purchase.number,
        purchase=partner_purchase,
        payload='{"event_id": "ev-9"}',
    )
    client.force_login(request.getfixturevalue(role))
    html = client.get(REJECTED).content.decode()
    row = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    for text in ("unknown_item", "WS100001 has no item line 9.", "ev-9", partner_purchase.number):
        assert text in row
    assert reverse("purchases:purchase-detail", args=[partner_purchase.pk]) in row


def test_rejected_payload_is_shown_escaped(client, owner, post_batch):
    post_batch(None, raw=b'<script>alert("x")</script>')
    client.force_login(owner)
    html = client.get(REJECTED).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html


def test_rejected_list_filters_by_reason(client, owner):
    for reason in ("bad_signature", "unknown_purchase"):
        RejectedPartnerEvent.objects.create(received_via="api", reason=reason, event_id=reason)
    client.force_login(owner)
    html = client.get(REJECTED, {"reason": "unknown_purchase"}).content.decode()
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    assert "unknown_purchase" in body and "bad_signature" not in body
    assert client.get(REJECTED, {"reason": "<nonsense>"}).status_code == 200


def test_rejected_list_costs_the_same_queries_for_many_rows(
    client, owner, partner_purchase, django_assert_max_num_queries
):
    client.force_login(owner)

    def add(n):
        RejectedPartnerEvent.objects.bulk_create(
            RejectedPartnerEvent(
                received_via="api",
                reason="unknown_item",
                event_id=f"e-{i}",
                purchase=partner_purchase,
                payload="{}",
            )
            for i in range(n)
        )

    add(1)
    with django_assert_max_num_queries(12) as few:
        assert client.get(REJECTED).status_code == 200
    add(120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(REJECTED, {"page": 2})
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 51  # header + 50 rows


def test_menu_lists_both_pages_under_configuration(client, owner):
    client.force_login(owner)
    html = client.get(reverse("menu", args=["configuration"])).content.decode()
    assert "Partner Feed" in html and "Rejected Partner Events" in html


@pytest.mark.parametrize("page", ["abc", "-1", "99999"])
def test_a_bad_page_number_of_the_rejected_events_shows_a_page(client, owner, page):
    client.force_login(owner)
    assert client.get(reverse("partners:rejected-list"), {"page": page}).status_code == 200
