"""Two gunicorn servers and a background worker on one PostgreSQL database, driven over HTTP.

This is how the store grows past one machine (README: "Running several web servers and
workers"). The test starts the real production stack — webstore.settings.prod, collectstatic,
gunicorn, `manage.py db_worker` — on loopback ports against the test database, logs in to both
servers, and has four sessions (two per server) press every fulfilment button for the same
purchases at the same time. Each purchase must be approved, invoiced, assigned, recorded and
handed over exactly once, with consecutive invoice numbers and one email per parcel, and no
request may answer 5xx.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from purchases.models import AuditEntry, Invoice, Purchase, PurchaseStatus
from shipments.models import Shipment, ShipmentStatus
from tests import factories

from .figures import record
from .harness import (
    invariant_violations,
    other_processes,
    start_process,
    test_database_url,
    waiting_backends,
)

pytestmark = [other_processes, pytest.mark.django_db(transaction=True)]

PURCHASES = 8
PASSWORD = "webstore"
BIN = Path(sys.executable).parent


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


class Session:
    """One browser: its own cookies (kept even when marked Secure: the loopback test is HTTP)."""

    def __init__(self, base_url: str, name: str):
        self.base_url, self.name = base_url, name
        self.cookies: dict[str, str] = {}
        self.statuses: list[int] = []

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            response = OPENER.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        self.statuses.append(response.status)
        return response.status, dict(response.headers), response.read().decode("utf-8", "replace")

    def post(self, path: str, data: dict) -> int:
        status, _, _ = self.request(
            "POST", path, {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        )
        return status

    def log_in(self, username: str) -> None:
        self.request("GET", reverse("login"))
        status = self.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert status == 302, f"{self.name}: login as {username} answered {status}"
        status, _, page = self.request("GET", reverse("home"))
        assert status == 200 and "menubar" in page, f"{self.name}: dashboard answered {status}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="webstore.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DATABASE_URL=test_database_url(),
        WEBSTORE_VAR_DIR=str(tmp_path / "var"),
        WEBSTORE_MEDIA_ROOT=str(tmp_path / "shared-media"),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def stack(tmp_path):
    """Two gunicorn servers and one db_worker; every process is stopped at the end."""
    env = production_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    processes, logs = [], {}

    def start(name: str, command: list[str]) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        logs[name] = log
        process = start_process(command, env=env, log=log)
        processes.append(process)
        return process

    ports = [free_port(), free_port()]
    try:
        for n, port in enumerate(ports):
            start(
                f"web{n + 1}",
                [
                    str(BIN / "gunicorn"),
                    "webstore.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                ],
            )
        start(
            "worker",
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
        )
        for port in ports:
            wait_for_health(port, processes, logs)
        yield [f"http://127.0.0.1:{port}" for port in ports], logs
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def wait_for_health(port: int, processes, logs, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in processes):
            break
        time.sleep(0.2)
    raise AssertionError(
        f"server on {port} did not come up:\n"
        + "\n".join(f"--- {name}\n{path.read_text()[-2000:]}" for name, path in logs.items())
    )


def at_once(sessions, send) -> None:
    """Every session sends its request at the same instant."""
    barrier = threading.Barrier(len(sessions))
    errors = []

    def run(session):
        try:
            barrier.wait(timeout=30)
            send(session)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(f"{session.name}: {error!r}")

    threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors


def pbkdf2(password: str) -> str:
    """A hash the production settings accept (the test settings hash with MD5 for speed)."""
    return PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())


def test_two_servers_and_a_worker_fulfil_each_purchase_once(stack):
    (server_a, server_b), logs = stack
    factories.StoreProfileFactory()
    owner, staff = factories.owner(), factories.staff()
    for user in (owner, staff):
        user.password = pbkdf2(PASSWORD)
        user.save(update_fields=["password"])
    agent = factories.ShippingAgentFactory()
    purchases = [
        factories.purchase_with_items(status=PurchaseStatus.CONFIRMED) for _ in range(PURCHASES)
    ]
    ids = [p.pk for p in purchases]

    sessions = [
        Session(server_a, "A/owner"),
        Session(server_b, "B/staff"),
        Session(server_a, "A/staff"),
        Session(server_b, "B/owner"),
    ]
    for session in sessions:
        session.log_in("owner" if session.name.endswith("owner") else "staff")

    fulfil = reverse("shipments:fulfil-action")

    def bulk(action: str, rows=ids, **extra):
        return lambda s: s.post(fulfil, {"action": action, "ids": rows, **extra})

    def one_by_one(transition: str):
        def send(session):
            for pk in ids:
                session.post(
                    reverse("purchases:purchase-transition", args=[pk]), {"transition": transition}
                )

        return send

    # Servers A use the bulk work queue, servers B the purchase page's buttons, all at once.
    def mixed(action: str):
        return lambda s: (bulk(action) if s.base_url == server_a else one_by_one(action))(s)

    at_once(sessions, mixed("approve_fraud"))
    at_once(sessions, mixed("issue_invoice"))
    at_once(sessions, bulk("assign_agent", agent=agent.pk))
    shipments = list(Shipment.objects.filter(purchase_id__in=ids).order_by("pk"))
    awbs = {f"awb-{s.pk}": f"{70000000000 + s.pk}" for s in shipments}
    at_once(sessions, lambda s: s.post(fulfil, {"action": "record_awb", **awbs}))
    slips = {"document": "slips", "ids": [s.pk for s in shipments], "next": "/"}
    at_once(sessions, lambda s: s.post(reverse("printing:print"), slips))  # PDFs, rendered there
    at_once(sessions, bulk("hand_over", rows=[s.pk for s in shipments]))
    _, _, report = sessions[0].request("GET", reverse("shipments:fulfil") + "?step=handover")
    report = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report))  # what the user was told
    report = report[max(0, report.find(" done, ") - 100) :][:2000]
    emails = wait_for_emails(logs["worker"], expected=len(shipments))

    statuses = [status for s in sessions for status in s.statuses]
    server_errors = [status for status in statuses if status >= 500]
    problems = invariant_violations()
    waiting = waiting_backends()
    per_purchase = {
        pk: AuditEntry.objects.filter(purchase_id=pk, subject="purchase")
        .exclude(to_state="")
        .count()
        for pk in ids
    }
    statuses_now = set(Purchase.objects.filter(pk__in=ids).values_list("status", flat=True))
    shipment_states = set(
        Shipment.objects.filter(pk__in=[s.pk for s in shipments]).values_list("status", flat=True)
    )
    broke = (
        len(server_errors)
        + len(problems)
        + len(waiting)
        + sum(1 for n in per_purchase.values() if n != 5)
        + abs(emails - len(shipments))
    )
    record(
        "two servers + worker: HTTP requests, 4 sessions",
        attempts=len(statuses),
        broke=broke,
        unit="requests",
    )

    assert not server_errors, f"{len(server_errors)} answers were 5xx"
    assert not problems, problems
    assert not waiting, waiting
    assert len(shipments) == PURCHASES
    assert statuses_now == {PurchaseStatus.COMPLETE}, report[:3000]
    assert shipment_states == {ShipmentStatus.COMPLETE}
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(
        range(1, PURCHASES + 1)
    )
    # confirmed → fraud approved → invoiced → agent assigned → shipped → complete, once each
    assert set(per_purchase.values()) == {5}, per_purchase
    assert emails == len(shipments)


def wait_for_emails(worker_log: Path, *, expected: int, timeout: float = 60) -> int:
    """How many handover emails the worker printed (waits for `expected`, then a second more)."""
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = len(
            re.findall(r"^Subject: Your order \S+ is on its way", worker_log.read_text(), re.M)
        )
        if count >= expected:
            time.sleep(1)  # a duplicate would show up now
            return len(
                re.findall(r"^Subject: Your order \S+ is on its way", worker_log.read_text(), re.M)
            )
        time.sleep(0.3)
    return count
