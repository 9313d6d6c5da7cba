"""axe-core (shipped inside axe-playwright-python, no CDN) on the main pages, in Chromium.

No serious or critical violation is allowed; minor and moderate ones are printed for the record.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.reliability.urlwalk import Dataset

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def pages(data: Dataset) -> list[tuple[str, str]]:
    return [
        ("dashboard", reverse("home")),
        ("Manage Purchases", reverse("purchases:purchase-list")),
        ("a purchase", reverse("purchases:purchase-detail", args=[data.purchase.pk])),
        ("Fulfill Shipments: review", reverse("shipments:fulfil") + "?step=review"),
        ("Fulfill Shipments: print and AWB", reverse("shipments:fulfil") + "?step=print"),
        ("Manage Shipments", reverse("shipments:shipment-list")),
        ("a shipment", reverse("shipments:shipment-detail", args=[data.shipment.pk])),
        ("scan to hand over", reverse("shipments:scan")),
        ("store profile", reverse("configuration:store-profile")),
        ("print jobs", reverse("printing:job-list")),
    ]


def serious(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}"
            )
    return found


def test_main_pages_have_no_serious_accessibility_violations(page):
    axe = Axe()
    data = Dataset()
    problems = []

    page.goto(reverse("login"))
    problems += [f"login: {p}" for p in serious(axe.run(page))]
    login(page, data.owner.username)
    for label, url in pages(data):
        response = page.goto(url)
        assert response.status == 200, f"{label}: {response.status}"
        problems += [f"{label}: {p}" for p in serious(axe.run(page))]

    assert not problems, "\n".join(problems)
