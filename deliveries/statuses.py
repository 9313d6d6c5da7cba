"""A courier's words for where a parcel is, read as a delivery status.

Couriers word the same status differently ("OFD", "Out For Delivery", "Dispatched"); COMMON_WORDS
reads the usual ones, a courier's own words (TrackingFileFormat.status_words) are read first, and
the status codes themselves (`delivered`) always work. Words are compared in lower case, with
runs of spaces, hyphens and underscores as one space.
"""

import re

from shipments.models import DeliveryStatus

S = DeliveryStatus
COMMON_WORDS = {
    # on the way
    "in transit": S.IN_TRANSIT,
    "intransit": S.IN_TRANSIT,
    "picked up": S.IN_TRANSIT,
    "pickup done": S.IN_TRANSIT,
    "shipped": S.IN_TRANSIT,
    "manifested": S.IN_TRANSIT,
    "dispatched": S.IN_TRANSIT,
    "reached at destination": S.IN_TRANSIT,
    "reached destination hub": S.IN_TRANSIT,
    # the last mile
    "out for delivery": S.OUT_FOR_DELIVERY,
    "ofd": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "dlvd": S.DELIVERED,
    # a failed attempt
    "undelivered": S.UNDELIVERED,
    "not delivered": S.UNDELIVERED,
    "ndr": S.UNDELIVERED,
    "delivery failed": S.UNDELIVERED,
    "failed delivery": S.UNDELIVERED,
    "failed attempt": S.UNDELIVERED,
    # returns to origin
    "rto": S.RTO_IN_TRANSIT,
    "rto initiated": S.RTO_IN_TRANSIT,
    "rto in transit": S.RTO_IN_TRANSIT,
    "return to origin": S.RTO_IN_TRANSIT,
    "returned to origin": S.RTO_DELIVERED,
    "rto delivered": S.RTO_DELIVERED,
    "rto received": S.RTO_DELIVERED,
    # gone
    "lost": S.LOST,
    "shipment lost": S.LOST,
}
SEPARATORS = re.compile(r"[\s_-]+")


def words_key(words: str) -> str:
    """'Out-For  Delivery' → 'out for delivery'."""
    return SEPARATORS.sub(" ", words).strip().lower()


def status_of(words: str, courier_words: dict[str, str] | None = None) -> str | None:
    """The delivery status the words name, or None when they name none the store knows."""
    key = words_key(words)
    own = {words_key(theirs): ours for theirs, ours in (courier_words or {}).items()}
    if key in own and own[key] in S.values:
        return own[key]
    if key.replace(" ", "_") in S.values:
        return key.replace(" ", "_")
    return COMMON_WORDS.get(key)
