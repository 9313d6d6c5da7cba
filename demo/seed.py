"""Load a whole demo store into an empty database, deterministically for a seed."""

import contextlib
import datetime as dt
import gc
import multiprocessing
import queue
import random
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from accounts.roles import ensure_roles
from catalog.models import FulfilledBy, Product
from channels.models import SalesChannel
from configuration.models import StoreProfile
from customers.models import Customer
from purchases.models import AuditEntry, CreditNote, DocumentSeries, Invoice, Purchase
from shipments.models import HandoverBatch, Shipment, ShippingAgent

from .build import COLUMNS, MODELS, StoreBuilder
from .catalogue import INFIBEAM_PRODUCTS, OWN_PRODUCTS
from .couriers import COURIERS
from .plan import draw_plans, number_documents
from .purchase_run import build_purchase
from .rows import TableWriter, next_id, reset_sequences
from .store import DEMO_CHANNEL, DEMO_PASSWORD, DEMO_USERS, STORE_PROFILE

BATCH = 2000  # purchases built in memory before their rows are written
PARALLEL_FROM = 5000  # purchases; fewer load faster without a second process


class DemoRefused(Exception):
    """The demo store cannot be loaded here; the message says why."""


@dataclass
class SeedSummary:
    purchases: int
    by_status: dict[str, int]
    counts: dict[str, int] = field(default_factory=dict)


def seed_demo_store(
    *,
    purchases: int,
    seed: int,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
) -> SeedSummary:
    """Store profile, couriers, products, the three demo logins, customers and `purchases`
    purchases in every state, with their invoices, shipments, handovers and timelines.

    Large loads build the purchases in a forked process while this one writes the rows, which
    halves the time on two cores; the store is the same either way (`parallel` forces a choice).
    """
    if Purchase.objects.exists():
        raise DemoRefused("The database already has purchases; the demo store needs an empty one.")
    # Histories end at the start of today (India time): a seed gives the same store all day, and
    # on later days the same store moved by whole days (couriers' pickups keep their hours).
    now = now or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if parallel is None:
        parallel = purchases >= PARALLEL_FROM
    parallel = parallel and "fork" in multiprocessing.get_all_start_methods()
    with _cyclic_gc_paused(), transaction.atomic():
        _give_sqlite_room()
        builder, plans, series = _prepare(purchases=purchases, seed=seed, now=now)
        writers = {model: TableWriter(model, columns) for model, columns in COLUMNS.items()}
        batches = _built_in_child(builder, plans) if parallel else _built_here(builder, plans)
        by_status: dict[str, int] = {}
        stock: dict[int, tuple[int, int]] = {}
        for rows, done, counts, stock_now in batches:
            for model, writer in writers.items():
                if rows.get(model):
                    writer.write(rows[model])
            by_status, stock = counts, stock_now
            if progress:
                progress(done, len(plans))
        _write_stock(stock)
        for (kind, year), next_number in series.items():
            DocumentSeries.objects.update_or_create(
                kind=kind, financial_year=year, defaults={"next_number": next_number}
            )
        reset_sequences(MODELS)
    return SeedSummary(
        purchases=len(plans),
        by_status=by_status,
        counts={what: writers[model].written for what, model in SUMMARISED},
    )


SUMMARISED = [
    ("customers", Customer),
    ("invoices", Invoice),
    ("credit notes", CreditNote),
    ("shipments", Shipment),
    ("handover batches", HandoverBatch),
    ("audit entries", AuditEntry),
]


def _prepare(*, purchases: int, seed: int, now: dt.datetime):
    """The store's profile, people, couriers and products; the purchases' plans, numbered; the
    builder that plays them; and the document series' next numbers once they are issued."""
    ensure_roles()
    users = _demo_users()
    _demo_channel()
    store = _store_profile()
    plans = draw_plans(count=purchases, seed=seed, now=now)
    first_ids = {model: next_id(model) for model in MODELS}
    series = number_documents(
        plans,
        first_id=first_ids[Purchase],
        invoice_prefix=store.invoice_prefix,
        credit_note_prefix=store.credit_note_prefix,
        next_sequence={
            (row.kind, row.financial_year): row.next_number for row in DocumentSeries.objects.all()
        },
    )
    builder = StoreBuilder(
        rng=random.Random(seed),
        now=now,
        store=store,
        users=users,
        agents=_shipping_agents(),
        products=_products(),
        first_ids=first_ids,
    )
    if plans:
        builder.open_stock(plans, at=plans[0].placed_at - dt.timedelta(days=1))
    return builder, plans, series


