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


def test_someone_logged_in_who_opens_the_login_page_goes_on_to_the_dashboard(client, owner):
    client.force_login(owner)
    response = client.get(reverse("login"))
    assert response.status_code == 302 and response.url == reverse("home")


def test_the_logout_address_opened_by_hand_offers_the_button(client, owner):
    """Logging out is a POST; a GET (a typed or bookmarked address) shows the button to press."""
    client.force_login(owner)
    page = client.get(reverse("logout"))
    assert page.status_code == 200
    assert f'<form method="post" action="{reverse("logout")}"' in page.content.decode()
    assert client.get(reverse("home")).status_code == 200  # still logged in
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out
    assert client.get(reverse("logout")).url.startswith(reverse("login"))


def test_the_dashboard_offers_scanning_only_to_those_who_may_hand_over(client, owner, viewer):
    client.force_login(viewer)
    assert reverse("shipments:scan") not in client.get(reverse("home")).content.decode()
    client.force_login(owner)
    assert reverse("shipments:scan") in client.get(reverse("home")).content.decode()


def test_back_office_is_for_superusers_only(client, owner, django_user_model):
    client.force_login(owner)
    assert client.get("/back-office/").status_code == 302
    admin = django_user_model.objects.create_superuser("root", "root@example.in", "x")
    client.force_login(admin)
    assert client.get("/back-office/").status_code == 200
