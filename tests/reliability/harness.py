"""Throwing many threads at one promise at once, and checking what must hold afterwards."""

import subprocess
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, connections

from core.exceptions import ActionRefused
from purchases.models import AuditEntry, CreditNote, DocumentSeries, Invoice, Item
from shipments.models import ACTIVE_SHIPMENT_STATES, Shipment, ShipmentItem

THREADS = 24
JOIN_TIMEOUT = 60


def needs_postgres(reason: str):
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"needs PostgreSQL ({reason}); run `make test-postgres` or set DATABASE_URL",
    )


postgres_only = needs_postgres("SQLite serialises every writer: there is no row-level race")
other_processes = needs_postgres(
    "other processes share the test database; SQLite's lives in this process's memory"
)


def test_database_url() -> str:
    """The test database as a DATABASE_URL, for servers and workers in processes of their own."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test, whatever its name


def start_process(command: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    """`command` run from the project folder in a session of its own (so its whole process group
    can be killed), writing its output to `log`."""
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@dataclass
class Outcome:
    """What one thread got back: a result, a refusal with its reason, or a raw error (a bug)."""

    thread: int
    result: object = None
    refusal: ActionRefused | None = None
    error: BaseException | None = None

    @property
    def succeeded(self) -> bool:
        return self.refusal is None and self.error is None


def hammer(action: Callable[[int], object], count: int = THREADS) -> list[Outcome]:
    """Run `action(i)` in `count` threads released at once, each on its own DB connection."""
    barrier = threading.Barrier(count)
    outcomes = [Outcome(i) for i in range(count)]

    def run(i: int) -> None:
        try:
            connection.ensure_connection()  # connect before the barrier so the calls really collide
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[i].result = action(i)
        except ActionRefused as refusal:
            outcomes[i].refusal = refusal
        except BaseException as error:  # noqa: BLE001 - a raw error is what the test reports
            outcomes[i].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), name=f"hammer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {JOIN_TIMEOUT}s (a deadlock?): {stuck}"
    return outcomes


def raw_errors(outcomes: list[Outcome]) -> list[str]:
    return [f"thread {o.thread}: {type(o.error).__name__}: {o.error}" for o in outcomes if o.error]


def refusals(outcomes: list[Outcome]) -> Counter:
    return Counter(type(o.refusal).__name__ for o in outcomes if o.refusal)


def assert_every_refusal_has_a_reason(outcomes: list[Outcome]) -> None:
    assert not raw_errors(outcomes), "refused without a reason:\n" + "\n".join(raw_errors(outcomes))
    for outcome in outcomes:
        if outcome.refusal:
            assert outcome.refusal.message.strip(), (
                f"thread {outcome.thread}: empty refusal message"
            )


def waiting_backends() -> list[tuple]:
    """Other sessions on this test database waiting for a lock or idle inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid, state, wait_event_type, left(query, 80)
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND (wait_event_type = 'Lock' OR state LIKE 'idle in transaction%%')
            """
        )
        waiting = cursor.fetchall()
        cursor.execute(
            """
            SELECT l.pid, l.locktype, l.mode FROM pg_locks l
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database()
            """
        )
        return waiting + cursor.fetchall()


def invariant_violations() -> list[str]:
    """Everything that must hold whatever ran concurrently; an empty list when it all holds."""
    problems = []

    # Invoice and credit note numbers: unique, and 1..n with no gap in every financial year.
    for model, kind in ((Invoice, "invoice"), (CreditNote, "credit_note")):
        by_year = defaultdict(list)
        for year, sequence in model.objects.values_list("financial_year", "sequence"):
            by_year[year].append(sequence)
        for year, sequences in by_year.items():
            if sorted(sequences) != list(range(1, len(sequences) + 1)):
                problems.append(
                    f"{kind} {year}: sequences {sorted(sequences)} have a gap or repeat"
                )
            series = DocumentSeries.objects.filter(kind=kind, financial_year=year).first()
            if series is None or series.next_number != len(sequences) + 1:
                problems.append(f"{kind} {year}: series says next {series and series.next_number}")
        numbers = list(model.objects.values_list("number", flat=True))
        if len(numbers) != len(set(numbers)):
            problems.append(f"{kind}: duplicate numbers")
    invoiced_twice = [
        p for p, n in Counter(Invoice.objects.values_list("purchase", flat=True)).items() if n > 1
    ]
    if invoiced_twice:
        problems.append(f"purchases invoiced more than once: {invoiced_twice}")

    # Every audited state change starts where the previous change of the same field of the same
    # row ended, and the last one ends in the state the row is in now.
    chains = defaultdict(list)
    for entry in AuditEntry.objects.exclude(to_state="").order_by("created_at", "id"):
        field_name = entry.state_field or "status"
        chains[(entry.subject, entry.subject_id, field_name)].append(entry)
    for (subject, pk, field_name), entries in chains.items():
        for before, after in zip(entries, entries[1:], strict=False):
            if after.from_state and after.from_state != before.to_state:
                problems.append(
                    f"{subject} {pk} {field_name}: '{after.action}' from {after.from_state} "
                    f"but the previous change ended in {before.to_state}"
                )
        now = current_state(subject, pk, field_name)
        if now is not None and entries[-1].to_state != now:
            problems.append(
                f"{subject} {pk} {field_name}: timeline ends in {entries[-1].to_state}, "
                f"row is {now}"
            )

    # Item quantities: what is assigned equals what active shipments carry.
    carried = Counter()
    for item_id, quantity in ShipmentItem.objects.filter(
        shipment__status__in=ACTIVE_SHIPMENT_STATES
    ).values_list("item_id", "quantity"):
        carried[item_id] += quantity
    for item in Item.objects.all():
        if item.assigned_quantity != carried[item.pk]:
            problems.append(
                f"item {item.pk}: assigned {item.assigned_quantity}, "
                f"shipments carry {carried[item.pk]}"
            )
        if (
            item.assigned_quantity + item.handed_over_quantity + item.cancelled_quantity
            > item.quantity
        ):
            problems.append(f"item {item.pk}: more assigned, handed over and cancelled than bought")

    # An AWB belongs to one shipment of one courier.
    awbs = Counter(Shipment.objects.exclude(awb=None).values_list("agent_id", "awb"))
    problems += [
        f"AWB {awb} recorded {n} times for agent {agent}"
        for (agent, awb), n in awbs.items()
        if n > 1
    ]
    return problems


def _fsm_models():
    for model in apps.get_models():
        for name, member in vars(model).items():
            meta = getattr(member, "_django_fsm", None)
            if meta is not None:
                yield model, name, member, meta


def current_state(subject: str, pk: int, field_name: str):
    """The value of the row's FSM field now, or None when the subject is not a model with it."""
    for model, _name, _member, _meta in _fsm_models():
        if model._meta.model_name == subject:
            return model._default_manager.filter(pk=pk).values_list(field_name, flat=True).first()
    return None


SNAPSHOT_APPS = (
    "purchases",
    "shipments",
    "printing",
    "partners",
    "channels",
    "catalog",
    "configuration",
    "customers",
    "auth",
    "django_tasks_database",
)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the business tables (and queued tasks), to compare before and after."""
    tables = {}
    existing = set(connection.introspection.table_names())  # a model may still await its migration
    for model in apps.get_models():
        if model._meta.app_label in SNAPSHOT_APPS and model._meta.db_table in existing:
            tables[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return tables


def snapshot_difference(before: dict, after: dict) -> list[str]:
    """Which tables changed, and how many rows they gained or lost."""
    return [
        f"{label}: {len(before[label])} rows before, {len(after[label])} after"
        + ("" if len(before[label]) != len(after[label]) else " (rows changed)")
        for label in before
        if before[label] != after[label]
    ]
