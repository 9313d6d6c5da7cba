"""A request sent again under its Idempotency-Key gets the first answer, whatever happened between.

The key is claimed by inserting its ChannelRequest row in the same transaction as the action, and
the answer is written into that row before the transaction commits. So a twin sent at the same
instant waits on the unique index (channel, key) until the first commits, then reads its answer;
if the first fails and rolls back, the twin's claim succeeds and it acts itself. Nothing is
checked first and inserted after.
"""

import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import ChannelRequest, SalesChannel
from .refusals import Answer, OrderRefused

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"
KEY = re.compile(KEY_PATTERN)


def fingerprint_of(body: bytes) -> str:
    """The SHA-256 of the exact bytes sent: the same body again, byte for byte, is a retry."""
    return hashlib.sha256(body).hexdigest()


def answer_once(
    *, channel: SalesChannel, key: str, body: bytes, act: Callable[[], Answer]
) -> Answer:
    """`act()`'s answer, kept under `key`; the kept answer if the key was used for this body
    before; OrderRefused (409) if it was used for another body."""
    fingerprint = fingerprint_of(body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = ChannelRequest.objects.create(
                    channel=channel, key=key, fingerprint=fingerprint, http_status=0, response={}
                )
        except IntegrityError:
            return _kept_answer(channel, key, fingerprint)
        answer = act()
        claim.http_status, claim.response = answer.http_status, answer.body
        claim.save(update_fields=["http_status", "response"])
    return answer


def _kept_answer(channel: SalesChannel, key: str, fingerprint: str) -> Answer:
    kept = ChannelRequest.objects.get(channel=channel, key=key)
    if kept.fingerprint != fingerprint:
        raise OrderRefused(
            "idempotency_key_reused",
            f"The {IDEMPOTENCY_HEADER} {key} was sent before with another body; a new request "
            "needs a new key.",
            http_status=409,
        )
    return Answer(kept.http_status, kept.response)
