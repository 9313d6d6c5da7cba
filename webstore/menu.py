"""The admin menu of the original platform: eight menus in this order and spelling."""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str


@dataclass(frozen=True)
class Menu:
    label: str
    slug: str
    entries: list[MenuEntry] = field(default_factory=list)


MENUS = [
    Menu(
        "CUSTOMIZATION",
        "customization",
        [MenuEntry("Printed Documents", "configuration:documents")],
    ),
    Menu("CATALOG", "catalog", [MenuEntry("Products", "catalog:product-list")]),
    Menu(
        "PURCHASES",
        "purchases",
        [
            MenuEntry("Fulfill Shipments", "shipments:fulfil"),
            MenuEntry("Manage Purchases", "purchases:purchase-list"),
            MenuEntry("Manage Shipments", "shipments:shipment-list"),
        ],
    ),
    Menu("CONTENT", "content", [MenuEntry("Customer Emails", "configuration:emails")]),
    Menu(
        "CUSTOMER SERVICE", "customer-service", [MenuEntry("Customers", "customers:customer-list")]
    ),
    Menu("PROMOTIONS", "promotions", [MenuEntry("Discounts Given", "catalog:discounts")]),
    Menu(
        "CONFIGURATION",
        "configuration",
        [
            MenuEntry("Store Profile", "configuration:store-profile"),
            MenuEntry("Shipping Agents", "configuration:agent-list"),
            MenuEntry("Partner Feed", "partners:settings"),
            MenuEntry("Rejected Partner Events", "partners:rejected-list"),
            MenuEntry("Sales Channels", "channels:channel-list"),
            MenuEntry("Refused Orders", "channels:refused-list"),
        ],
    ),
    Menu(
        "ACCOUNTS",
        "accounts",
        [
            MenuEntry("Users and Roles", "accounts:user-list"),
            MenuEntry("Change Password", "password_change"),
        ],
    ),
]


def resolved_menus() -> list[dict]:
    """The menus with their entries' URLs."""
    return [
        {
            "label": menu.label,
            "slug": menu.slug,
            "url": reverse("menu", args=[menu.slug]),
            "entries": [
                {"label": entry.label, "url": reverse(entry.url_name)} for entry in menu.entries
            ],
        }
        for menu in MENUS
    ]


def menu_by_slug(slug: str) -> dict | None:
    return next((m for m in resolved_menus() if m["slug"] == slug), None)
