"""Couriers' scans move a handed-over parcel's delivery status forward only, once each; what cannot
be applied is refused, kept for the Owner with why, and changes nothing."""

import pytest

from core.exceptions import InvalidInput, RoleNotAllowed, TransitionNotAllowed
from deliveries.intake import scans_receive
from deliveries.models import DeliveryInstruction, RefusedScan, ScanSource, TrackingScan
from deliveries.services import failed_delivery_answer
from purchases import services as purchase_services
from purchases.models import AuditEntry, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import DeliveryStatus
from tests import factories

from .conftest import scan

pytestmark = pytest.mark.django_db
S = DeliveryStatus


def receive(agent, *scans):
    return scans_receive(agent=agent, scans=list(scans), source=ScanSource.WEBHOOK)


def test_a_parcel_goes_out_for_delivery_and_is_delivered_and_the_purchase_stays_complete(
    parcel, agent
):
    report = receive(
        agent,
        scan("In Transit", hours=1, location="Mumbai hub"),
        scan("OFD", hours=5, location="Indiranagar"),
        scan("delivered", hours=7, location="Indiranagar"),
    )

    assert [r.result for r in report.results] == ["recorded", "moved", "moved"]
    parcel.refresh_from_db()
    assert parcel.delivery_status == S.DELIVERED
    assert parcel.delivered_at == TrackingScan.objects.get(status=S.DELIVERED).scanned_at
    assert parcel.purchase.status == PurchaseStatus.COMPLETE
    timeline = list(
        AuditEntry.objects.filter(state_field="delivery_status").values_list(
            "from_state", "to_state", "actor_name"
        )
    )
    assert timeline == [
        (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, "Blue Dart"),
        (S.OUT_FOR_DELIVERY, S.DELIVERED, "Blue Dart"),
    ]
    assert TrackingScan.objects.count() == 3


def test_the_same_scan_again_does_nothing(parcel, agent):
    receive(agent, scan("out_for_delivery", hours=2))
    again = receive(agent, scan("out_for_delivery", hours=2))

    assert [r.result for r in again.results] == ["duplicate"]
    assert TrackingScan.objects.count() == 1
    assert AuditEntry.objects.filter(state_field="delivery_status").count() == 1


def test_a_late_scan_is_kept_and_never_undoes_a_delivery(parcel, agent):
    receive(agent, scan("delivered", hours=8))
    late = receive(agent, scan("out_for_delivery", hours=3), scan("in_transit", hours=9))

    assert [r.result for r in late.results] == ["recorded", "recorded"]
    assert "Older than the scan" in late.results[0].message
    assert "does not go back to In Transit" in late.results[1].message
    parcel.refresh_from_db()
    assert parcel.delivery_status == S.DELIVERED
    assert TrackingScan.objects.filter(moved=False).count() == 2


def test_a_failed_attempt_waits_for_an_answer_and_each_new_one_is_counted(parcel, agent):
    receive(agent, scan("undelivered", hours=2, reason="Customer not available"))
    parcel.refresh_from_db()
    assert (parcel.delivery_status, parcel.failed_attempts, parcel.awaits_ndr_answer) == (
        S.UNDELIVERED,
        1,
        True,
    )
    assert parcel.ndr_reason == "Customer not available"

    receive(
        agent,
        scan("out_for_delivery", hours=20),
        scan("ndr", hours=22, reason="Address incomplete", attempt=2),
        scan("ndr", hours=22.5, reason="Address incomplete", attempt=2),  # the same attempt
    )
    parcel.refresh_from_db()
    assert (parcel.failed_attempts, parcel.ndr_reason) == (2, "Address incomplete")

    receive(agent, scan("RTO Initiated", hours=23))
    parcel.refresh_from_db()
    assert (parcel.delivery_status, parcel.awaits_ndr_answer) == (S.RTO_IN_TRANSIT, False)


def test_a_return_to_origin_only_goes_on_to_back_at_the_store(parcel, agent):
    receive(agent, scan("rto", hours=2), scan("delivered", hours=3), scan("rto delivered", hours=9))

    parcel.refresh_from_db()
    assert parcel.delivery_status == S.RTO_DELIVERED


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ({"awb": "99999999999"}, "unknown_awb"),
        ({"status": "Teleported"}, "unknown_status"),
        ({"hours": 24 * 3}, "future_time"),
    ],
)
def test_what_cannot_be_applied_is_refused_kept_and_changes_nothing(parcel, agent, sent, code):
    fields = {"status": "delivered", "hours": 2} | sent
    report = receive(agent, scan(fields.pop("status"), **fields))

    assert [r.result for r in report.results] == ["refused"]
    refused = RefusedScan.objects.get()
    assert (refused.agent, refused.code, refused.source) == (agent, code, ScanSource.WEBHOOK)
    assert refused.reason == report.results[0].message
    parcel.refresh_from_db()
    assert parcel.delivery_status == S.IN_TRANSIT and not TrackingScan.objects.exists()


def test_a_parcel_not_handed_over_yet_takes_no_scan(store, staff, agent):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)

    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="11111111111")

    report = receive(agent, scan("in_transit", awb="11111111111"))
    assert report.results[0].result == "refused"
    assert RefusedScan.objects.get().code == "not_handed_over"


def test_another_couriers_awb_is_unknown_to_this_one(parcel):
    other = factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")
    report = receive(other, scan("delivered"))
    assert RefusedScan.objects.get().code == "unknown_awb"
    assert "No shipment with DTDC" in report.results[0].message


# -- answering a failed delivery -------------------------------------------------------------


def test_staff_ask_for_a_reattempt_with_a_new_mobile_and_the_courier_is_told_once(
    parcel, agent, staff
):

    receive(agent, scan("undelivered", hours=2, reason="Phone switched off"))
    failed_delivery_answer(
        shipment_id=parcel.pk, user=staff, answer="reattempt", new_mobile="+91 98450 99999"
    )

    parcel.refresh_from_db()
    assert parcel.awaits_ndr_answer is False and parcel.delivery_status == S.UNDELIVERED
    instruction = DeliveryInstruction.objects.get()
    assert (instruction.new_mobile, instruction.failed_attempts, instruction.ndr_reason) == (
        "9845099999",
        1,
        "Phone switched off",
    )
    assert AuditEntry.objects.filter(action="Reattempt asked: new mobile 9845099999").exists()
    with pytest.raises(TransitionNotAllowed, match="no failed delivery is waiting"):
        failed_delivery_answer(shipment_id=parcel.pk, user=staff, answer="rto")


def test_a_viewer_may_not_answer_and_a_bad_mobile_changes_nothing(parcel, agent, staff, viewer):

    receive(agent, scan("undelivered", hours=2))
    with pytest.raises(RoleNotAllowed):
        failed_delivery_answer(shipment_id=parcel.pk, user=viewer, answer="rto")
    with pytest.raises(InvalidInput, match="ten digits"):
        failed_delivery_answer(
            shipment_id=parcel.pk, user=staff, answer="reattempt", new_mobile="12345"
        )
    parcel.refresh_from_db()
    assert parcel.awaits_ndr_answer is True
