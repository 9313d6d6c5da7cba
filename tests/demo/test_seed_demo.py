"""seed_demo: a small demo store has every state, passes every validator, and is consistent."""

import contextlib
import datetime as dt
import io
import multiprocessing
import os
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count

from catalog.models import FulfilledBy, Product
from configuration.models import StoreProfile
from core.india import (
    GstState,
    is_valid_gstin,
    validate_hsn_code,
    validate_mobile,
    validate_pin_code,
)
from customers.models import Customer
from demo.couriers import s10_check_digit
from demo.places import STATE_PIN_PREFIXES
from demo.seed import seed_demo_store
from partners.models import PartnerEvent
from purchases import services
from purchases.fulfilment import partner_status_of, progress_of
from purchases.invoicing import (
    allocate_number,
    amount_payable,
    financial_year_of,
    shipping_line_of,
)
from purchases.models import (
    Address,
    AuditEntry,
    CreditNote,
    DocumentKind,
    DocumentSeries,
    Invoice,
    Item,
    ItemStatus,
    PaymentMethod,
    Purchase,
    PurchaseKind,
    PurchaseStatus,
)
from shipments.models import HandoverBatch, Shipment, ShipmentStatus, ShippingAgent
from shipments.services import AWB_RE

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, tzinfo=IST)
SIZE = 60
AFTER_INVOICING = [
    PurchaseStatus.INVOICED,
    PurchaseStatus.AGENT_ASSIGNED,
    PurchaseStatus.SHIPPED,
    PurchaseStatus.PARTIALLY_COMPLETE,
    PurchaseStatus.COMPLETE,
]
BEFORE_INVOICING = [
    PurchaseStatus.IN_CHECKOUT,
    PurchaseStatus.FROZEN,
    PurchaseStatus.CONFIRMED,
    PurchaseStatus.FRAUD_APPROVED,
    PurchaseStatus.FRAUD_DENIED,
]


@pytest.fixture
def demo(db):
    return seed_demo_store(purchases=SIZE, seed=7, now=NOW)


def digest() -> dict:
    """What a user would notice if two demo stores differed."""
    purchases = Purchase.objects.order_by("number").values_list(
        "number", "status", "partner_status", "kind", "payment_method", "grand_total", "placed_at",
        "customer__name", "shipping_address__pin_code",
    )  # fmt: skip
    invoices = Invoice.objects.values_list("number", "purchase__number", "grand_total")
    shipments = Shipment.objects.values_list("reference", "agent__code", "awb", "status")
    timeline = AuditEntry.objects.values_list(
        "subject_label", "action", "to_state", "actor_name", "created_at"
    )
    return {
        "purchases": list(purchases),
        "invoices": list(invoices.order_by("number")),
        "credit_notes": list(
            CreditNote.objects.values_list("number", "grand_total").order_by("id")
        ),
        "shipments": list(shipments.order_by("reference")),
        "timeline": list(timeline.order_by("id")),
        "stock": list(Product.objects.values_list("sku", "on_hand", "committed").order_by("sku")),
    }


