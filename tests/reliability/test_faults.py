"""Faults in the middle of an action: nothing may be left half-applied.

The database is made to fail at each write of a service in turn (the 1st INSERT/UPDATE/DELETE,
then the 2nd, ...). Every time, every business table must be exactly as before, no email may be
queued, and afterwards the action must still succeed. A bulk action that meets a database error
on one row rolls back that row only and says so.
"""

import io
import os
import re
import signal
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from core.journal import DatabaseJournal
from partners import services as partner_services
from printing import services as print_services
from purchases import services as purchase_services
from purchases.models import AuditEntry, Invoice, PurchaseStatus
from shipments import handover
from shipments import services as shipment_services
from tests import factories

from .figures import record
from .harness import (
    other_processes,
    snapshot,
    snapshot_difference,
    start_process,
    test_database_url,
)

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class SimulatedFault(DatabaseError):
    """Raised by the database wrapper in place of the k-th write."""


@contextmanager
def fail_at_write(k: int | None):
    """Make the k-th write statement fail (k=None: count the writes only)."""
    writes = []

    def wrapper(execute, sql, params, many, context):
        if WRITE.match(sql):
            writes.append(sql.split("(")[0][:60])
            if k is not None and len(writes) == k:
                raise SimulatedFault(f"simulated failure at write {k}: {writes[-1]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield writes


def count_writes(action) -> int:
    """How many writes the action makes, measured in a transaction that is then rolled back."""

    class Undo(Exception):
        pass

    with fail_at_write(None) as writes:
        try:
            with transaction.atomic():
                action()
                raise Undo
        except Undo:
            pass
    return len(writes)


def crash_at_every_write(action, django_capture_on_commit_callbacks, surface: str):
    total = count_writes(action)
    assert total > 0
    broke = []
    for k in range(1, total + 1):
        before = snapshot()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(SimulatedFault),
            fail_at_write(k),
        ):
            action()
        difference = snapshot_difference(before, snapshot())
        if difference or callbacks or mail.outbox:
            broke.append(f"failure at write {k}: {difference} {len(callbacks)} callbacks")
    record(surface, attempts=total, broke=len(broke), unit="faults")
    assert not broke, "\n".join(broke)
    action()  # and after all that, the action still works


@pytest.fixture
def world(store, owner, agent):
    return owner, agent


def invoiced(owner, agent, *, shipment=False, awb=None, slip=False):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=owner)
    if not shipment:
        return purchase, None
    made = shipment_services.shipment_create(purchase_id=purchase.pk, user=owner, agent_id=agent.pk)
    if awb:
        shipment_services.shipment_record_awb(shipment_id=made.pk, user=owner, awb=awb)
    if slip:
        shipment_services.shipment_record_slip_printed(shipment_id=made.pk, user=owner)
    return purchase, made


def test_approve_fraud(world, django_capture_on_commit_callbacks):
    owner, _ = world
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    crash_at_every_write(
        lambda: purchase_services.purchase_approve_fraud(purchase_id=purchase.pk, user=owner),
        django_capture_on_commit_callbacks,
        "fault: approve fraud",
    )


def test_issue_invoice_gives_its_number_back(world, django_capture_on_commit_callbacks):
    owner, _ = world
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=3)
    crash_at_every_write(
        lambda: purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=owner),
        django_capture_on_commit_callbacks,
        "fault: issue invoice",
    )
    assert Invoice.objects.get(purchase=purchase).sequence == 1


def test_cancel_with_credit_note(world, django_capture_on_commit_callbacks):
    owner, agent = world
    purchase, _ = invoiced(owner, agent, shipment=True, awb="12345678901")
    crash_at_every_write(
        lambda: purchase_services.purchase_cancel(
            purchase_id=purchase.pk, user=owner, reason="Customer changed their mind"
        ),
        django_capture_on_commit_callbacks,
        "fault: cancel after invoice (credit note, shipment)",
    )


