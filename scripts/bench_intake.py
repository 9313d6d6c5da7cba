#!/usr/bin/env python
"""Intake benchmark (`make bench`): 5,000 signed orders from 8 concurrent clients through two
gunicorn servers on PostgreSQL, in the same run as a plain `GET /health/` baseline.

It makes a PostgreSQL database of its own (`webstore_bench_intake` on the server of
BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/), migrates it, adds a sales
channel and ten own products with stock, and starts two gunicorn servers with the production
settings on loopback ports. The same 8 client threads first ask `/health/` for a few seconds (the
baseline: what the servers answer when they do no work), then send the orders, each to the next
server in turn, each signed and under its own Idempotency-Key, as docs/orders-api.md says. It prints
orders per second and the latencies, then checks in the database that every order is one purchase
(0 lost, 0 duplicated) and that each product's committed stock is exactly what the orders asked
for. It reports; it does not gate (exit 0 unless the benchmark itself fails).

    .venv/bin/python scripts/bench_intake.py [--orders 5000] [--clients 8] [--workers 3]
"""

import argparse
import hashlib
import hmac
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from http.client import HTTPConnection
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
DATABASE = "webstore_bench_intake"
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
CHANNEL_CODE, CHANNEL_SECRET = "bench", "bench-intake-secret"
PRODUCTS = 10
BASELINE_SECONDS = 5
GOAL_PER_SECOND = 100


def database_url() -> str:
    return SERVER_URL.rstrip("/") + "/" + DATABASE


