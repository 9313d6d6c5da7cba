"""Parcels handed over some days ago and moved by their courier's scans, through the real
services, for the pages' tests."""

import datetime as dt

from django.utils import timezone

from deliveries.intake import scans_receive
from deliveries.models import ScanSource
from deliveries.schemas import ScanIn
from shipments.models import Shipment
from tests import factories

NOW = timezone.now().replace(microsecond=0)


def handed_over(staff, agent, awb: str, *, days_ago: float = 3, **purchase_kwargs) -> Shipment:
    """A parcel handed to `agent` `days_ago` days ago (In Transit, no scan yet)."""
    shipment = factories.handed_over_shipment(staff, agent, awb=awb, **purchase_kwargs)
    return backdated(shipment, days_ago=days_ago)


def backdated(shipment: Shipment, *, days_ago: float = 3) -> Shipment:
    """A shipment handed over just now, as if handed over `days_ago` days ago."""
    when = NOW - dt.timedelta(days=days_ago)
    Shipment.objects.filter(pk=shipment.pk).update(handed_over_at=when, delivery_scanned_at=when)
    shipment.refresh_from_db()
    return shipment


def scanned(shipment: Shipment, status: str, *, hours_ago: float, **fields) -> Shipment:
    """`shipment` after its courier's scan `status` made `hours_ago` hours ago."""
    at = NOW - dt.timedelta(hours=hours_ago)
    scan = ScanIn.model_validate(
        {"awb": shipment.awb, "status": status, "at": at.isoformat(), **fields}
    )
    scans_receive(agent=shipment.agent, scans=[scan], source=ScanSource.COMMAND)
    shipment.refresh_from_db()
    return shipment


def failed(staff, agent, awb: str, *, hours_ago: float = 5, reason="Customer not available", **kw):
    """A parcel whose delivery failed `hours_ago` hours ago, waiting for the store's answer."""
    return scanned(
        handed_over(staff, agent, awb, **kw), "undelivered", hours_ago=hours_ago, reason=reason
    )
