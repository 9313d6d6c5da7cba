"""Couriers' scans become delivery statuses: the one service the tracking webhook, the status file
upload and `manage.py apply_tracking` all call.

Each scan is applied on its own, in its own transaction, with its purchase and shipment locked (in
that order, as everyone locks them): a scan received before (same AWB, status and time) does
nothing; an AWB none of the courier's shipments has, a parcel not handed over yet, words the store
cannot read as a status, or a time in the future are refused and kept for the Owner (RefusedScan)
with why; anything else goes to `rules.apply_scan`, which moves the status forward or keeps the
scan as history.
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.journal import DatabaseJournal
from purchases.services import lock_purchase
from purchases.step import Step
from shipments.models import Shipment, ShipmentStatus, ShippingAgent

from . import rules
from .models import RefusedScan, TrackingScan
from .schemas import ScanIn
from .statuses import status_of

# A courier's clock may run a little ahead of ours; a scan further in the future is a typing slip.
FUTURE_ALLOWED = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ScanResult:
    awb: str
    result: str  # moved, recorded, duplicate, refused
    message: str
    row: int | None = None  # the file's row, for a scan from a file


@dataclass
class ScanReport:
    results: list[ScanResult] = field(default_factory=list)

    def count(self, result: str) -> int:
        return Counter(each.result for each in self.results)[result]

    @property
    def summary(self) -> str:
        return (
            f"{self.count('moved')} moved a parcel on, {self.count('recorded')} kept as history, "
            f"{self.count('duplicate')} received before, {self.count('refused')} refused."
        )

    def as_answer(self) -> dict:
        """The webhook's answer (schemas.ScansAnswer)."""
        return {
            "moved": self.count("moved"),
            "recorded": self.count("recorded"),
            "duplicates": self.count("duplicate"),
            "refused": self.count("refused"),
            "results": [
                {"awb": each.awb, "result": each.result, "message": each.message}
                for each in self.results
            ],
        }


class ScanRefused(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def scans_receive(
    *,
    agent: ShippingAgent,
    scans: list[ScanIn],
    source: str,
    rows: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanReport:
    """Apply `agent`'s scans one by one; what each did, in order. `rows`: each scan's row in
    the file it came from. `progress(done, total)` is told after each."""
    courier_words = _courier_words(agent)
    report = ScanReport()
    for n, scan in enumerate(scans):
        row = rows[n] if rows else None
        try:
            result = _receive_one(agent, scan, source, courier_words)
        except ScanRefused as refusal:
            scan_refuse(
                agent=agent,
                source=source,
                code=refusal.code,
                reason=refusal.reason,
                awb=scan.awb,
                received=json.dumps(scan.model_dump(mode="json"), ensure_ascii=False),
            )
            result = ScanResult(scan.awb, "refused", refusal.reason)
        report.results.append(ScanResult(result.awb, result.result, result.message, row))
        if progress:
            progress(n + 1, len(scans))
    return report


def scan_refuse(
    *, agent: ShippingAgent | None, source: str, code: str, reason: str, awb="", received=""
) -> RefusedScan:
    """Keep a refused scan (or request) for the Owner's list, with why."""
    return RefusedScan.objects.create(
        agent=agent,
        source=source,
        code=code,
        reason=reason[:300],
        awb=awb[:60],
        received=received[:2000],
    )


def _courier_words(agent: ShippingAgent) -> dict[str, str]:
    file_format = getattr(agent, "tracking_format", None)
    return file_format.status_words if file_format else {}


def _receive_one(
    agent: ShippingAgent, scan: ScanIn, source: str, courier_words: dict[str, str]
) -> ScanResult:
    awb = scan.awb.strip().upper()
    status = status_of(scan.status, courier_words)
    if status is None:
        raise ScanRefused(
            "unknown_status",
            f"“{scan.status}” is not a status the store knows; add it to {agent.name}'s "
            "status words (CONFIGURATION › Shipping Agents).",
        )
    now = timezone.now()
    if scan.at > now + FUTURE_ALLOWED:
        raise ScanRefused("future_time", f"{scan.at:%d %b %Y %H:%M %z} is in the future.")
    found = Shipment.objects.filter(agent=agent, awb=awb).values("pk", "purchase_id").first()
    if found is None:
        raise ScanRefused("unknown_awb", f"No shipment with {agent.name} has the AWB {awb}.")
    with transaction.atomic():
        purchase = lock_purchase(found["purchase_id"])
        shipment = Shipment.objects.select_for_update().select_related("agent").get(pk=found["pk"])
        if shipment.status != ShipmentStatus.COMPLETE:
            raise ScanRefused(
                "not_handed_over",
                f"{shipment} ({awb}) is {shipment.get_status_display()}: not handed over to "
                f"{agent.name} yet.",
            )
        if TrackingScan.objects.filter(
            shipment=shipment, status=status, scanned_at=scan.at
        ).exists():
            return ScanResult(awb, "duplicate", "Received before: nothing done.")
        tracked = TrackingScan(
            status=status,
            courier_status=scan.status[:100],
            scanned_at=scan.at,
            location=scan.location,
            reason=scan.reason,
            attempt=scan.attempt,
            source=source,
            received_at=now,
        )
        step = Step(purchase, [], [shipment], None, now, DatabaseJournal(), agent.name)
        rules.apply_scan(step, shipment=shipment, scan=tracked)
    return ScanResult(awb, "moved" if tracked.moved else "recorded", tracked.outcome)
