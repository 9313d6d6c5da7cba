#!/usr/bin/env python
"""Speed and memory of printed documents: one invoice, and 100 / 500 / 1,000 slips into one PDF.

    .venv/bin/python scripts/bench_documents.py            # everything (about a minute)
    .venv/bin/python scripts/bench_documents.py --slips 1000 --a4

Runs on a throw-away SQLite database in a temporary folder (the real one is never touched). Each
slip count is printed by a fresh process so its peak memory is its own; peak memory is reported as
the largest sum of the resident memory of the process and all its children (worker processes and
the forkserver) sampled every 20 ms, next to getrusage's ru_maxrss of the process (RUSAGE_SELF)
and of its largest child (RUSAGE_CHILDREN). Targets: an invoice under 80 ms; 1,000 slips under
10 s and 400 MB, memory flat as the count grows.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLIP_COUNTS = (100, 500, 1000)
INVOICE_RUNS = 40


def setup_django(var_dir: str) -> None:
    os.environ["WEBSTORE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "webstore.settings.test"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_data(slips: int) -> None:
    """A store, a courier and `slips` shipments (half COD, some still without AWB), in bulk."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from purchases.models import Address, Item, PaymentMethod, Purchase, PurchaseKind
    from shipments.models import Shipment, ShipmentItem
    from tests import factories

    call_command("migrate", verbosity=0)
    factories.StoreProfileFactory()
    agent = factories.ShippingAgentFactory()
    customer = factories.CustomerFactory()
    now = timezone.now()
    addresses = Address.objects.bulk_create(
        Address(
            name=f"Customer {n}",
            line1=f"Flat {n}, Lakeview Apartments",
            line2="17th Cross, Indiranagar",
            landmark="Near CMH Hospital" if n % 3 else "",
            city="Bengaluru",
            state="29",
            pin_code=f"5600{n % 90 + 10}",
            mobile=f"98{n:08d}",
        )
        for n in range(slips)
    )
    purchases = Purchase.objects.bulk_create(
        Purchase(
            number=f"WS{200000 + n}",
            customer=customer,
            billing_address=address,
            shipping_address=address,
            payment_method=PaymentMethod.COD if n % 2 else PaymentMethod.PREPAID,
            kind=PurchaseKind.OWN,
            subtotal=Decimal("899.00"),
            tax_total=Decimal("107.88"),
            grand_total=Decimal("1006.88"),
            placed_at=now,
        )
        for n, address in enumerate(addresses)
    )
    product = factories.ProductFactory()
    items = Item.objects.bulk_create(
        Item.of_product(product, purchase=purchase, line_number=1, quantity=1, assigned_quantity=1)
        for purchase in purchases
    )
    shipments = Shipment.objects.bulk_create(
        Shipment(
            reference=f"{purchase.number}-1",
            purchase=purchase,
            agent=agent,
            awb=f"{70000000000 + n}" if n % 10 else None,
            weight_grams=700,
            cod_amount=purchase.grand_total if n % 2 else Decimal("0"),
        )
        for n, purchase in enumerate(purchases)
    )
    ShipmentItem.objects.bulk_create(
        ShipmentItem(shipment=shipment, item=item, quantity=1)
        for shipment, item in zip(shipments, items, strict=True)
    )


def bench_invoice() -> float:
    """Median and best ms to render one tax invoice (three lines) to PDF bytes after warming up,
    and the median CPU ms."""
    from purchases import services
    from purchases.documents import invoice_pdf
    from purchases.models import PurchaseStatus
    from tests import factories

    staff = factories.staff()
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=3, quantity=2
    )
    invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    first = invoice_pdf(invoice)
    invoice_pdf(invoice)
    times, cpu_times = [], []
    for _ in range(INVOICE_RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        again = invoice_pdf(invoice)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    cpu = statistics.median(cpu_times)
    assert again == first, "a reprint must be the same bytes"
    return statistics.median(times), min(times), cpu


class PeakRss:
    """The largest sum of RSS over this process and all its descendants, and the CPU time they
    used (each process's last reading), sampled in a thread."""

    def __init__(self, every: float = 0.02):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu: dict[int, float] = {}
        self._cpu_before = self._cpu_of(os.getpid())

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values()) - self._cpu_before

    @staticmethod
    def _cpu_of(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            return 0
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    found += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
        return found

    def sample(self) -> int:
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            total += self._rss_kb(pid)
            self._cpu[pid] = max(self._cpu.get(pid, 0.0), self._cpu_of(pid))
            todo += self._children(pid)
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.sample())


