#!/usr/bin/env python
"""Speed benchmark (`make bench`): the pages staff use all day, at 1,000 and 100,000 purchases.

Seeds each size once into its own SQLite database under var/bench/ (`seed_demo --purchases N
--seed S`; a database already seeded with the same N and S is reused), then, in one fresh process
that switches between the databases, logs in as `owner` to each with Django's test client and
measures each page: --rounds rounds in which each size has its turn (a warm-up request of every
page, then --repeat requests of every page in turn), so the two sizes differ in nothing but the
database and a slow spell of this shared machine falls on both alike. It reports the median server
time of all those requests and the most queries any of them ran. It prints
one table with both sizes, the ratio of the two times and PASS/FAIL against the issue's targets
(25 ms, 10 queries, 100k no slower than 1.2 × 1k). It reports; it does not gate: the exit status
is 0 unless the benchmark itself crashes.

    .venv/bin/python scripts/bench.py                        # both sizes, every case
    .venv/bin/python scripts/bench.py --only "Manage Purchases" --repeat 9

The documents (invoices, slips) have their own script, scripts/bench_documents.py.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
SETTINGS = "webstore.settings.test"  # DEBUG off, as in production; the database comes from the env

MAX_MS = 25.0
MAX_QUERIES = 10
MAX_RATIO = 1.2
PAGES = 5  # purchase pages measured in turn


@dataclass
class Case:
    """One thing to time. `run` does one request (or other work) and returns its response."""

    name: str
    run: Callable
    max_ms: float | None = MAX_MS
    max_queries: int | None = MAX_QUERIES
    max_ratio: float | None = MAX_RATIO


@dataclass
class Context:
    """What a case needs: a client logged in as owner, the size, and sample rows to look at."""

    client: object
    size: int
    sample: dict = field(default_factory=dict)


# -- seeding (parent process) -------------------------------------------------------------------


def database_dir(size: int, seed: int) -> Path:
    return BENCH_DIR / f"purchases-{size}-seed-{seed}"


def ensure_seeded(size: int, seed: int) -> Path:
    """The var dir of a database holding `size` seeded purchases, seeding it if needed."""
    var_dir = database_dir(size, seed)
    marker = var_dir / "seeded.json"
    env = {**os.environ, "WEBSTORE_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": SETTINGS}
    var_dir.mkdir(parents=True, exist_ok=True)
    wanted = {"purchases": size, "seed": seed}
    manage = [PYTHON, str(ROOT / "manage.py")]
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        # Reused: only apply migrations added since (new indexes, for instance).
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        return var_dir
    for stale in var_dir.glob("webstore.sqlite3*"):
        stale.unlink()
    marker.unlink(missing_ok=True)
    print(f"Seeding {size:,} purchases (seed {seed}) into {var_dir} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--purchases", str(size), "--seed", str(seed)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    marker.write_text(json.dumps(wanted))
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return var_dir


def measure_in_child(var_dirs: dict[int, Path], repeat: int, rounds: int, only: str | None) -> dict:
    """Every size measured by one fresh process that switches between the databases."""
    first = var_dirs[min(var_dirs)]
    env = {**os.environ, "WEBSTORE_VAR_DIR": str(first), "DJANGO_SETTINGS_MODULE": SETTINGS}
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [PYTHON, __file__, "--repeat", str(repeat), "--rounds", str(rounds)]
    command += ["--out", str(out_path)]
    for size, var_dir in var_dirs.items():
        command += ["--measure", f"{size}={var_dir}"]
    if only:
        command += ["--only", only]
    try:
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        return {int(size): measured for size, measured in json.loads(out_path.read_text()).items()}
    finally:
        out_path.unlink(missing_ok=True)


# -- measuring (child process, every database in turn) -----------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def login_owner(client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="owner").first()
    if user is None:
        raise SystemExit("The benchmark database has no user 'owner'; seed_demo should make it.")
    client.force_login(user)


def sample_rows() -> dict:
    """Purchases in the middle of the store with a recorded AWB: searched for and opened."""
    from django.utils import timezone

    from purchases.models import Purchase
    from shipments.models import Shipment

    with_awb = Shipment.objects.exclude(awb=None).exclude(awb="").order_by("id")
    total = with_awb.count()
    if total:
        middle = total // 2
        shipments = list(with_awb.select_related("purchase__customer")[middle : middle + PAGES])
        purchases = [shipment.purchase for shipment in shipments]
    else:
        shipments, purchases = [], list(Purchase.objects.order_by("id")[:PAGES])
    purchase = purchases[0]
    mobile = purchase.customer.mobile
    return {
        "purchase_ids": [p.pk for p in purchases],
        "page_numbers": [p.number for p in purchases],
        "customer_name": purchase.customer.name,
        "mobile_as_typed": f"+91 {mobile[:5]} {mobile[5:]}",
        "payment_method": purchase.payment_method,
        "placed_after": (timezone.localtime(purchase.placed_at).date()).replace(day=1).isoformat(),
        "awb": shipments[0].awb.lower() if shipments else "",
    }


def in_turn(client, urls: list[str]):
    """A run that requests the next of `urls` each time (several pages, one median)."""
    turn = iter(range(1_000_000))
    return lambda: client.get(urls[next(turn) % len(urls)])


def get(client, url: str, params: dict | None = None):
    return lambda: client.get(url, params or {})


def page_cases(ctx: Context) -> list[Case]:
    from django.urls import reverse

    from deliveries.tabs import TABS as DELIVERY_TABS
    from purchases.models import PurchaseStatus
    from shipments.queue import STEPS

    client, sample = ctx.client, ctx.sample
    purchases = reverse("purchases:purchase-list")
    cases = [
        Case(f"Manage Purchases · {label}", get(client, purchases, {"state": value}))
        for value, label in PurchaseStatus.choices
    ]
    cases += [
        Case("Manage Purchases · All", get(client, purchases)),
        Case(
            "Manage Purchases · filtered search",
            get(
                client,
                purchases,
                {
                    "q": sample["customer_name"],
                    "payment": sample["payment_method"],
                    "placed_after": sample["placed_after"],
                },
            ),
        ),
        Case(
            "Manage Purchases · search by mobile",
            get(client, purchases, {"q": sample["mobile_as_typed"]}),
        ),
    ]
    if sample["awb"]:
        cases.append(
            Case("Manage Purchases · search by AWB", get(client, purchases, {"q": sample["awb"]}))
        )
    fulfil = reverse("shipments:fulfil")
    for step in STEPS:
        cases.append(
            Case(f"Fulfill Shipments · {step.label}", get(client, fulfil, {"step": step.slug}))
        )
    shipments = reverse("shipments:shipment-list")
    cases.append(Case("Manage Shipments", get(client, shipments)))
    for tab in DELIVERY_TABS:
        cases.append(
            Case(f"Manage Shipments · {tab.label}", get(client, shipments, {"tab": tab.slug}))
        )
    cases.append(Case("Dashboard", get(client, reverse("home"))))
    pages = [reverse("purchases:purchase-detail", args=[pk]) for pk in sample["purchase_ids"]]
    cases.append(Case(f"Purchase page ({len(pages)} in turn)", in_turn(client, pages)))
    return cases


def time_cases(cases: list[Case], repeat: int) -> dict[str, dict]:
    """Every case once to warm up, then `repeat` rounds of one request of every case in turn, so a
    moment when the machine is slow falls on all cases alike rather than on one case's burst."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once(case: Case) -> list:
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = case.run()
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        count = len(queries)
        connection.queries_log.clear()  # else Django warns once 9,000 queries are kept
        status = getattr(response, "status_code", 200)
        if status >= 400:
            raise RuntimeError(f"HTTP {status}")
        return [elapsed, cpu, count]

    results = {case.name: {"runs": []} for case in cases}
    for round_number in range(repeat + 1):  # the first round warms up: templates, caches
        for case in cases:
            figures = results[case.name]
            if "error" in figures:
                continue
            try:
                run = once(case)
            except Exception as error:  # noqa: BLE001 - a broken page is reported, not fatal
                figures["error"] = f"{type(error).__name__}: {error}"
                continue
            if round_number:
                figures["runs"].append(run)
    for case in cases:
        results[case.name]["limits"] = [case.max_ms, case.max_queries, case.max_ratio]
    return results