def _write_stock(stock: dict[int, tuple[int, int]]) -> None:
    """The products' stock as the purchases left it (the builder changed it in memory)."""
    products = list(Product.objects.filter(pk__in=stock))
    for product in products:
        product.on_hand, product.committed = stock[product.pk]
    Product.objects.bulk_update(products, ["on_hand", "committed"])


# Rows, purchases done, purchases by state, and each own product's stock: id → (on hand, committed).
Batch = tuple[dict[type, list[tuple]], int, dict[str, int], dict[int, tuple[int, int]]]


def _built_here(builder: StoreBuilder, plans: list) -> Iterator[Batch]:
    connection = connections[DEFAULT_DB_ALIAS]
    for start in range(0, len(plans), BATCH):
        with connection.execute_wrapper(_refuse_queries):
            for plan in plans[start : start + BATCH]:
                build_purchase(builder, plan)
        done = min(start + BATCH, len(plans))
        yield builder.take_rows(), done, dict(builder.counts), builder.stock()


def _refuse_queries(execute, sql, params, many, context):
    """The builder works in memory (its rows are not written yet, and a forked builder must leave
    the connection it inherited alone): a query from it is a bug, never a silent wrong answer."""
    raise RuntimeError(f"The demo builder asked the database: {sql[:120]}")


def _built_in_child(builder: StoreBuilder, plans: list) -> Iterator[Batch]:
    """The same batches, built by a forked copy of this process and sent back through a pipe.

    The child never touches the database: it inherited this process's connection but leaves it
    alone (multiprocessing ends a forked child with os._exit, so nothing closes it either).
    """
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=3)
    child = context.Process(target=_build_and_send, args=(builder, plans, channel), daemon=True)
    child.start()
    try:
        while True:
            try:
                message = channel.get(timeout=5)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError("The demo builder process stopped unexpectedly.") from None
                continue
            if message[0] == "error":
                raise RuntimeError(f"The demo builder failed:\n{message[1]}")
            if message[0] == "done":
                break
            yield message[1:]
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _build_and_send(builder: StoreBuilder, plans: list, channel) -> None:
    try:
        for batch in _built_here(builder, plans):
            channel.put(("rows", *batch))
        channel.put(("done",))
    except BaseException:
        channel.put(("error", traceback.format_exc()))
    channel.close()
    channel.join_thread()


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector rescans the growing heap over and over while millions of objects
    are made; the builder leaves no cycles behind, so pausing it saves a quarter of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _give_sqlite_room() -> None:
    """A bigger page cache for this connection while the indexes grow (SQLite's default is 2 MB)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB


def _demo_users() -> dict[str, User]:
    users = {}
    # One hash for the three: hashing costs a second each, and the password is published anyway.
    password = make_password(DEMO_PASSWORD)
    for username, first_name, last_name, role, email in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.is_active = True
        user.password = password
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        # Read now and kept on the object: the builder asks about roles without a query.
        user.get_all_permissions()
        users[username] = user
    return users


def _store_profile() -> StoreProfile:
    """The store's profile as it is, or the demo one when there is none yet."""
    store = StoreProfile.objects.first()
    if store is None:
        store = StoreProfile(**STORE_PROFILE)
        store.full_clean()
        store.save()
    return store


def _demo_channel() -> SalesChannel:
    """The demo storefront's channel, as docs/orders-api.md sends orders through it."""
    channel, _ = SalesChannel.objects.get_or_create(
        code=DEMO_CHANNEL["code"], defaults=DEMO_CHANNEL
    )
    return channel


def _shipping_agents() -> list[tuple[ShippingAgent, object]]:
    agents = []
    for courier in COURIERS:
        agent, _ = ShippingAgent.objects.update_or_create(
            code=courier.code,
            defaults={
                "name": courier.name,
                "tracking_url_template": courier.tracking_url_template,
                "awb_pattern": courier.awb_pattern,
                "collects_cod": courier.collects_cod,
            },
        )
        agent.full_clean()
        agents.append((agent, courier))
    return agents


def _products() -> dict[str, Product]:
    existing = {product.sku: product for product in Product.objects.all()}
    new = []
    for fulfilled_by, table in (
        (FulfilledBy.OWN, OWN_PRODUCTS),
        (FulfilledBy.INFIBEAM, INFIBEAM_PRODUCTS),
    ):
        for entry in table:
            if entry.sku in existing:
                continue
            product = Product(
                sku=entry.sku,
                name=entry.name,
                hsn_code=entry.hsn_code,
                gst_rate=entry.gst_rate,
                price=entry.price,
                weight_grams=entry.weight_grams,
                fulfilled_by=fulfilled_by,
            )
            product.full_clean()
            new.append(product)
    Product.objects.bulk_create(new)
    return {product.sku: product for product in Product.objects.all()}