def test_assign_agent(world, django_capture_on_commit_callbacks):
    owner, agent = world
    purchase, _ = invoiced(owner, agent)
    crash_at_every_write(
        lambda: shipment_services.shipment_create(
            purchase_id=purchase.pk, user=owner, agent_id=agent.pk
        ),
        django_capture_on_commit_callbacks,
        "fault: assign agent",
    )


def test_record_awb_that_ships(world, django_capture_on_commit_callbacks):
    owner, agent = world
    _, shipment = invoiced(owner, agent, shipment=True, slip=True)
    crash_at_every_write(
        lambda: shipment_services.shipment_record_awb(
            shipment_id=shipment.pk, user=owner, awb="22345678901"
        ),
        django_capture_on_commit_callbacks,
        "fault: record AWB (ships the parcel)",
    )


def test_hand_over_sends_no_email_when_it_fails(world, django_capture_on_commit_callbacks):
    owner, agent = world
    _, shipment = invoiced(owner, agent, shipment=True, awb="32345678901", slip=True)
    crash_at_every_write(
        lambda: shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=owner),
        django_capture_on_commit_callbacks,
        "fault: hand over",
    )


def test_hand_over_in_a_batch(world, django_capture_on_commit_callbacks):
    owner, agent = world
    _, shipment = invoiced(owner, agent, shipment=True, awb="42345678901", slip=True)
    crash_at_every_write(
        lambda: handover.shipment_hand_over_in_batch(shipment_id=shipment.pk, user=owner),
        django_capture_on_commit_callbacks,
        "fault: hand over into a batch",
    )


def test_partner_event_is_refused_for_retry_and_changes_nothing_else(world):
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=0, partner=1)
    event = {
        "event_id": "IB-FAULT-1",
        "purchase": purchase.number,
        "line": 1,
        "kind": "handed_over",
        "quantity": 1,
        "occurred_at": "2026-01-05T10:00:00+05:30",
    }
    total = count_writes(
        lambda: partner_services.partner_event_apply(event=event, received_via="api")
    )
    broke = 0
    for k in range(1, total + 1):
        before = snapshot()
        with fail_at_write(k):
            result = partner_services.partner_event_apply(event=event, received_via="api")
        after = snapshot()
        # the event is refused as retry_later; only the rejected-events list may have grown
        before.pop("partners.RejectedPartnerEvent", None)
        after.pop("partners.RejectedPartnerEvent", None)
        if result.result != "rejected" or snapshot_difference(before, after):
            broke += 1
    record("fault: partner event", attempts=total, broke=broke, unit="faults")
    assert broke == 0
    assert partner_services.partner_event_apply(event=event, received_via="api").result == "applied"


def test_database_error_in_a_bulk_action_rolls_back_that_row_only(world, client, monkeypatch):
    owner, _ = world
    first, middle, last = (
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(3)
    )
    real_audit = DatabaseJournal.audit

    def audit_then_fail_for_middle(journal, entry):
        real_audit(journal, entry)
        if entry.purchase_id == middle.pk:
            with connection.cursor() as cursor:  # a real database error, after real writes
                cursor.execute("SELECT * FROM table_that_does_not_exist")

    monkeypatch.setattr(DatabaseJournal, "audit", audit_then_fail_for_middle)
    client.force_login(owner)

    response = client.post(
        reverse("shipments:fulfil-action"),
        {"action": "issue_invoice", "ids": [first.pk, middle.pk, last.pk]},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 done, 1 refused" in page
    assert "The database refused this change" in page and middle.number in page
    numbers = dict(Invoice.objects.values_list("purchase_id", "sequence"))
    assert numbers == {first.pk: 1, last.pk: 2}  # the failed row gave its number back
    middle.refresh_from_db()
    assert middle.status == PurchaseStatus.FRAUD_APPROVED
    assert not middle.audit_entries.exists()
    record("fault: DB error on 1 row of a 3-row bulk invoice", attempts=3, broke=0, unit="rows")


# -- A worker killed in the middle of a bulk print ----------------------------------------------


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children first), read from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()  # noqa: SIM115
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


