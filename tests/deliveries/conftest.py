import datetime as dt

import pytest
from django.utils import timezone

from deliveries.schemas import ScanIn
from tests import factories


@pytest.fixture
def parcel(store, staff, agent):
    """A prepaid purchase's one shipment, handed to Blue Dart as AWB 12345678901."""
    shipment = factories.handed_over_shipment(staff, agent, awb="12345678901", quantity=2)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    type(shipment).objects.filter(pk=shipment.pk).update(
        handed_over_at=two_days_ago, delivery_scanned_at=two_days_ago
    )
    shipment.refresh_from_db()
    return shipment


# Scans are timed from one moment, so the same scan sent twice is the same to the microsecond.
A_DAY_AGO = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)


def scan(status: str, *, hours: float = 1, awb: str = "12345678901", **fields) -> ScanIn:
    """A scan `hours` after a day ago (after the parcel's handover), as a courier sends it."""
    at = A_DAY_AGO + dt.timedelta(hours=hours)
    return ScanIn.model_validate({"awb": awb, "status": status, "at": at.isoformat(), **fields})
