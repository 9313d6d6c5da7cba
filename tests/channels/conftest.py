"""A sales channel, an own product with stock, and an order for it, as the channels' tests use."""

from decimal import Decimal

import pytest

from channels.models import SalesChannel
from channels.schemas import OrderIn
from tests import factories


@pytest.fixture
def channel():
    return SalesChannel.objects.create(name="Web storefront", code="web", kind="storefront")


@pytest.fixture
def bedsheet():
    return factories.ProductFactory(
        sku="KH-BED-101", price=Decimal("1249.00"), gst_rate=12, on_hand=10
    )


def order(**changes) -> OrderIn:
    """An order for two bedsheets (₹1,249 + 12 % GST each), paid online."""
    data = {
        "reference": "SF-1001",
        "customer": {"name": "Asha Rao", "email": "asha@example.in", "mobile": "9845012345"},
        "billing_address": {
            "name": "Asha Rao",
            "line1": "Flat 4, Lakeview",
            "city": "Bengaluru",
            "state": "29",
            "pin_code": "560038",
            "mobile": "9845012345",
        },
        "lines": [
            {"sku": "KH-BED-101", "quantity": 2, "unit_price": "1249.00", "total": "2797.76"}
        ],
        "payment_method": "prepaid",
        "amount_charged": "2797.76",
    }
    data.update(changes)
    return OrderIn.model_validate(data)