@contextmanager
def worker_process(tmp_path, media):
    """A real `manage.py db_worker` on the test database; killed at the end whatever happens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings",
        DATABASE_URL=test_database_url(),
        WEBSTORE_MEDIA_ROOT=str(media),
        WEBSTORE_VAR_DIR=str(tmp_path / "var"),
    )
    log = tmp_path / f"worker-{time.monotonic_ns()}.log"
    process = start_process(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=env,
        log=log,
    )
    try:
        yield process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for(job, condition, what: str, log, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(
        f"job never {what}: {job.status} {job.done_count}/{job.document_count}\n"
        + log.read_text()[-3000:]
    )


@other_processes
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_bulk_print_leaves_the_job_resumable(settings, tmp_path, client):
    from printing.models import PrintJobStatus
    from printing.selection import select_documents

    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.StoreProfileFactory()
    staff = factories.staff()
    purchases = [
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(80)
    ]
    for purchase in purchases:
        purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    job = print_services.print_job_create(
        selection=select_documents(document="invoices", ids=[p.pk for p in purchases]), user=staff
    )
    client.force_login(staff)
    detail = reverse("printing:job-detail", args=[job.pk])

    # 1. A rendering process dies (out of memory, killed): the job fails and says what to do.
    with worker_process(tmp_path, media) as (worker, log):
        wait_for(
            job,
            lambda j: j.status == PrintJobStatus.RUNNING and j.done_count >= 10,
            "started rendering",
            log,
        )
        renderers = descendants(worker.pid)[1:]  # below the forkserver: the rendering processes
        assert renderers, "no rendering process found to kill"
        os.kill(renderers[-1], signal.SIGKILL)
        wait_for(job, lambda j: j.status == PrintJobStatus.FAILED, "failed", log)
    assert "Retry" in job.error, job.error
    page = client.get(detail).content.decode()
    assert job.error in page and "Retry" in page
    kept = job.done_count
    assert 0 < kept < len(purchases)

    # 2. Retried, then the whole worker is killed (SIGKILL: no clean-up runs at all).
    assert client.post(reverse("printing:job-retry", args=[job.pk])).status_code == 302
    with worker_process(tmp_path, media) as (worker, log):
        wait_for(
            job,
            lambda j: j.status == PrintJobStatus.RUNNING and j.done_count > kept,
            "went on from where it stopped",
            log,
        )
        os.killpg(worker.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == PrintJobStatus.RUNNING and job.done_count < len(purchases)
    assert client.get(reverse("shipments:fulfil")).status_code == 200  # the panel still works
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at - timedelta(minutes=5))
    page = client.get(detail).content.decode()
    assert "stopped responding" in page and "Retry" in page

    # 3. Retried once more, a fresh worker finishes it: every invoice once, recorded once.
    kept = job.done_count
    assert client.post(reverse("printing:job-retry", args=[job.pk])).status_code == 302
    with worker_process(tmp_path, media) as (worker, log):
        wait_for(
            job,
            lambda j: j.status in (PrintJobStatus.DONE, PrintJobStatus.FAILED),
            "finished",
            log,
            timeout=300,
        )
    assert job.status == PrintJobStatus.DONE, job.error
    assert job.attempt == 3 and kept > 0
    pdf = b"".join(client.get(reverse("printing:job-download", args=[job.pk])).streaming_content)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= len(purchases)
    printed = AuditEntry.objects.filter(action="Tax invoice printed")
    assert printed.count() == len(purchases)
    assert printed.values("subject_id").distinct().count() == len(purchases)
    record(
        "worker killed mid bulk print (renderer, then worker)", attempts=2, broke=0, unit="kills"
    )
