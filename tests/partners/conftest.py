"""Signing and posting partner batches the way docs/partner-feed.md tells the partner to."""

import json
import time

import pytest
from django.urls import reverse

from core.signing import signature_of
from partners.models import PartnerFeedSettings
from purchases.models import PurchaseStatus
from tests import factories


@pytest.fixture
def secret(db):
    return PartnerFeedSettings.objects.current().secret


@pytest.fixture
def partner_purchase(store):
    """An Infibeam-only purchase: two lines of two units each, confirmed, awaiting the partner."""
    return factories.purchase_with_items(own=0, partner=2, quantity=2)


@pytest.fixture
def mixed_purchase(store):
    """One own line and one Infibeam line, two units each, confirmed."""
    return factories.purchase_with_items(
        own=1, partner=1, quantity=2, status=PurchaseStatus.CONFIRMED
    )


def event(
    purchase,
    line,
    kind="handed_over",
    quantity=1,
    *,
    event_id,
    at="2026-01-01T10:00:00+05:30",
    **extra,
):
    data = {
        "event_id": event_id,
        "purchase": purchase.number,
        "line": line,
        "kind": kind,
        "quantity": quantity,
        "occurred_at": at,
    }
    if kind == "cancelled":
        data.setdefault("reason", "Seller out of stock")
    data.update(extra)
    return data


@pytest.fixture
def post_batch(client, secret):
    """POST a body signed with the store's secret (or as told); returns (status, JSON answer)."""

    def post(payload, *, key=None, timestamp=None, signature=None, headers=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        sent = {
            "X-Webstore-Timestamp": timestamp,
            "X-Webstore-Signature": signature
            or signature_of(secret=key or secret, timestamp=timestamp, body=body),
        }
        if headers is not None:
            sent = headers
        response = client.post(
            reverse("partners:feed"), data=body, content_type="application/json", headers=sent
        )
        assert response["Content-Type"] == "application/json"
        return response.status_code, response.json()

    return post