@contextlib.contextmanager
def freeze_issue_time(moment: dt.datetime):
    """Documents issued inside are dated `moment` (the demo's histories end at NOW)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def seeded_digest(**options) -> dict:
    """Load a demo store, describe it, and roll it back."""
    with transaction.atomic():
        seed_demo_store(purchases=SIZE, now=NOW, **{"seed": 7, **options})
        described = digest()
        transaction.set_rollback(True)
    return described


# -- what the store holds -------------------------------------------------------------------------


def test_every_state_kind_and_payment_is_present(demo):
    assert demo.purchases == SIZE == Purchase.objects.count()
    states = Counter(Purchase.objects.values_list("status", flat=True))
    assert set(states) == set(PurchaseStatus.values)
    assert demo.by_status == dict(states)
    assert set(Purchase.objects.values_list("kind", flat=True)) == set(PurchaseKind.values)
    assert set(Purchase.objects.values_list("payment_method", flat=True)) == set(
        PaymentMethod.values
    )
    kinds_by_state = defaultdict(set)
    for status, kind in Purchase.objects.values_list("status", "kind"):
        kinds_by_state[status].add(kind)
    for status in (
        PurchaseStatus.PARTIALLY_COMPLETE,
        PurchaseStatus.COMPLETE,
        PurchaseStatus.CANCELLED,
    ):
        assert kinds_by_state[status] == set(PurchaseKind.values), status
    cancelled = Purchase.objects.filter(status=PurchaseStatus.CANCELLED)
    assert cancelled.filter(invoices__credit_notes__isnull=False).exists()  # after invoicing
    assert cancelled.filter(invoices__isnull=True).exists()  # before invoicing


def test_store_couriers_and_products_are_real(demo):
    store = StoreProfile.objects.get()
    assert is_valid_gstin(store.gstin) and store.gstin[:2] == store.state == "27"
    store.full_clean()
    agents = list(ShippingAgent.objects.all())
    assert len(agents) >= 5
    assert any(not agent.collects_cod for agent in agents)
    for agent in agents:
        agent.full_clean()  # tracking URL template with {awb}, pattern compiles
        assert agent.tracking_url("X1").startswith("https://") and "X1" in agent.tracking_url("X1")
    products = list(Product.objects.all())
    assert {p.fulfilled_by for p in products} == set(FulfilledBy.values)
    assert {p.gst_rate for p in products} == {5, 12, 18}
    for product in products:
        validate_hsn_code(product.hsn_code)
        assert product.price > 0 and product.weight_grams > 0


def test_customers_and_addresses_pass_the_validators(demo):
    customers = list(Customer.objects.all())
    assert len(customers) >= 20
    for customer in customers:
        validate_mobile(customer.mobile)
        number = phonenumbers.parse(customer.mobile, "IN")
        assert phonenumbers.is_valid_number(number), customer.mobile
        validate_email(customer.email)
        assert customer.email == customer.email.lower()
    addresses = list(Address.objects.all())
    for address in addresses:
        address.full_clean()
        validate_mobile(address.mobile)
        validate_pin_code(address.pin_code)
        assert address.state in GstState.values
        assert address.pin_code.startswith(STATE_PIN_PREFIXES[address.state]), address
    assert len({address.state for address in addresses}) >= 15
    assert sum(1 for address in addresses if address.landmark) > len(addresses) / 2


def test_a_few_customers_are_registered_for_gst_in_their_home_state(demo):
    customers = list(Customer.objects.all())
    registered = [customer for customer in customers if customer.gstin]
    assert 0 < len(registered) <= len(customers) * 0.06
    for customer in registered:
        customer.full_clean()  # the panel's own GSTIN validator, check character included
        billed_in = set(
            Purchase.objects.filter(customer=customer).values_list(
                "billing_address__state", flat=True
            )
        )
        assert billed_in == {customer.gstin[:2]}, customer.gstin
    # Every document names the recipient's GSTIN as the customer had it (none changed since).
    invoices = list(Invoice.objects.select_related("purchase__customer"))
    for invoice in invoices:
        assert invoice.content["recipient"]["gstin"] == invoice.purchase.customer.gstin
    for note in CreditNote.objects.select_related("invoice"):
        assert note.content["recipient"]["gstin"] == note.invoice.content["recipient"]["gstin"]
    assert any(invoice.content["recipient"]["gstin"] for invoice in invoices)


def test_awbs_match_their_courier_and_are_unique_per_courier(demo):
    shipments = list(Shipment.objects.select_related("agent").exclude(awb=None))
    assert shipments
    for shipment in shipments:
        assert AWB_RE.match(shipment.awb), shipment.awb
        assert shipment.agent.awb_matches_pattern(shipment.awb), (shipment.agent.code, shipment.awb)
        if shipment.agent.code == "SPEEDPOST":
            assert shipment.awb[10] == s10_check_digit(shipment.awb[2:10])
    per_agent = Counter((shipment.agent_id, shipment.awb) for shipment in shipments)
    assert max(per_agent.values()) == 1


def test_speed_post_check_digit_follows_upu_s10():
    assert s10_check_digit("47312482") == "9"  # UPU S10's own example, AA 47312482 9 GB


def test_placed_times_span_eighteen_months_and_invoices_two_financial_years(demo):
    placed = list(Purchase.objects.values_list("placed_at", flat=True))
    assert max(placed) < NOW
    assert max(placed) - min(placed) > dt.timedelta(days=365)
    assert len(set(Invoice.objects.values_list("financial_year", flat=True))) >= 2


# -- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, kind, prefix",
    [(Invoice, DocumentKind.INVOICE, "WS"), (CreditNote, DocumentKind.CREDIT_NOTE, "CN")],
)
def test_document_numbers_are_gapless_per_financial_year_in_order_of_issue(
    demo, model, kind, prefix
):
    by_year = defaultdict(list)
    for document in model.objects.order_by("issued_at", "id"):
        assert document.financial_year == financial_year_of(document.issued_at)
        by_year[document.financial_year].append(document)
    assert by_year
    for year, documents in by_year.items():
        assert [d.sequence for d in documents] == list(range(1, len(documents) + 1))
        assert [d.number for d in documents] == [
            f"{prefix}/{year}/{n:06d}" for n in range(1, len(documents) + 1)
        ]
        series = DocumentSeries.objects.get(kind=kind, financial_year=year)
        assert series.next_number == len(documents) + 1
    latest = max(by_year, key=lambda year: by_year[year][-1].issued_at)
    with transaction.atomic():
        number, year, sequence = allocate_number(
            kind=kind, prefix=prefix, issued_at=by_year[latest][-1].issued_at
        )
    assert (year, sequence) == (latest, len(by_year[latest]) + 1)


def test_purchase_and_shipment_numbers(demo):
    numbers = list(Purchase.objects.order_by("placed_at", "id").values_list("number", flat=True))
    assert numbers == [f"WS{100001 + n}" for n in range(SIZE)]
    references = defaultdict(list)
    for shipment in Shipment.objects.select_related("purchase").order_by("created_at", "id"):
        references[shipment.purchase.number].append(shipment.reference)
    for number, refs in references.items():
        assert refs == [f"{number}-{n}" for n in range(1, len(refs) + 1)]


def test_the_store_keeps_working_after_loading(demo):
    """New rows get fresh ids (PostgreSQL's sequences were moved on) and the next invoice
    continues this year's series."""
    staff = User.objects.get(username="staff")
    purchase = Purchase.objects.filter(
        status=PurchaseStatus.CONFIRMED, kind=PurchaseKind.OWN
    ).first()
    services.purchase_approve_fraud(purchase_id=purchase.pk, user=staff)
    with freeze_issue_time(NOW + dt.timedelta(hours=10)):
        invoice = services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    year = financial_year_of(invoice.issued_at)
    before = Invoice.objects.filter(financial_year=year).exclude(pk=invoice.pk).count()
    assert invoice.sequence == before + 1
    assert invoice.number == f"WS/{year}/{before + 1:06d}"
    Customer.objects.create(name="Asha Rao", email="asha@example.in", mobile="9845000001")


# -- consistency with purchases/README.md ----------------------------------------------------------


def test_states_after_invoicing_are_what_the_progress_implies(demo):
    checked = 0
    for purchase in Purchase.objects.filter(
        status__in=AFTER_INVOICING + [PurchaseStatus.CANCELLED]
    ):
        progress = progress_of(purchase.items.all(), purchase.shipments.all())
        assert purchase.derive_status(progress) == purchase.status, purchase
        checked += 1
    assert checked > SIZE / 3


def test_items_and_partner_part_follow_their_quantities(demo):
    for purchase in Purchase.objects.prefetch_related("items", "shipments__lines"):
        items = list(purchase.items.all())
        partner = [item for item in items if not item.is_own()]
        assert purchase.partner_status == partner_status_of(partner)
        in_active, handed = Counter(), Counter()
        for shipment in purchase.shipments.all():
            for line in shipment.lines.all():
                if shipment.status in (ShipmentStatus.AGENT_ASSIGNED, ShipmentStatus.SHIPPED):
                    in_active[line.item_id] += line.quantity
                elif shipment.status == ShipmentStatus.COMPLETE:
                    handed[line.item_id] += line.quantity
        for item in items:
            assert item.status == item.derive_status()
            assert (
                item.assigned_quantity + item.handed_over_quantity + item.cancelled_quantity
                <= item.quantity
            )
            if item.is_own():
                assert item.assigned_quantity == in_active[item.pk]
                assert item.handed_over_quantity == handed[item.pk]
            else:
                assert item.assigned_quantity == 0 and item.pk not in in_active


def test_documents_and_shipments_match_each_state(demo):
    for purchase in Purchase.objects.prefetch_related(
        "invoices__credit_notes", "shipments", "items"
    ):
        invoices = list(purchase.invoices.all())
        shipments = list(purchase.shipments.all())
        status = purchase.status
        if purchase.kind == PurchaseKind.INFIBEAM or status in BEFORE_INVOICING:
            assert not invoices and not shipments, purchase
            continue
        if status in AFTER_INVOICING:
            assert len(invoices) == 1, purchase
        if status == PurchaseStatus.CANCELLED:
            assert all(s.status == ShipmentStatus.CANCELLED for s in shipments)
            if invoices:
                assert invoices[0].credit_notes.count() == 1
        own_units = sum(
            item.quantity - item.cancelled_quantity
            for item in purchase.items.all()
            if item.is_own()
        )
        shipped = [s for s in shipments if s.status != ShipmentStatus.CANCELLED]
        if status == PurchaseStatus.SHIPPED:
            assert shipped and all(s.status == ShipmentStatus.SHIPPED for s in shipped)
            assert sum(item.assigned_quantity for item in purchase.items.all()) == own_units
        if status == PurchaseStatus.AGENT_ASSIGNED:
            assert any(s.status == ShipmentStatus.AGENT_ASSIGNED for s in shipped)
        if status == PurchaseStatus.COMPLETE:
            assert all(s.status == ShipmentStatus.COMPLETE for s in shipped)


def test_shipments_carry_what_their_state_needs(demo):
    shipments = list(Shipment.objects.select_related("agent", "purchase", "handover_batch"))
    assert {s.status for s in shipments} == set(ShipmentStatus.values)
    for s in shipments:
        if s.status in (ShipmentStatus.SHIPPED, ShipmentStatus.COMPLETE):
            assert s.awb and s.slip_printed_at and s.shipped_at, s
        if s.status == ShipmentStatus.AGENT_ASSIGNED:
            assert not (s.awb and s.slip_printed_at), s
        if s.status == ShipmentStatus.COMPLETE:
            batch = s.handover_batch
            assert batch.agent_id == s.agent_id
            assert batch.opened_at <= s.handed_over_at <= batch.closed_at <= NOW
            assert batch.pickup_person and batch.pickup_mobile
            assert s.shipped_at <= s.handed_over_at
        else:
            assert s.handover_batch is None and s.handed_over_at is None
        assert (s.status == ShipmentStatus.CANCELLED) == (s.cancelled_at is not None)
        if s.purchase.is_cash_on_delivery():
            assert s.agent.collects_cod and s.cod_amount > 0
        else:
            assert s.cod_amount == 0
    assert HandoverBatch.objects.annotate(n=Count("shipments")).filter(n=0).count() == 0


def test_cash_on_delivery_slips_add_up_to_what_is_payable(demo):
    """Once every own unit is in a shipment or cancelled, the live shipments of a COD purchase
    collect its invoice total less its credit notes, to the paisa (shipments.services)."""
    checked = 0
    for purchase in Purchase.objects.filter(payment_method=PaymentMethod.COD).exclude(
        invoices=None
    ):
        if any(item.unassigned_quantity for item in purchase.items.own()):
            continue
        payable = amount_payable(purchase)
        live = purchase.shipments.exclude(status=ShipmentStatus.CANCELLED)
        collected = sum((s.cod_amount for s in live), Decimal("0"))
        if live.exists():
            assert collected == payable, purchase.number
            assert all(s.cod_amount == s.cod_amount.to_integral_value() for s in live)
            checked += 1
    assert checked > 10


def test_invoice_content_is_the_purchases_own_items(demo):
    for invoice in Invoice.objects.select_related("purchase"):
        content = invoice.content
        own = list(invoice.purchase.items.own().order_by("line_number"))
        assert content["number"] == invoice.number
        assert content["purchase_number"] == invoice.purchase.number
        goods = [line for line in content["lines"] if line["sku"]]
        assert [line["sku"] for line in goods] == [item.sku for item in own]
        shipping = shipping_line_of(content)
        if invoice.purchase.shipping_charge:  # a small order: shipping is a taxed line
            assert Decimal(shipping["total"]) == invoice.purchase.shipping_charge
        else:
            assert shipping is None
        assert invoice.grand_total == Decimal(content["grand_total"])
        assert content["supplier"]["gstin"] == StoreProfile.objects.get().gstin


def test_timeline_records_every_state_change(demo):
    for purchase in Purchase.objects.exclude(status=PurchaseStatus.IN_CHECKOUT):
        moves = list(
            purchase.audit_entries.filter(subject="purchase")
            .exclude(state_field="partner_status")
            .order_by("created_at", "id")
            .values_list("from_state", "to_state")
        )
        assert moves, purchase
        assert moves[0][0] == PurchaseStatus.IN_CHECKOUT
        assert moves[-1][1] == purchase.status
        assert all(earlier[1] == later[0] for earlier, later in zip(moves, moves[1:], strict=False))
    assert not AuditEntry.objects.filter(created_at__gt=NOW).exists()
    assert not AuditEntry.objects.filter(subject="item", actor_name="").exists()
    cancels = AuditEntry.objects.filter(subject="purchase", to_state=PurchaseStatus.CANCELLED)
    assert set(cancels.exclude(actor=None).values_list("actor__username", flat=True)) <= {"owner"}
    assert PartnerEvent.objects.exists()
    assert ItemStatus.COMPLETE in set(PartnerEvent.objects.values_list("item__status", flat=True))


def test_stock_is_what_the_purchases_left(demo):
    """Each own product was received once before the first purchase; what open purchases still
    hold is committed, what couriers took is off the shelf, and every live order could be met."""
    for product in Product.objects.filter(fulfilled_by=FulfilledBy.OWN):
        items = Item.objects.filter(product=product)
        live = items.exclude(purchase__status__in=[PurchaseStatus.FRAUD_DENIED])
        open_units = sum(item.open_quantity for item in live)
        handed_over = sum(item.handed_over_quantity for item in items)
        received = sum(product.stock_movements.values_list("quantity", flat=True))
        assert product.committed == open_units, product.sku
        assert product.on_hand == received - handed_over, product.sku
        assert product.available >= 0, product.sku
    assert Product.objects.filter(fulfilled_by=FulfilledBy.INFIBEAM, committed__gt=0).count() == 0


# -- determinism -----------------------------------------------------------------------------------


def test_same_seed_gives_the_same_store_and_another_seed_another():
    first = seeded_digest()
    assert first == seeded_digest()
    assert first["purchases"] != seeded_digest(seed=8)["purchases"]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_builder_gives_the_same_store():
    assert seeded_digest(parallel=True) == seeded_digest(parallel=False)


# -- the command ----------------------------------------------------------------------------------


def test_demo_logins_work(demo, client):
    for username, role in (("owner", "Owner"), ("staff", "Staff"), ("viewer", "Viewer")):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert client.login(username=username, password="webstore")
        assert client.get("/").status_code == 200
        client.logout()


def test_command_loads_and_summarises():
    out = io.StringIO()
    call_command("seed_demo", "--purchases", "40", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert Purchase.objects.count() == 40
    assert "Demo store loaded" in text and "40 purchases" in text
    assert "Logins: owner, staff, viewer (password 'webstore')" in text
    assert "\r" not in text  # no progress line when the output is not a terminal


def test_if_empty_leaves_an_existing_store_alone(demo):
    before = digest()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", "--purchases", "5", stdout=out)
    assert f"already has {SIZE} purchases" in out.getvalue()
    assert digest() == before
    with pytest.raises(CommandError, match="already has 60 purchases"):
        call_command("seed_demo", "--purchases", "5")
    assert digest() == before


def test_does_not_exist_under_production_settings(tmp_path):
    """The demo app is not installed in production: no command that makes demo logins is there."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webstore.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "shop.example",
        "WEBSTORE_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--purchases", "5"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("Unknown command: 'seed_demo'"), done.stderr
    assert not list(tmp_path.iterdir())  # not even a database file
