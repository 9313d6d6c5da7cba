"""CONFIGURATION (store profile, shipping agents), CUSTOMIZATION (printed documents) and
CONTENT (customer emails): everyone reads them, only the Owner changes them."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from configuration.models import StoreProfile
from configuration.numbering import next_numbers
from purchases import services as purchase_services
from purchases.invoicing import allocate_number
from purchases.models import DocumentKind, DocumentSeries, Invoice, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import ShippingAgent
from tests import factories

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Kaveri Home Essentials Private Limited",
    "display_name": "Kaveri Home",
    "gstin": "27AAPFU0939F1ZV",
    "state": "27",
    "address_line1": "Unit 12, Laxmi Industrial Estate",
    "address_line2": "Andheri West",
    "city": "Mumbai",
    "pin_code": "400053",
    "phone": "+91 98200 12345",
    "email": "accounts@kaverihome.in",
}

AGENT = {
    "name": "Delhivery",
    "code": "delhivery",
    "tracking_url_template": "https://www.delhivery.com/track/package/{awb}",
    "awb_pattern": "[0-9]{13}",
    "collects_cod": "on",
    "active": "on",
}


# -- Store Profile --------------------------------------------------------------------------


def test_everyone_sees_the_store_profile(client, viewer, store):
    client.force_login(viewer)
    html = client.get(reverse("configuration:store-profile")).content.decode()
    assert "27AAPFU0939F1ZV" in html and "Maharashtra (27)" in html
    assert "Edit store profile" not in html


def test_owner_edits_the_store_profile_and_is_told_issued_invoices_keep_theirs(
    client, owner, store
):
    client.force_login(owner)
    form_page = client.get(reverse("configuration:store-profile-edit")).content.decode()
    assert "keep the particulars they were issued with" in form_page
    response = client.post(
        reverse("configuration:store-profile-edit"),
        {**PROFILE, "display_name": "Kaveri"},
        follow=True,
    )
    assert "Store profile saved" in response.content.decode()
    store.refresh_from_db()
    assert store.display_name == "Kaveri" and store.phone == "9820012345"
    assert StoreProfile.objects.count() == 1


def test_owner_sets_up_a_missing_store_profile(client, owner):
    client.force_login(owner)
    assert (
        "has not been set up yet"
        in client.get(reverse("configuration:store-profile")).content.decode()
    )
    client.post(reverse("configuration:store-profile-edit"), PROFILE)
    assert StoreProfile.objects.get().gstin == "27AAPFU0939F1ZV"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gstin", "27AAPFU0939F1ZW", "is not a valid GSTIN"),
        ("gstin", "27AAPFU0939F1Z", "is not a valid GSTIN"),
        ("state", "29", "registered in Maharashtra (27), not Karnataka (29)"),
        ("state", "99", "Select a valid choice"),
        ("pin_code", "040005", "A PIN code has six digits and does not start with 0."),
        ("pin_code", "4000", "A PIN code has six digits"),
        ("phone", "12345", "An Indian mobile number has ten digits"),
        ("phone", "5820012345", "An Indian mobile number has ten digits"),
        ("legal_name", "", "This field is required."),
    ],
)
def test_store_profile_form_rejects_bad_input(client, owner, store, field, value, message):
    client.force_login(owner)
    response = client.post(reverse("configuration:store-profile-edit"), {**PROFILE, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Nothing was saved" in html
    store.refresh_from_db()
    assert store.gstin == "27AAPFU0939F1ZV" and store.pin_code == "400053"


def test_store_profile_edit_keeps_issued_invoice_particulars(client, owner, staff, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    invoice = purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    client.force_login(owner)
    client.post(reverse("configuration:store-profile-edit"), {**PROFILE, "legal_name": "New Name"})
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.content["supplier"]["legal_name"] == "Kaveri Home Essentials Private Limited"


# -- Shipping Agents ------------------------------------------------------------------------


def test_agent_list_shows_an_example_tracking_link(
    client, viewer, agent, django_assert_max_num_queries
):
    factories.ShippingAgentFactory(
        name="India Post",
        code="INDIAPOST",
        active=False,
        tracking_url_template="https://track.example/{awb}",
    )
    client.force_login(viewer)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("configuration:agent-list")).content.decode()
    assert "Blue Dart" in html and "India Post" in html
    assert "trackNo=12345678901" in html  # the template filled with a sample AWB
    assert "Add a shipping agent" not in html and ">Edit<" not in html


def test_agent_list_example_uses_the_latest_real_awb(client, owner, staff, agent, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="98765432109")
    client.force_login(owner)
    html = client.get(reverse("configuration:agent-list")).content.decode()
    assert "trackNo=98765432109" in html and "track the latest AWB, 98765432109" in html


def test_owner_adds_and_edits_a_shipping_agent(client, owner):
    client.force_login(owner)
    response = client.post(reverse("configuration:agent-add"), AGENT, follow=True)
    assert "Delhivery added." in response.content.decode()
    agent = ShippingAgent.objects.get(code="DELHIVERY")
    assert agent.tracking_url("1") == "https://www.delhivery.com/track/package/1"
    client.post(reverse("configuration:agent-edit", args=[agent.pk]), {**AGENT, "active": ""})
    agent.refresh_from_db()
    assert not agent.active


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tracking_url_template", "https://www.delhivery.com/track/package/", "must contain {awb}"),
        ("tracking_url_template", "delhivery.com/{awb}", "must start with https://"),
        ("awb_pattern", "[0-9{13", "Not a valid pattern"),
        ("awb_pattern", "(", "Not a valid pattern"),
        ("awb_pattern", "(A+)+$", "Do not repeat a group that itself repeats"),
        ("awb_pattern", "([0-9]{2})*", "Do not repeat a group that itself repeats"),
        ("tracking_url_template", "http:// {awb}", "not a web address a browser can open"),
        ("code", "a b", "Use 2 to 20 capital letters"),
        ("name", "", "This field is required."),
    ],
)
def test_agent_form_rejects_bad_input(client, owner, field, value, message):
    client.force_login(owner)
    response = client.post(reverse("configuration:agent-add"), {**AGENT, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Nothing was saved" in html
    assert not ShippingAgent.objects.exists()


def test_agent_name_must_be_unique_whatever_its_case(client, owner, agent):
    client.force_login(owner)
    response = client.post(
        reverse("configuration:agent-add"), {**AGENT, "code": "BD2", "name": " blue  DART "}
    )
    assert "There is already a courier called blue DART" in response.content.decode()
    assert ShippingAgent.objects.count() == 1


def test_agent_code_must_be_unique(client, owner, agent):
    client.force_login(owner)
    response = client.post(reverse("configuration:agent-add"), {**AGENT, "code": "bluedart"})
    assert "Shipping agent with this Code already exists." in response.content.decode()
    assert ShippingAgent.objects.count() == 1


# -- Printed Documents ----------------------------------------------------------------------


def test_documents_page_previews_the_next_numbers_without_taking_one(client, viewer, store):
    year_now = next_numbers(store)[0].financial_year
    DocumentSeries.objects.create(
        kind=DocumentKind.INVOICE, financial_year=year_now, next_number=124
    )
    client.force_login(viewer)
    html = client.get(reverse("configuration:documents")).content.decode()
    assert f"WS/{year_now}/000124" in html and f"CN/{year_now}/000001" in html
    assert "Save prefixes" not in html
    assert DocumentSeries.objects.get(kind=DocumentKind.INVOICE).next_number == 124
    assert not DocumentSeries.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()


def test_preview_is_the_number_the_next_invoice_gets(store):
    now = timezone.now()
    for _ in range(2):
        preview = {n.kind: n.number for n in next_numbers(store, now=now)}
        with transaction.atomic():
            number, _, _ = allocate_number(kind=DocumentKind.INVOICE, prefix="WS", issued_at=now)
        assert number == preview[DocumentKind.INVOICE]


def test_preview_follows_the_financial_year(store):
    march = timezone.make_aware(dt.datetime(2027, 3, 31, 23, 0))
    april = timezone.make_aware(dt.datetime(2027, 4, 1, 0, 30))
    assert next_numbers(store, now=march)[0].number == "WS/26-27/000001"
    assert next_numbers(store, now=april)[0].number == "WS/27-28/000001"


def test_owner_changes_the_prefixes_for_future_numbers_only(client, owner, staff, store):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    issued = purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    client.force_login(owner)
    response = client.post(
        reverse("configuration:documents"),
        {"invoice_prefix": "kh", "credit_note_prefix": "KC"},
        follow=True,
    )
    html = response.content.decode()
    assert "Only documents issued from now on use them" in html
    store.refresh_from_db()
    assert (store.invoice_prefix, store.credit_note_prefix) == ("KH", "KC")
    assert Invoice.objects.get(pk=issued.pk).number == issued.number
    assert issued.number.startswith("WS/")
    assert f"KH/{issued.financial_year}/000002" in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("W S", "Use 1 to 3 capital letters or digits"),
        ("", "This field is required."),
        ("WS/", "Use 1 to 3"),
        ("ABCD", "16 characters at most"),
    ],
)
def test_prefix_form_rejects_bad_prefixes(client, owner, store, value, message):
    client.force_login(owner)
    response = client.post(
        reverse("configuration:documents"), {"invoice_prefix": value, "credit_note_prefix": "CN"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    store.refresh_from_db()
    assert store.invoice_prefix == "WS"


def test_invoices_and_credit_notes_cannot_share_a_prefix(client, owner, store):
    """Both series count from 1 each year: one prefix would give two documents one number."""
    client.force_login(owner)
    response = client.post(
        reverse("configuration:documents"), {"invoice_prefix": "WS", "credit_note_prefix": "ws"}
    )
    assert "Choose a prefix other than the invoices" in response.content.decode()
    store.refresh_from_db()
    assert store.credit_note_prefix == "CN"


def test_documents_page_without_a_store_profile_says_what_to_do(client, owner):
    client.force_login(owner)
    assert "Set up the" in client.get(reverse("configuration:documents")).content.decode()
    response = client.post(
        reverse("configuration:documents"),
        {"invoice_prefix": "KH", "credit_note_prefix": "KC"},
        follow=True,
    )
    assert "Set up the store profile first." in response.content.decode()


# -- Customer Emails ------------------------------------------------------------------------


def test_customer_emails_page_labels_sample_values_before_any_handover(client, viewer, agent):
    client.force_login(viewer)
    html = client.get(reverse("configuration:emails")).content.decode()
    assert "Handed over to the courier" in html
    assert "Sample values" in html and "12345678901" in html and "Blue Dart" in html


def test_customer_emails_page_shows_exactly_what_the_customer_received(
    client, viewer, staff, agent, store, django_capture_on_commit_callbacks
):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=staff, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="55555555555")
    shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=staff)
    sent = mail.outbox[0]
    client.force_login(viewer)
    response = client.get(reverse("configuration:emails"))
    preview = response.context["emails"][0]
    assert preview.example_of == shipment.reference
    assert (preview.subject, preview.body) == (sent.subject, sent.body)
    assert sent.to[0] in preview.to
    assert "Sample values" not in response.content.decode()
