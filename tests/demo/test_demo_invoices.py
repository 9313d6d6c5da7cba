"""The demo store's invoices are what its customers were charged: a prepaid purchase's to the
paisa, a cash-on-delivery purchase's rounded to the rupee the courier collects (an issue found
338 prepaid invoices of `seed_demo --purchases 1000 --seed 7` short of their charge by paise)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from demo.seed import seed_demo_store
from purchases.models import Invoice

pytestmark = pytest.mark.django_db


def test_every_invoice_is_what_its_purchase_charged():
    seed_demo_store(purchases=300, seed=11, now=dt.datetime(2026, 11, 26, tzinfo=ZoneInfo("UTC")))
    invoices = list(Invoice.objects.select_related("purchase"))
    # Purchases of the store's own products only (Infibeam invoices its part of a mixed one),
    # none of it cancelled before invoicing.
    whole = [
        i
        for i in invoices
        if i.purchase.kind == "own" and not i.purchase.items.filter(cancelled_quantity__gt=0)
    ]

    prepaid = [i for i in whole if not i.purchase.is_cash_on_delivery()]
    cod = [i for i in whole if i.purchase.is_cash_on_delivery()]
    assert len(prepaid) > 20 and len(cod) > 20
    assert [i.purchase.number for i in prepaid if i.grand_total != i.purchase.grand_total] == []
    assert all(i.content["round_off"] == "0.00" for i in prepaid)
    for invoice in cod:
        assert invoice.grand_total == invoice.purchase.grand_total.quantize(
            Decimal("1"), "ROUND_HALF_UP"
        )
