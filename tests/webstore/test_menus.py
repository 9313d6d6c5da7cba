"""The eight menus: each drop-down entry resolves and answers each role as it should, each page
has its title and breadcrumb, read-only roles see no buttons and cannot POST, errors are kind."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from configuration.models import StoreProfile
from shipments.models import ShippingAgent
from tests import factories
from webstore.menu import MENUS, resolved_menus

pytestmark = pytest.mark.django_db

ROLES = ["owner", "staff", "viewer"]
# Entries whose answer this suite knows for every role; entries other apps add must still answer
# 200 or 403 (never 404 or 500).
EVERYONE = {role: 200 for role in ROLES}
OWNER_ONLY = {"owner": 200, "staff": 403, "viewer": 403}
EXPECTED = {
    "configuration:documents": EVERYONE,
    "catalog:product-list": EVERYONE,
    "shipments:fulfil": EVERYONE,
    "purchases:purchase-list": EVERYONE,
    "shipments:shipment-list": EVERYONE,
    "configuration:emails": EVERYONE,
    "customers:customer-list": EVERYONE,
    "catalog:discounts": EVERYONE,
    "configuration:store-profile": EVERYONE,
    "configuration:agent-list": EVERYONE,
    "accounts:user-list": EVERYONE,
    "password_change": EVERYONE,
}
ENTRIES = [
    (menu.slug, menu.label, entry.label, entry.url_name) for menu in MENUS for entry in menu.entries
]
MINE = [e for e in ENTRIES if e[3] in EXPECTED]


@pytest.fixture
def everyone(db, store, agent):
    factories.owner()
    factories.staff()
    factories.viewer()


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


def breadcrumb(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", nav, re.S)
    ]


def test_every_menu_entry_is_installed():
    """Each declared entry resolves (a missing URL would silently drop it from the menu)."""
    for menu in resolved_menus():
        declared = next(m for m in MENUS if m.slug == menu["slug"])
        installed = [e["label"] for e in menu["entries"]]
        mine = [e.label for e in declared.entries if e.url_name in EXPECTED]
        assert set(mine) <= set(installed), menu["label"]


@pytest.mark.parametrize("slug", [menu.slug for menu in MENUS])
def test_menu_landing_page_lists_its_entries_with_what_they_are_for(client, owner, slug):
    client.force_login(owner)
    response = client.get(reverse("menu", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    menu = next(m for m in resolved_menus() if m["slug"] == slug)
    assert h1(html) == menu["label"].title()
    assert breadcrumb(html) == ["Admin Panel", menu["label"].title()]
    assert f'<li class="menu active">\n      <a href="{menu["url"]}"' in html
    for entry in menu["entries"]:
        assert f'href="{entry["url"]}"' in html and entry["label"] in html
    assert 'class="entry-description"' in html


def test_unknown_menu_is_a_friendly_404(client, owner):
    client.force_login(owner)
    response = client.get(reverse("menu", args=["nonsense"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("slug", "menu_label", "label", "url_name"), ENTRIES)
def test_each_dropdown_entry_answers_each_role(
    client, everyone, role, slug, menu_label, label, url_name
):
    client.force_login(User.objects.get(username=role))
    html = client.get(reverse("home")).content.decode()
    url = reverse(url_name)
    assert f'<a href="{url}">{label}</a>' in html  # it is in the drop-down
    response = client.get(url)
    expected = EXPECTED.get(url_name, {}).get(role)
    if expected is None:
        assert response.status_code in (200, 403), f"{url_name} answered {response.status_code}"
    else:
        assert response.status_code == expected
    if response.status_code == 403:
        assert "Your role does not allow this" in response.content.decode()


@pytest.mark.parametrize(("slug", "menu_label", "label", "url_name"), MINE)
def test_each_page_has_its_title_breadcrumb_and_active_menu(
    client, everyone, slug, menu_label, label, url_name
):
    client.force_login(User.objects.get(username="owner"))
    html = client.get(reverse(url_name)).content.decode()
    assert h1(html) == label
    assert f"<title>{label} · Webstore</title>" in html
    assert breadcrumb(html) == ["Admin Panel", menu_label.title(), label]
    assert f'<a href="{reverse("menu", args=[slug])}">{menu_label.title()}</a>' in html
    assert re.search(
        rf'<li class="menu active">\s*<a href="[^"]+" class="menu-label"[^>]*>{menu_label}<',
        html,
    )


def test_list_pages_run_a_fixed_number_of_queries(client, everyone, django_assert_max_num_queries):
    for _ in range(30):
        factories.purchase_with_items(own=1, partner=1)
    client.force_login(User.objects.get(username="owner"))
    for url_name in [
        "catalog:product-list",
        "customers:customer-list",
        "catalog:discounts",
        "configuration:agent-list",
        "accounts:user-list",
    ]:
        with django_assert_max_num_queries(9):
            assert client.get(reverse(url_name)).status_code == 200


# -- read-only roles -------------------------------------------------------------------------

EDIT_BUTTONS = [
    "Add a product",
    "Edit product",
    "Edit store profile",
    "Add a shipping agent",
    ">Edit<",
    "Save prefixes",
    "Add a user",
    "Change role",
    "Deactivate",
]


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_read_only_roles_see_no_add_or_edit_buttons(client, everyone, role):
    product = factories.ProductFactory()
    client.force_login(User.objects.get(username=role))
    for url in [
        reverse("catalog:product-list"),
        reverse("catalog:product-detail", args=[product.pk]),
        reverse("configuration:store-profile"),
        reverse("configuration:agent-list"),
        reverse("configuration:documents"),
        reverse("accounts:user-list"),
    ]:
        html = client.get(url).content.decode()
        for button in EDIT_BUTTONS:
            assert button not in html, (url, button)


def state():
    """What the refused POSTs below must leave untouched."""
    store = StoreProfile.objects.get()
    agent = ShippingAgent.objects.get()
    return (
        Product.objects.count(),
        list(Product.objects.values_list("price", flat=True)),
        store.legal_name,
        store.invoice_prefix,
        ShippingAgent.objects.count(),
        agent.active,
        User.objects.count(),
        sorted(User.objects.filter(is_active=True).values_list("username", flat=True)),
    )


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_read_only_roles_posts_are_refused_with_403_and_change_nothing(client, everyone, role):
    product = factories.ProductFactory(price=Decimal("100.00"))
    agent = ShippingAgent.objects.get()
    owner = User.objects.get(username="owner")
    before = state()
    client.force_login(User.objects.get(username=role))
    posts = [
        (
            reverse("catalog:product-add"),
            {
                "sku": "X1",
                "name": "X",
                "hsn_code": "6302",
                "gst_rate": "5",
                "price": "1",
                "weight_grams": "1",
            },
        ),
        (reverse("catalog:product-edit", args=[product.pk]), {"price": "1"}),
        (reverse("configuration:store-profile-edit"), {"legal_name": "Hijacked"}),
        (reverse("configuration:agent-add"), {"name": "X", "code": "XX"}),
        (reverse("configuration:agent-edit", args=[agent.pk]), {"active": ""}),
        (reverse("configuration:documents"), {"invoice_prefix": "ZZ", "credit_note_prefix": "ZZ"}),
        (reverse("accounts:user-add"), {"username": "intruder", "role": "Owner"}),
        (reverse("accounts:user-action", args=[owner.pk, "deactivate"]), {}),
        (reverse("accounts:user-action", args=[owner.pk, "role"]), {"role": "Viewer"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "This needs the Owner role" in response.content.decode()
    assert state() == before


# -- friendly errors ---------------------------------------------------------------------------


def test_unknown_page_is_a_friendly_404(client, owner):
    client.force_login(owner)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'href="/"' in html


def test_403_says_which_role_is_needed(client, staff):
    client.force_login(staff)
    response = client.get(reverse("configuration:agent-add"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This needs the Owner role" in html and "logged in as staff (Staff)" in html


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and 'href="/"' in html


def test_csrf_failure_is_a_friendly_page(owner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "owner", "password": "webstore"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "Nothing was saved" in html


def test_login_page_says_clearly_when_the_password_is_wrong(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Please enter a correct username and password." in html
    assert 'value="owner"' in html  # the username is kept, only the password is retyped
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_password_change_errors_are_announced(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "x", "new_password2": "y"},
    )
    html = response.content.decode()
    assert "Your password was not changed" in html
    assert "Your old password was entered incorrectly." in html
