"""Two people receiving the same parcel at once (PostgreSQL's row locks): it is received once, one
credit note is issued, stock moves once, and the other is told it was received already."""

import threading

import pytest
from django.db import connection, connections

from catalog.models import StockMovement
from core.exceptions import TransitionNotAllowed
from purchases.models import CreditNote, PurchaseStatus
from returns import services
from returns.models import ParcelReturn
from returns.rules import Disposition
from tests import factories

from .test_returns import courier_says

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
    pytest.mark.django_db(transaction=True),
]
PEOPLE = 6


def at_once(action) -> list:
    """Run `action()` from PEOPLE threads released together; what each raised or returned."""
    start = threading.Barrier(PEOPLE)
    outcomes = []

    def person():
        try:
            start.wait()
            outcomes.append(action())
        except Exception as error:  # collected and asserted by the caller
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=person) for _ in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_customer_return_received_by_several_people_at_once_is_received_once():
    factories.StoreProfileFactory()
    staff, agent = factories.staff(), factories.ShippingAgentFactory()
    shipment = factories.handed_over_shipment(
        staff, agent, awb="12345678901", quantity=2, status=PurchaseStatus.FRAUD_APPROVED
    )
    courier_says(agent, "12345678901", "delivered")
    item_id = shipment.lines.get().item_id
    parcel = services.customer_return_record(
        shipment_id=shipment.pk, user=staff, quantities={item_id: 2}, reason="Wrong size"
    )

    outcomes = at_once(
        lambda: services.return_receive(
            return_id=parcel.pk, user=staff, dispositions={item_id: Disposition(2, 0)}
        )
    )

    received = [each for each in outcomes if isinstance(each, ParcelReturn)]
    refused = [each for each in outcomes if isinstance(each, TransitionNotAllowed)]
    assert (len(received), len(refused)) == (1, PEOPLE - 1)
    assert CreditNote.objects.count() == 1
    assert StockMovement.objects.filter(kind="returned").count() == 1


def test_a_parcel_returned_to_origin_received_by_several_people_at_once_is_received_once():
    factories.StoreProfileFactory()
    staff, agent = factories.staff(), factories.ShippingAgentFactory()
    shipment = factories.handed_over_shipment(
        staff, agent, awb="12345678901", status=PurchaseStatus.FRAUD_APPROVED
    )
    courier_says(agent, "12345678901", "rto")
    item_id = shipment.lines.get().item_id

    outcomes = at_once(
        lambda: services.return_to_origin_receive(
            shipment_id=shipment.pk, user=staff, dispositions={item_id: Disposition(1, 0)}
        )
    )

    assert sum(isinstance(each, ParcelReturn) for each in outcomes) == 1
    assert sum(isinstance(each, TransitionNotAllowed) for each in outcomes) == PEOPLE - 1
    assert CreditNote.objects.count() == ParcelReturn.objects.count() == 1