def use_database(var_dir: Path) -> None:
    """Point the default connection at another seeded database (closed; reopened on next use)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = str(var_dir / "webstore.sqlite3")


def measure(var_dirs: dict[int, Path], repeat: int, rounds: int, only: str | None, out: Path):
    """Rounds in which each size has its turn (the order swapped every round): after a warm-up
    request of every page, `repeat` requests of every page in turn. One process for both sizes,
    so they differ in nothing but the database they read."""
    setup_django()
    from django.test import Client

    contexts = {}
    for size, var_dir in var_dirs.items():
        use_database(var_dir)
        client = Client()
        login_owner(client)
        ctx = Context(client=client, size=size, sample=sample_rows())
        cases = [case for case in page_cases(ctx) if not only or only.lower() in case.name.lower()]
        contexts[size] = (ctx, cases)
    measured = {size: [] for size in var_dirs}
    order = list(var_dirs)
    for number in range(rounds):
        for size in order if number % 2 == 0 else reversed(order):
            use_database(var_dirs[size])
            ctx, cases = contexts[size]
            measured[size].append({"sample": ctx.sample, "results": time_cases(cases, repeat)})
    out.write_text(json.dumps({size: merged(runs) for size, runs in measured.items()}))


def merged(rounds: list[dict]) -> dict:
    """One size's rounds as one measurement: each case's runs put together, then summarised as
    the median times and the most queries any run made."""
    results: dict[str, dict] = {}
    for measured in rounds:
        for name, figures in measured["results"].items():
            kept = results.setdefault(name, {"runs": [], "limits": figures["limits"]})
            kept["runs"].extend(figures["runs"])
            if "error" in figures:
                kept["error"] = figures["error"]
    summary = {}
    for name, figures in results.items():
        runs = figures["runs"]
        if "error" in figures or not runs:
            summary[name] = {"error": figures.get("error", "not measured")}
            continue
        summary[name] = {
            "ms": statistics.median(ms for ms, _, _ in runs),
            "cpu_ms": statistics.median(cpu for _, cpu, _ in runs),
            "queries": max(queries for _, _, queries in runs),
            "limits": figures["limits"],
        }
    return {"sample": rounds[-1]["sample"], "results": summary}


# -- the report (parent process) ----------------------------------------------------------------


def verdict(small: dict, large: dict, clock: str) -> tuple[str, str]:
    if "error" in small or "error" in large:
        return "", "ERROR " + (large.get("error") or small.get("error"))
    max_ms, max_queries, max_ratio = large["limits"]
    ratio = large[clock] / small[clock] if small[clock] else float("inf")
    failures = []
    for figures in (small, large):
        if max_ms is not None and figures[clock] > max_ms:
            failures.append(f"> {max_ms:g} ms")
        if max_queries is not None and figures["queries"] > max_queries:
            failures.append(f"> {max_queries} queries")
    if max_ratio is not None and ratio > max_ratio:
        failures.append(f"ratio > {max_ratio:g}")
    shown = f"{ratio:5.2f}"
    return shown, "FAIL " + ", ".join(dict.fromkeys(failures)) if failures else "PASS"


def report(sizes: list[int], measured: dict[int, dict], clock: str, runs: int) -> None:
    small, large = sizes[0], sizes[-1]
    names = list(measured[large]["results"]) or list(measured[small]["results"])
    width = max([len(name) for name in names] + [30])

    def cells(figures):
        if "error" in figures:
            return f"{'-':>7} {'-':>7} {'-':>3}"
        return f"{figures['ms']:7.1f} {figures['cpu_ms']:7.1f} {figures['queries']:3d}"

    head = (
        f"{'':<{width}}  {f'{small:,} purchases':^19}  {f'{large:,} purchases':^19}\n"
        f"{'case':<{width}}  {'ms':>7} {'cpu ms':>7} {'q':>3}  {'ms':>7} {'cpu ms':>7} {'q':>3}"
        f"  {'ratio':>5}  verdict"
    )
    print()
    print(head)
    print("-" * (width + 62))
    passed = 0
    for name in names:
        a = measured[small]["results"].get(name, {"error": "not measured"})
        b = measured[large]["results"].get(name, {"error": "not measured"})
        ratio, judged = verdict(a, b, clock)
        passed += judged == "PASS"
        print(f"{name:<{width}}  {cells(a)}  {cells(b)}  {ratio:>5}  {judged}")
    print()
    judged_on = "wall-clock" if clock == "ms" else "CPU"
    print(
        f"{passed} of {len(names)} pass on {judged_on} time (median of {runs} runs after a warm-up;"
        " "
        f"targets {MAX_MS:g} ms, {MAX_QUERIES} queries, {large:,} no slower than {MAX_RATIO:g} × "
        f"{small:,}). 'ms' is wall-clock server time, 'cpu ms' this process's CPU time: on a busy "
        "machine the first waits for a CPU, the second does not."
    )
    sample = measured[large]["sample"]
    print(
        f"Searched at {large:,}: mobile {sample['mobile_as_typed']!r}, AWB {sample['awb']!r}, "
        f"name {sample['customer_name']!r}; purchase pages {', '.join(sample['page_numbers'])}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="purchase counts, smallest first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="requests of each case a round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds, each size in turn, so a slow spell of the machine hits both sizes",
    )
    parser.add_argument("--only", help="only the cases whose name contains this")
    parser.add_argument(
        "--judge",
        choices=["wall", "cpu"],
        default="wall",
        help="judge the targets on wall-clock time (default) or on CPU time (a busy machine)",
    )
    parser.add_argument(
        "--var-dir",
        action="append",
        default=[],
        metavar="SIZE=DIR",
        help="measure an already seeded WEBSTORE_VAR_DIR for that size instead of seeding",
    )
    parser.add_argument("--measure", action="append", help=argparse.SUPPRESS)  # SIZE=DIR
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        var_dirs = {int(size): Path(path) for size, path in (m.split("=", 1) for m in args.measure)}
        measure(var_dirs, args.repeat, args.rounds, args.only, args.out)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    given = {int(size): Path(path) for size, path in (item.split("=", 1) for item in args.var_dir)}
    var_dirs = {size: given.get(size) or ensure_seeded(size, args.seed) for size in sizes}
    print(
        f"Measuring {', '.join(f'{size:,}' for size in sizes)} purchases in turn, "
        f"{args.rounds} rounds ...",
        flush=True,
    )
    measured = measure_in_child(var_dirs, args.repeat, args.rounds, args.only)
    clock = "ms" if args.judge == "wall" else "cpu_ms"
    report(sizes, measured, clock, runs=args.repeat * args.rounds)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        print(f"bench: a step failed: {' '.join(map(str, error.cmd))}", file=sys.stderr)
        sys.exit(1)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
