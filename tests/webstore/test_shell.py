"""The panel shell: login, the eight menus, the back office."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MENUS = [
    "CUSTOMIZATION",
    "CATALOG",
    "PURCHASES",
    "CONTENT",
    "CUSTOMER SERVICE",
    "PROMOTIONS",
    "CONFIGURATION",
    "ACCOUNTS",
]


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_owner_sees_the_eight_menus_in_order(client, owner):
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    positions = [html.index(f">{label}<") for label in MENUS]
    assert positions == sorted(positions)
    for page in ("Fulfill Shipments", "Manage Purchases", "Manage Shipments"):
        assert page in html


def test_login_with_demo_password(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "webstore"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_back_office_is_for_superusers_only(client, owner, django_user_model):
    client.force_login(owner)
    assert client.get("/back-office/").status_code == 302
    admin = django_user_model.objects.create_superuser("root", "root@example.in", "x")
    client.force_login(admin)
    assert client.get("/back-office/").status_code == 200
