"""`manage.py seed_demo`: a demo store with N purchases in every state, and the demo logins."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.seed import DemoRefused, seed_demo_store
from demo.store import DEMO_CHANNEL, DEMO_PASSWORD, DEMO_USERS
from purchases.models import Purchase, PurchaseStatus


class Command(BaseCommand):
    help = (
        "Build a realistic demo store from nothing: store profile, couriers, products, customers "
        "and N purchases in every state, with invoices, shipments and timelines; and the logins "
        "owner, staff and viewer (password 'webstore'). The same seed gives the same store."
    )

    def add_arguments(self, parser):
        parser.add_argument("--purchases", type=int, default=300, help="how many (default 300)")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has purchases (make run uses this)",
        )

    def handle(self, *args, purchases: int, seed: int, if_empty: bool, **options):
        if purchases < 0:
            raise CommandError("--purchases cannot be negative.")
        existing = Purchase.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(f"The store already has {existing:,} purchases; left as it is.")
                return
            raise CommandError(
                f"The database already has {existing:,} purchases; seed_demo builds a store from "
                "nothing. Use an empty database, or --if-empty to leave this one alone."
            )
        started = time.monotonic()
        try:
            summary = seed_demo_store(purchases=purchases, seed=seed, progress=self._progress())
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Demo store loaded in {seconds:.1f} s: {summary.purchases:,} purchases "
            + ", ".join(f"{count:,} {what}" for what, count in summary.counts.items())
            + "."
        )
        labels = dict(PurchaseStatus.choices)
        self.stdout.write(
            "  "
            + ", ".join(
                f"{labels[status]} {summary.by_status.get(status, 0):,}"
                for status in PurchaseStatus.values
            )
        )
        logins = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"  Logins: {logins} (password {DEMO_PASSWORD!r}).")
        self.stdout.write(
            f"  Orders API channel: {DEMO_CHANNEL['code']!r}, secret {DEMO_CHANNEL['secret']!r} "
            "(docs/orders-api.md)."
        )

    def _progress(self):
        """A progress line on a terminal; nothing when the output goes to a file or a test."""
        if not (hasattr(self.stdout, "isatty") and self.stdout.isatty()):
            return None

        def show(done: int, total: int) -> None:
            self.stdout.write(f"\r  {done:,}/{total:,} purchases", ending="")
            self.stdout.flush()
            if done == total:
                self.stdout.write("")

        return show
