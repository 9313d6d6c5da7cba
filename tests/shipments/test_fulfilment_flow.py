"""From invoiced to complete through shipments: the purchase's state follows them."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core.exceptions import InvalidInput, RoleNotAllowed, TransitionNotAllowed
from purchases import services as purchase_services
from purchases.models import PurchaseStatus
from shipments import services
from shipments.models import DeliveryStatus, ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(store, staff):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=2, quantity=2
    )
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    return purchase


def ship(shipment, user, awb):
    services.shipment_record_awb(shipment_id=shipment.pk, user=user, awb=awb)
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=user)
    shipment.refresh_from_db()
    return shipment


def test_whole_purchase_from_invoiced_to_complete(
    invoiced, store, staff, agent, django_capture_on_commit_callbacks
):
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.AGENT_ASSIGNED

    shipment = ship(shipment, staff, " 12345678901 ")
    assert shipment.awb == "12345678901"
    assert shipment.status == ShipmentStatus.SHIPPED
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.SHIPPED

    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.COMPLETE
    shipment.refresh_from_db()
    assert (shipment.delivery_status, shipment.delivery_scanned_at) == (
        DeliveryStatus.IN_TRANSIT,
        shipment.handed_over_at,
    )
    assert len(mail.outbox) == 1
    assert "12345678901" in mail.outbox[0].body and agent.name in mail.outbox[0].body
    # From the store by name, on the address the mail server sends from; replies go to the store.
    assert mail.outbox[0].from_email == f"{store.display_name} <{settings.DEFAULT_FROM_EMAIL}>"
    assert mail.outbox[0].reply_to == [store.email]


def test_split_shipment_leaves_purchase_partially_complete(invoiced, staff, agent):
    first, second = invoiced.items.order_by("line_number")
    shipment = services.shipment_create(
        purchase_id=invoiced.pk,
        user=staff,
        agent_id=agent.pk,
        quantities={first.pk: 2, second.pk: 1},
    )
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.INVOICED  # one unit is still to be assigned
    ship(shipment, staff, "11111111111")
    services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.PARTIALLY_COMPLETE
    assert list(type(invoiced).objects.awaiting_agent()) == [invoiced]

    rest = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    assert rest.lines.get().quantity == 1
    ship(rest, staff, "22222222222")
    services.shipment_hand_over(shipment_id=rest.pk, user=staff)
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.COMPLETE


def test_hand_over_twice_has_one_effect(invoiced, staff, agent, django_capture_on_commit_callbacks):
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    ship(shipment, staff, "33333333333")
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
        with pytest.raises(TransitionNotAllowed):
            services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    assert len(mail.outbox) == 1


def test_hand_over_refused_before_awb_and_slip(invoiced, staff, agent):
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    with pytest.raises(TransitionNotAllowed, match="AWB"):
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)


def test_awb_must_match_the_agents_pattern_and_be_unique(invoiced, staff, agent):
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    with pytest.raises(InvalidInput, match="does not look like a Blue Dart AWB: 11 digits."):
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="ABCD1234")
    with pytest.raises(InvalidInput) as refused:
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="X!" * 2500)
    assert len(refused.value.message) < 150  # says what is wrong without echoing 5,000 characters
    other = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    purchase_services.purchase_issue_invoice(purchase_id=other.pk, user=staff)
    other_shipment = services.shipment_create(purchase_id=other.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_awb(shipment_id=other_shipment.pk, user=staff, awb="44444444444")
    with pytest.raises(InvalidInput, match="already recorded"):
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="44444444444")
    shipment.refresh_from_db()
    assert shipment.awb is None


def test_an_awb_is_taken_as_pasted_from_a_courier_portal(invoiced, staff, agent):
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb=" 1234 5678\t901 ")
    shipment.refresh_from_db()
    assert shipment.awb == "12345678901"


def test_an_agents_awb_pattern_is_said_in_words():
    says = {
        "[0-9]{13,14}": "13 or 14 digits",
        "[0-9]{12,15}": "12 to 15 digits",
        "SF[0-9]{10}": "SF, then 10 digits",
        "E[A-Z][0-9]{9}IN": "E, then 1 capital letter, then 9 digits, then IN",
        "(JD|JJ)[0-9]+": "the pattern (JD|JJ)[0-9]+",
        "": "",
    }
    for pattern, words in says.items():
        assert factories.ShippingAgentFactory.build(awb_pattern=pattern).awb_rule() == words


def test_viewer_cannot_assign_an_agent(invoiced, viewer, agent):
    with pytest.raises(RoleNotAllowed):
        services.shipment_create(purchase_id=invoiced.pk, user=viewer, agent_id=agent.pk)
    assert not invoiced.shipments.exists()


def test_cannot_ship_more_than_was_bought(invoiced, staff, agent):
    item = invoiced.items.first()
    with pytest.raises(InvalidInput, match="left to ship"):
        services.shipment_create(
            purchase_id=invoiced.pk, user=staff, agent_id=agent.pk, quantities={item.pk: 3}
        )


def test_owner_cancels_items_not_yet_handed_over(invoiced, staff, owner, agent):
    first, second = invoiced.items.order_by("line_number")
    shipment = services.shipment_create(
        purchase_id=invoiced.pk, user=staff, agent_id=agent.pk, quantities={first.pk: 2}
    )
    ship(shipment, staff, "55555555555")
    services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    purchase_services.purchase_cancel(purchase_id=invoiced.pk, user=owner, reason="Out of stock")
    invoiced.refresh_from_db()
    assert invoiced.status == PurchaseStatus.COMPLETE
    second.refresh_from_db()
    assert second.status == "cancelled"
    assert invoiced.invoices.get().credit_notes.count() == 1


def test_correcting_the_awb_after_the_slip_was_printed_asks_for_a_new_slip(invoiced, staff, agent):
    """The slip on the parcel carries the old AWB's barcode: the shipment goes back to wait for a
    new slip and cannot be handed over with the wrong label."""
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    shipment = ship(shipment, staff, "12345678901")
    assert shipment.status == ShipmentStatus.SHIPPED

    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678902")
    shipment.refresh_from_db()
    invoiced.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.slip_printed_at is None
    assert invoiced.status == PurchaseStatus.AGENT_ASSIGNED
    with pytest.raises(TransitionNotAllowed):
        services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    actions = list(invoiced.audit_entries.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == [
        "AWB corrected: 12345678901 → 12345678902",
        "Slip to print again",
        "Updated from its items and shipments",  # the purchase back to Agent Assigned
    ]

    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED


def test_changing_the_courier_after_the_slip_was_printed_asks_for_a_new_slip(
    invoiced, staff, agent
):
    other = factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)  # no AWB yet
    services.shipment_change_agent(shipment_id=shipment.pk, user=staff, agent_id=other.pk)
    shipment.refresh_from_db()
    assert shipment.slip_printed_at is None and shipment.status == ShipmentStatus.AGENT_ASSIGNED
    assert invoiced.audit_entries.filter(action="Slip to print again").count() == 1


def test_a_slip_printed_before_the_awb_is_printed_again_with_it(invoiced, staff, agent):
    """A slip printed first carries only the shipment reference; the parcel goes out with one
    that carries the AWB's barcode."""
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.slip_printed_at is None
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED


