"""The worked example in docs/partner-feed.md signs what the store checks; every code is there."""

import re
from pathlib import Path

from core.signing import signature_of
from partners.models import RejectionReason

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "partner-feed.md").read_text()


def test_worked_example_signature_is_the_one_the_store_computes():
    secret = re.search(r"the secret is\s+`([0-9a-f]{64})`", GUIDE).group(1)
    timestamp = re.search(r"the time is `(\d+)`", GUIDE).group(1)
    body = re.search(r"no newline at the end\):\n\n```\n(.*?)\n```", GUIDE, re.S).group(1)
    documented = re.search(r"X-Webstore-Signature: (sha256=[0-9a-f]{64})", GUIDE).group(1)
    assert signature_of(secret=secret, timestamp=timestamp, body=body.encode()) == documented


def test_every_refusal_reason_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", GUIDE, re.M))
    assert set(RejectionReason.values) <= documented