def print_slips(count: int, layout: str) -> dict:
    """In this (fresh) process: print `count` slips into one PDF the way a print job does."""
    from printing import rendering
    from printing.selection import select_documents
    from shipments.models import Shipment

    ids = list(Shipment.objects.order_by("id").values_list("pk", flat=True)[:count])
    out_dir = Path(tempfile.mkdtemp(prefix="slips-"))
    with PeakRss() as peak:
        parent_cpu = time.process_time()
        started = time.perf_counter()
        selection = select_documents(document="slips", ids=ids, layout=layout)
        out = out_dir / "slips.pdf"
        rendering.render_to_file(selection, out, parts_dir=out_dir / "parts")
        seconds = time.perf_counter() - started
        parent_cpu = time.process_time() - parent_cpu
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    size_kb = round(out.stat().st_size / 1024)
    shutil.rmtree(out_dir)  # measured: it goes (each run used to leave megabytes in /tmp)
    return {
        "count": count,
        "pages": pages,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(peak.cpu_seconds, 1),
        "parent_cpu_seconds": round(parent_cpu, 1),
        "peak_mb": round(peak.peak / 1024),
        "maxrss_self_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "maxrss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "size_kb": size_kb,
        "workers": rendering.worker_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--slips", type=int, action="append", help="Slip counts (default 100, 500, 1000)."
    )
    parser.add_argument(
        "--a4", action="store_true", help="A4 sheets of four instead of 4×6 labels."
    )
    parser.add_argument(
        "--child", help=argparse.SUPPRESS
    )  # var dir of a run started by this script
    args = parser.parse_args()
    layout = "a4" if args.a4 else "label"

    if args.child:
        setup_django(args.child)
        print(json.dumps(print_slips(args.slips[0], layout)))
        return

    counts = args.slips or list(SLIP_COUNTS)
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as var_dir:
        setup_django(var_dir)
        started = time.perf_counter()
        build_data(max(counts))
        print(
            f"Data: {max(counts)} shipments built in {time.perf_counter() - started:.1f} s "
            f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f})"
        )
        median, best, cpu = bench_invoice()
        print(
            f"Invoice: {median:.1f} ms median of {INVOICE_RUNS} (best {best:.1f} ms, "
            f"CPU {cpu:.1f} ms); target < 80 ms"
        )
        print(f"Slips ({layout}): wall time, CPU of all processes, peak RSS of process + children")
        for count in counts:
            result = subprocess.run(
                [sys.executable, __file__, "--child", var_dir, "--slips", str(count)]
                + (["--a4"] if args.a4 else []),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                print(result.stderr, file=sys.stderr)
                raise SystemExit(f"printing {count} slips failed")
            r = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"  {r['count']:>5} slips, {r['pages']:>4} pages, {r['size_kb']:>5} KB: "
                f"{r['seconds']:>6.2f} s wall, {r['cpu_seconds']:>5.1f} s CPU "
                f"({r['parent_cpu_seconds']} s in the parent), "
                f"peak {r['peak_mb']} MB (ru_maxrss self {r['maxrss_self_mb']} MB, "
                f"largest child {r['maxrss_children_mb']} MB), {r['workers']} workers"
            )
        print(
            f"Load average now {os.getloadavg()[0]:.2f}: other work on the machine slows wall time."
        )
        print("Targets: 1,000 slips < 10 s and < 400 MB; memory flat as the count grows.")


if __name__ == "__main__":
    main()
