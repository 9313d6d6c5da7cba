"""One step in a purchase's life, as a rule sees it: the purchase with all its items and shipments,
who takes the step, when, and the journal its changes go to (`journal.py`)."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from core.journal import Journal
from shipments.models import Shipment

from .audit import SYSTEM, audit_entry
from .fulfilment import progress_of
from .models import FOLLOWING_STATES, Item, Purchase
from .transitions import run_transition


@dataclass
class Step:
    purchase: Purchase
    items: list[Item]  # all of them
    shipments: list[Shipment]  # all of them; a rule that makes one appends it
    user: AbstractBaseUser | None  # None: the checkout, the system or the partner
    at: dt.datetime
    journal: Journal
    actor_label: str = SYSTEM  # who the timeline names when no user acts

    def add(self, obj: models.Model) -> None:
        """A new row (an invoice, a shipment, …): it has its id when this returns."""
        self.journal.add(obj)

    def update(self, obj: models.Model) -> None:
        self.journal.update(obj)

    def move(
        self, instance, name: str, *, reason: str = "", args: tuple = (), by_system: bool = False
    ) -> bool:
        """Run a transition of the purchase, an item or a shipment and write it down; False if
        the state stayed. `by_system`: it follows from what the user did (an item's state from
        its quantities), so no role is asked and the timeline names the system."""
        return run_transition(
            instance,
            name,
            purchase=self.purchase,
            user=None if by_system else self.user,
            at=self.at,
            journal=self.journal,
            reason=reason,
            args=args,
            actor_label=self.actor_label,
        )

    def note(self, subject, action: str, *, reason: str = "", to_state: str = "") -> None:
        """Write what happened to `subject` on the timeline (what is not a transition)."""
        self.journal.audit(
            audit_entry(
                purchase=self.purchase,
                subject=subject,
                action=action,
                user=self.user,
                at=self.at,
                to_state=to_state,
                reason=reason,
                actor_label=self.actor_label,
            )
        )

    def follow(self, *, reason: str = "") -> bool:
        """Move the purchase to the state its items and shipments imply; False if it stays."""
        purchase = self.purchase
        if purchase.status not in FOLLOWING_STATES:
            return False
        progress = progress_of(self.items, self.shipments)
        if purchase.derive_status(progress) == purchase.status:
            return False
        return self.move(purchase, "follow_fulfilment", reason=reason, args=(progress,))