def test_a_slip_drawn_before_its_awb_changed_does_not_count_as_printed(invoiced, staff, agent):
    """Printing takes a moment (minutes for a print job): if the AWB is corrected after the slip
    was drawn, the slip that comes out is old. It is noted, and the shipment waits for a new one."""
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=agent.pk)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    drawn_at = timezone.now()  # the slip is drawn with 12345678901 ...
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678902")
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff, drawn_at=drawn_at)
    shipment.refresh_from_db()
    assert shipment.slip_printed_at is None and shipment.status == ShipmentStatus.AGENT_ASSIGNED
    last = invoiced.audit_entries.order_by("id").last()
    assert last.action == "Address slip printed with an old courier or AWB: print it again"

    drawn_at = timezone.now()  # drawn again, after the correction: it counts
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff, drawn_at=drawn_at)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED and shipment.shipped_at is not None
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678903")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED and shipment.shipped_at is None


def test_corrections_with_the_longest_names_and_awbs_are_recorded(invoiced, staff):
    """The timeline holds 'Agent changed: <100 characters> → <100 characters>' and an AWB of 40
    corrected to another (PostgreSQL refuses a value longer than its column)."""
    first = factories.ShippingAgentFactory(code="LONG1", name="A" * 100, awb_pattern="")
    second = factories.ShippingAgentFactory(code="LONG2", name="B" * 100, awb_pattern="")
    shipment = services.shipment_create(purchase_id=invoiced.pk, user=staff, agent_id=first.pk)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="1" * 40)
    services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="2" * 40)
    services.shipment_change_agent(shipment_id=shipment.pk, user=staff, agent_id=second.pk)
    actions = set(invoiced.audit_entries.values_list("action", flat=True))
    assert f"AWB corrected: {'1' * 40} → {'2' * 40}" in actions
    assert f"Agent changed: {'A' * 100} → {'B' * 100}" in actions
