"""What a purchase's state is derived from: counts of its items' quantities and its shipments."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FulfilmentProgress:
    """Counts of item quantities and shipments from which a purchase's state is derived."""

    ordered: int
    handed_over: int
    cancelled: int
    own_unassigned: int
    own_unsettled: int
    shipments_awaiting_awb: int

    @property
    def settled(self) -> bool:
        return self.handed_over + self.cancelled >= self.ordered
