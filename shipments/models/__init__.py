"""Couriers, the shipments they carry and the handover batches the pickup person signs for.

Imports no other app, so `purchases` may read shipments."""

from .agent import (
    ShippingAgent,
    ShippingAgentQuerySet,
    pattern_in_words,
    tracking_url,
    validate_regex,
    validate_tracking_url_template,
)
from .batch import HandoverBatch
from .shipment import (
    ACTIVE_SHIPMENT_STATES,
    ON_THE_WAY_STATES,
    RTO_STATES,
    DeliveryStatus,
    Shipment,
    ShipmentItem,
    ShipmentQuerySet,
    ShipmentStatus,
)

__all__ = [
    "ACTIVE_SHIPMENT_STATES",
    "ON_THE_WAY_STATES",
    "RTO_STATES",
    "DeliveryStatus",
    "HandoverBatch",
    "Shipment",
    "ShipmentItem",
    "ShipmentQuerySet",
    "ShipmentStatus",
    "ShippingAgent",
    "ShippingAgentQuerySet",
    "pattern_in_words",
    "tracking_url",
    "validate_regex",
    "validate_tracking_url_template",
]
