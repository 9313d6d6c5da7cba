"""docs/orders-api.md's worked example is what the store computes and accepts, its answers are
what the API answers, and every code the store can refuse with is in it."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from channels import api
from channels.intake import order_receive
from channels.models import SalesChannel
from channels.schemas import OrderAnswer, OrderIn, PaymentAnswer, PaymentEventIn
from core.signing import signature_of
from demo.catalogue import OWN_PRODUCTS
from demo.store import DEMO_CHANNEL
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "orders-api.md").read_text()
# The here-document writes its lines and a line break after the last one.
ORDER = re.search(r"cat > order.json <<'EOF'\n(.*?\n)EOF\n", GUIDE, re.S).group(1)
CAPTURE = re.search(r"printf '%s' '(\{.*?\})' > capture.json", GUIDE).group(1)


def answer_after(words: str) -> dict:
    """The JSON block that follows `words` in the guide."""
    return json.loads(re.search(re.escape(words) + r".*?```json\n(.*?)\n```", GUIDE, re.S)[1])


def test_worked_signature_is_the_one_the_store_computes():
    timestamp = re.search(r"With the timestamp `(\d+)`", GUIDE).group(1)
    secret = re.search(r"under the secret `([^`]+)`", GUIDE).group(1)
    documented = re.search(r"X-Webstore-Signature: (sha256=[0-9a-f]{64})", GUIDE).group(1)

    assert secret == DEMO_CHANNEL["secret"] and "'X-Webstore-Channel: storefront'" in GUIDE
    assert signature_of(secret=secret, timestamp=timestamp, body=ORDER.encode()) == documented


@pytest.mark.django_db
def test_the_example_order_is_one_the_demo_store_accepts_as_documented():
    channel = SalesChannel.objects.create(**DEMO_CHANNEL)
    order = OrderIn.model_validate_json(ORDER)
    for product in OWN_PRODUCTS:
        if product.sku in {line.sku for line in order.lines}:
            factories.ProductFactory(
                sku=product.sku, price=product.price, gst_rate=product.gst_rate, on_hand=5
            )

    answer = order_receive(channel=channel, order=order)

    assert answer.http_status == 201, answer.body
    assert answer.body["purchase"]["amount"] == "2077.88" == str(order.amount_charged)
    documented = OrderAnswer.model_validate(answer_after("The answer, `201 Created`:"))
    assert documented.purchase.amount == Decimal("2077.88")
    assert documented.purchase.reference == order.reference
    capture = PaymentEventIn.model_validate_json(CAPTURE)
    assert capture.amount == order.amount_charged
    applied = PaymentAnswer.model_validate(answer_after("--data-binary @capture.json"))
    assert (applied.result, applied.purchase.status, applied.purchase.paid) == (
        "applied",
        "confirmed",
        True,
    )


def codes_in(pattern: str, *paths: str) -> set[str]:
    return {
        code
        for path in paths
        for source in sorted(ROOT.glob(path))
        for code in re.findall(pattern, source.read_text())
    }


# What an API call goes through (the CSV import's own refusals are documented with it).
API_MODULES = [
    f"channels/{name}.py"
    for name in ("api", "api_services", "signed", "idempotency", "intake", "payments", "schemas")
]


def test_every_refusal_and_problem_code_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", GUIDE, re.M))
    refusals = codes_in(r'OrderRefused\(\s*"([a-z_]+)"', *API_MODULES)
    refusals |= codes_in(r'SignatureRefused\(\s*"([a-z_]+)"', "core/signing.py")
    problems = codes_in(r'problem\(\s*[^,()]+,\s*"([a-z_]+)"', *API_MODULES)
    problems |= codes_in(r'PydanticCustomError\(\s*"([a-z_]+)"', "channels/schemas.py")
    problems |= codes_in(r'"(invalid_[a-z_]+)", "', "channels/schemas.py")
    problems |= codes_in(r'"code": "([a-z_]+)"', "channels/payments.py")

    assert {"bad_signature", "unknown_sku", "invalid_pin_code"} <= refusals | problems
    assert refusals | problems <= documented, sorted((refusals | problems) - documented)


def test_the_openapi_documents_codes_are_the_guides():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", GUIDE, re.M))
    listed = {
        code
        for refusals in (api.ORDER_REFUSALS, api.PAYMENT_REFUSALS, api.LOOK_UP_REFUSALS)
        for codes in refusals.values()
        for code in re.findall(r"`([a-z_]+)`", codes)
    }
    assert listed <= documented
