"""The purchase page: items and who fulfils them, addresses, payment, documents, shipments with
tracking, the timeline, only the actions this user may take now, and a bounded number of queries."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from partners import services as partner_services
from purchases import purchase_views as views
from purchases import services as purchase_services
from purchases.audit import INFIBEAM, audit_record
from purchases.models import AuditEntry, Item, PartnerStatus, Purchase, PurchaseStatus
from purchases.transitions import transition_text
from shipments import services as shipment_services
from shipments.models import Shipment
from tests import factories
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db


def page_of(client, purchase):
    return client.get(reverse("purchases:purchase-detail", args=[purchase.pk]))


def buttons(html: str) -> list[str]:
    """The labels of the action buttons the page offers (the cancel form opens from a summary)."""
    if 'class="purchase-actions"' not in html:
        return []
    section = html.split('class="purchase-actions"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r"<button [^>]*data-action=[^>]*>([^<]+)</button>", section)
    found += re.findall(r'<summary class="button[^"]*">([^<]+)</summary>', section)
    return found


@pytest.fixture
def shipped_mixed(store, staff, owner, agent):
    """A mixed purchase: two own items (one split off and shipped with an AWB, one cancelled after
    invoicing) and one Infibeam item that Infibeam reported complete."""
    address = factories.AddressFactory(landmark="Opposite Forum Mall", pin_code="560095")
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=2, partner=1, quantity=2, billing_address=address
    )
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    first, second, partner = purchase.items.order_by("line_number")
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk, quantities={first.pk: 2}
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
    purchase_services.purchase_cancel(
        purchase_id=purchase.pk,
        user=owner,
        reason="Customer changed their mind",
        item_quantities={second.pk: 1},
    )
    Purchase.objects.filter(pk=purchase.pk).update(partner_status=PartnerStatus.COMPLETE)
    audit_record(
        purchase=purchase,
        subject=purchase,
        action="Partner reported",
        user=None,
        from_state=PartnerStatus.AWAITING,
        to_state=PartnerStatus.COMPLETE,
        actor_label=INFIBEAM,
    )
    purchase.refresh_from_db()
    return purchase


def test_page_shows_items_with_their_fulfiller_state_and_quantities(client, viewer, shipped_mixed):
    client.force_login(viewer)
    response = page_of(client, shipped_mixed)
    assert response.status_code == 200
    own = response.context["own_items"]
    partner = response.context["partner_items"]
    assert [item.line_number for item in own] == [1, 2]
    assert [item.line_number for item in partner] == [3]
    html = response.content.decode()
    assert "Items the store fulfils" in html and "Items Infibeam fulfils" in html
    assert 'badge partner">Infibeam</span>' in html and 'badge kind-own">Own</span>' in html
    second = own[1]
    assert (second.quantity, second.cancelled_quantity, second.open_quantity) == (2, 1, 1)


def test_page_shows_addresses_with_landmark_pin_and_mobile(client, viewer, shipped_mixed):
    client.force_login(viewer)
    html = page_of(client, shipped_mixed).content.decode()
    assert "Landmark: Opposite Forum Mall" in html
    assert "PIN 560095" in html
    assert 'href="tel:+919845012345"' in html
    assert "Billing address" in html and "Shipping address" in html


def test_page_says_which_channel_sent_the_order_under_what_reference_and_when_it_was_paid(
    client, viewer
):
    channel = factories.ChannelFactory(name="Phone orders")
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.CONFIRMED, channel=channel, external_reference="PH-0042"
    )
    Purchase.objects.filter(pk=purchase.pk).update(paid_at="2026-12-01T05:00:00Z")
    client.force_login(viewer)
    html = page_of(client, purchase).content.decode()
    assert "from <span data-channel>Phone orders</span>" in html
    assert "their order <span data-reference>PH-0042</span>" in html
    assert "<dt>Paid</dt><dd>01 Dec 2026, 10:30 IST</dd>" in html


def test_a_lines_discount_is_shown_beside_its_price(client, viewer):
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    purchase.items.update(discount="49.00")
    client.force_login(viewer)
    html = page_of(client, purchase).content.decode()
    assert '<td class="num">−₹49.00</td>' in html


def test_page_shows_payment_invoice_and_credit_note(client, viewer, shipped_mixed):
    client.force_login(viewer)
    html = page_of(client, shipped_mixed).content.decode()
    invoice = shipped_mixed.invoices.get()
    note = invoice.credit_notes.get()
    assert "Prepaid" in html
    assert invoice.number in html and note.number in html
    assert f"Against {invoice.number}: Customer changed their mind" in html
    assert "₹" in html


def test_shipments_show_agent_awb_and_a_tracking_link(client, viewer, shipped_mixed, agent):
    client.force_login(viewer)
    html = page_of(client, shipped_mixed).content.decode()
    url = escape(agent.tracking_url("12345678901"))
    assert f'<a href="{url}" target="_blank" rel="noopener" class="track">' in html
    assert agent.name in html
    assert "× 2" in html  # what the shipment carries


def test_timeline_shows_who_when_from_to_and_why(client, viewer, shipped_mixed, owner):
    client.force_login(viewer)
    response = page_of(client, shipped_mixed)
    html = response.content.decode()
    timeline = response.context["timeline"]
    assert [entry.action for entry in timeline][:2] == ["Issue invoice", "Invoice issued"]
    assert "Fraud Approved → Invoiced" in html
    assert "by Infibeam" in html and "Awaiting partner → Complete" in html
    assert f"by {owner.get_full_name() or owner.username}" in html
    assert "“Customer changed their mind”" in html
    partner_entry = next(entry for entry in timeline if entry.by_partner)
    assert partner_entry.actor_name == INFIBEAM


def test_timeline_tells_automatic_moves_in_words_and_keeps_what_was_stored(
    client, viewer, store, staff, owner
):
    purchase = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=1, partner=1, quantity=1
    )
    own = purchase.items.get(line_number=1)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    partner_services.partner_events_apply(
        events=[event(purchase, 2, event_id="words-1")], received_via="api"
    )
    purchase_services.purchase_cancel(
        purchase_id=purchase.pk,
        user=owner,
        reason="Customer changed their mind",
        item_quantities={own.pk: 1},
    )
    client.force_login(viewer)
    html = page_of(client, purchase).content.decode()

    for name in ("Follow quantities", "Follow partner reports", "Follow fulfilment"):
        assert name not in html
    timeline = html.split('id="timeline-title"', 1)[1]
    # Infibeam's report moved the item, the partner part and the purchase.
    assert timeline.count("<strong>Updated from Infibeam&#x27;s report</strong>") == 3
    # The owner's cancellation moved the own item and then the purchase.
    assert "<strong>Updated from the quantities handed over or cancelled</strong>" in timeline
    assert "<strong>Updated from its items and shipments</strong>" in timeline
    assert "Partially Complete → Complete" in timeline
    # An item is named by its line, not by database ids the owner never sees.
    assert f"Line 1: {own.sku} × 1" in timeline and f"{purchase.pk}/1 " not in timeline
    # What the page says is what was written: the words are stored with the entry.
    stored = set(AuditEntry.objects.filter(purchase=purchase).values_list("action", flat=True))
    assert {
        "Updated from Infibeam's report",
        "Updated from the quantities handed over or cancelled",
        "Updated from its items and shipments",
    } <= stored


def test_every_move_nobody_presses_has_words_on_the_timeline():
    """A transition without a button label is run by the checkout, the system, the partner or
    another action (a shipment ships by itself); it declares the words its timeline entry says,
    never its name ("Follow quantities", "Ship")."""
    unlabelled = [
        (model, transition.name)
        for model in (Purchase, Item, Shipment)
        for field in ("status", "partner_status")
        if any(f.name == field for f in model._meta.fields)
        for transition in model._meta.get_field(field).get_all_transitions(model)
        if not (transition.custom or {}).get("label")
    ]
    assert len(unlabelled) >= 7
    for model, name in unlabelled:
        words = transition_text(model, name).timeline
        assert words and words.lower() != name.replace("_", " "), (model, name)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", ["Approve fraud check", "Deny fraud check", "Cancel purchase…"]),
        ("staff", ["Approve fraud check", "Deny fraud check"]),
        ("viewer", []),
    ],
)
def test_confirmed_purchase_offers_each_role_only_its_actions(client, store, role, expected):
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED)
    client.force_login(getattr(factories, role)())
    html = page_of(client, purchase).content.decode()
    assert buttons(html) == expected
    assert ("What you can do now" in html) == bool(expected)
    if "Deny fraud check" in expected:
        assert 'name="reason"' in html and "required" in html


def test_fraud_approved_purchase_offers_the_invoice(client, store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    client.force_login(staff)
    assert buttons(page_of(client, purchase).content.decode()) == ["Issue invoice"]


def test_invoiced_purchase_links_fulfillers_to_assigning_a_courier(client, store, staff, viewer):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, own=2)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    client.force_login(staff)
    html = page_of(client, purchase).content.decode()
    assert f'href="{reverse("shipments:split", args=[purchase.pk])}"' in html
    client.force_login(viewer)
    assert "Assign a courier" not in page_of(client, purchase).content.decode()


def test_finished_purchases_offer_nothing(client, store, owner):
    client.force_login(owner)
    for status in (PurchaseStatus.COMPLETE, PurchaseStatus.CANCELLED):
        purchase = factories.purchase_with_items(status=status)
        assert buttons(page_of(client, purchase).content.decode()) == []


def test_partner_only_purchase_offers_no_action_at_all(client, store, owner):
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=0, partner=2)
    client.force_login(owner)
    html = page_of(client, purchase).content.decode()
    assert buttons(html) == []
    assert "Items Infibeam fulfils" in html and "nothing here can change them" in html


def test_mixed_purchase_cancel_form_offers_own_items_only(client, store, owner):
    purchase = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=1, partner=1)
    own, partner = purchase.items.order_by("line_number")
    client.force_login(owner)
    html = page_of(client, purchase).content.decode()
    assert f'name="quantity_{own.pk}"' in html
    assert f'name="quantity_{partner.pk}"' not in html


def test_print_buttons_appear_once_printing_exists_and_only_for_printers(
    client, shipped_mixed, staff, viewer, monkeypatch
):
    client.force_login(staff)
    monkeypatch.setattr(views, "print_url", lambda: None)
    assert "Print invoice" not in page_of(client, shipped_mixed).content.decode()
    monkeypatch.setattr(views, "print_url", lambda: "/printing/")
    html = page_of(client, shipped_mixed).content.decode()
    assert 'action="/printing/"' in html
    assert 'name="document" value="invoices"' in html
    assert f'name="ids" value="{shipped_mixed.pk}"' in html
    assert 'name="document" value="slips"' in html
    client.force_login(viewer)
    assert "/printing/" not in page_of(client, shipped_mixed).content.decode()


def test_unknown_purchase_is_a_404(client, viewer, store):
    client.force_login(viewer)
    assert client.get(reverse("purchases:purchase-detail", args=[987654])).status_code == 404


def test_page_queries_do_not_grow_with_items_shipments_or_timeline(
    client, owner, store, staff, agent, django_assert_max_num_queries
):
    small = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=1)
    large = factories.purchase_with_items(
        status=PurchaseStatus.FRAUD_APPROVED, own=8, partner=4, quantity=3
    )
    purchase_services.purchase_issue_invoice(purchase_id=large.pk, user=staff)
    for item in large.items.own():
        shipment = shipment_services.shipment_create(
            purchase_id=large.pk, user=staff, agent_id=agent.pk, quantities={item.pk: 2}
        )
        shipment_services.shipment_record_awb(
            shipment_id=shipment.pk, user=staff, awb=f"{40000000000 + item.pk}"
        )
    client.force_login(owner)
    for purchase in (small, large):
        with django_assert_max_num_queries(10):
            response = page_of(client, purchase)
        assert response.status_code == 200
    assert len(response.context["shipments"]) == 8
    assert len(response.context["timeline"]) > 15