def make_database() -> None:
    """A new, empty database for this run (the one of the last run is dropped)."""
    with psycopg.connect(SERVER_URL.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def server_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="webstore.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=database_url(),
        WEBSTORE_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_servers(env: dict, workers: int, var_dir: Path) -> tuple[list[int], list]:
    """Two gunicorn servers, each with `workers` sync workers; waits until both answer."""
    ports, processes = [free_port(), free_port()], []
    for port in ports:
        log = (var_dir / f"gunicorn-{port}.log").open("w")
        command = [GUNICORN, "webstore.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(workers), "--access-logfile", "-", "--timeout", "60"]
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    deadline = time.monotonic() + 60
    for port in ports:
        while request(port, "GET", "/health/")[0] != 200:
            if time.monotonic() > deadline:
                raise SystemExit(f"The server on port {port} did not start; see {var_dir}.")
            time.sleep(0.2)
    return ports, processes


def request(port: int, method: str, path: str, body: bytes = b"", headers=None):
    """(status, seconds) of one request; status 0 when the server could not be reached."""
    started = time.perf_counter()
    try:
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        connection.close()
        status = response.status
    except OSError:
        status = 0
    return status, time.perf_counter() - started


# -- the data -------------------------------------------------------------------------------------


def setup_store(orders: int) -> list[tuple[str, Decimal, int]]:
    """The channel and ten own products with more than enough stock; their (SKU, price, GST)."""
    os.environ["DATABASE_URL"] = database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "webstore.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from catalog.models import FulfilledBy, Product
    from channels.models import SalesChannel

    SalesChannel.objects.create(
        name="Benchmark storefront", code=CHANNEL_CODE, kind="storefront", secret=CHANNEL_SECRET
    )
    products = [
        Product(
            sku=f"BENCH-{n:02d}",
            name=f"Benchmark product {n}",
            hsn_code="6302",
            gst_rate=[5, 12, 18][n % 3],
            price=Decimal(199 + 100 * n),
            weight_grams=500,
            fulfilled_by=FulfilledBy.OWN,
            on_hand=orders * 10,
        )
        for n in range(PRODUCTS)
    ]
    Product.objects.bulk_create(products)
    return [(p.sku, p.price, p.gst_rate) for p in products]


def order_body(number: int, products: list, rng: random.Random) -> tuple[bytes, Counter]:
    """One order as the storefront sends it, and the units it asks of each SKU."""
    lines, units, total = [], Counter(), Decimal("0")
    for sku, price, rate in rng.sample(products, rng.randint(1, 3)):
        quantity = rng.randint(1, 3)
        taxable = price * quantity
        line_total = taxable + (taxable * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        lines.append(
            {"sku": sku, "quantity": quantity, "unit_price": str(price), "total": str(line_total)}
        )
        units[sku] += quantity
        total += line_total
    address = {
        "name": f"Customer {number}",
        "line1": f"Flat {number % 900 + 1}, Lakeview Apartments",
        "city": "Bengaluru",
        "state": "29",
        "pin_code": "560038",
        "mobile": f"98{number:08d}",
    }
    order = {
        "reference": f"BENCH-{number:06d}",
        "customer": {
            "name": address["name"],
            "email": f"customer{number % 2000}@example.in",
            "mobile": address["mobile"],
        },
        "billing_address": address,
        "lines": lines,
        "payment_method": "cod" if number % 3 == 0 else "prepaid",
        "amount_charged": str(total),
    }
    return json.dumps(order).encode(), units


def signed(body: bytes, key: str) -> dict:
    """The headers docs/orders-api.md asks for: channel, time, signature, idempotency key."""
    stamp = str(int(time.time()))
    digest = hmac.new(CHANNEL_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "X-Webstore-Channel": CHANNEL_CODE,
        "X-Webstore-Timestamp": stamp,
        "X-Webstore-Signature": "sha256=" + digest.hexdigest(),
        "Idempotency-Key": key,
    }


# -- the load ------------------------------------------------------------------------------------


def run_clients(clients: int, jobs: list, send) -> tuple[list, float]:
    """`clients` threads take jobs from one list in turn; each job's (status, seconds) and the
    wall time from the first request to the last answer."""
    results, lock, cursor = [None] * len(jobs), threading.Lock(), [0]

    def client() -> None:
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= len(jobs):
                return
            results[index] = send(index, jobs[index])

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def baseline(ports: list[int], clients: int) -> tuple[list, float]:
    """GET /health/ from the same clients for a few seconds."""
    jobs = list(range(clients * 2000))
    deadline = time.perf_counter() + BASELINE_SECONDS

    def send(index, _job):
        if time.perf_counter() > deadline:
            return None
        return request(ports[index % 2], "GET", "/health/")

    results, seconds = run_clients(clients, jobs, send)
    return [r for r in results if r is not None], seconds


def intake(ports: list[int], clients: int, bodies: list[bytes]) -> tuple[list, float]:
    def send(index, body):
        headers = signed(body, key=f"bench-{index}")
        return request(ports[index % 2], "POST", "/api/v1/purchases/", body, headers)

    return run_clients(clients, bodies, send)


def figures(name: str, results: list, seconds: float) -> str:
    times = sorted(t for _, t in results)
    p50 = statistics.median(times) * 1000
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    rate = len(results) / seconds
    return (
        f"{name:<34}{len(results):>7,} requests {seconds:>7.1f} s {rate:>8.1f}/s"
        f"   p50 {p50:>6.1f} ms   p95 {p95:>6.1f} ms"
    )


# -- after ---------------------------------------------------------------------------------------


def check(orders: int, wanted: Counter) -> list[str]:
    """What the database says: every order one purchase, stock exactly what they asked."""
    from django.db.models import Count

    from catalog.models import Product
    from channels.models import RefusedOrder
    from purchases.models import Purchase

    placed = Purchase.objects.filter(channel__code=CHANNEL_CODE)
    twice = placed.values("external_reference").annotate(n=Count("pk")).filter(n__gt=1).count()
    count = placed.count()
    lines = [
        f"purchases: {count:,} of {orders:,} orders ({orders - count} lost, {twice} duplicated); "
        f"refused: {RefusedOrder.objects.count()}",
    ]
    off = [
        f"{p.sku} committed {p.committed}, asked {wanted[p.sku]}"
        for p in Product.objects.filter(sku__in=wanted)
        if p.committed != wanted[p.sku] or p.on_hand != orders * 10
    ]
    lines.append("stock: exact" if not off else "stock NOT exact: " + "; ".join(off))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    options = parser.parse_args()
    try:
        make_database()
    except Exception as error:  # no PostgreSQL here: say so and stop, without failing make bench
        print(f"Intake benchmark skipped: no PostgreSQL at {SERVER_URL} ({error}).")
        return
    var_dir = ROOT / "var" / "bench" / "intake"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(var_dir)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    products = setup_store(options.orders)
    rng = random.Random(7)
    made = [order_body(n, products, rng) for n in range(options.orders)]
    wanted = sum((units for _, units in made), Counter())
    ports, processes = start_servers(env, options.workers, var_dir)
    try:
        health = baseline(ports, options.clients)
        results, seconds = intake(ports, options.clients, [body for body, _ in made])
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    statuses = Counter(status for status, _ in results)
    print(
        f"Intake: {options.orders:,} orders from {options.clients} clients through 2 gunicorn "
        f"servers × {options.workers} workers on PostgreSQL ({os.cpu_count()} cores)"
    )
    print(figures("GET /health/ (baseline)", *health))
    print(figures("POST /api/v1/purchases/", results, seconds))
    print(f"  answers: {dict(sorted(statuses.items()))}")
    for line in check(options.orders, wanted):
        print("  " + line)
    rate = options.orders / seconds
    verdict = "PASS" if rate >= GOAL_PER_SECOND else "FAIL"
    print(f"  goal: at least {GOAL_PER_SECOND} orders per second: {rate:.1f}/s {verdict}")


if __name__ == "__main__":
    main()
