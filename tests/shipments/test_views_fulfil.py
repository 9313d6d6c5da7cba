"""Fulfill Shipments: the queue's tabs, rows, one-row and bulk actions, and who may use them."""

import pytest
from django.urls import reverse

from purchases import services as purchase_services
from purchases.models import PaymentMethod, PurchaseStatus
from shipments import queue, services
from shipments.models import ShipmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

FULFIL = reverse("shipments:fulfil")
ACTION = reverse("shipments:fulfil-action")


def invoiced(staff, **kwargs):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED, **kwargs)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    purchase.refresh_from_db()
    return purchase


def with_shipment(staff, agent, *, awb=None, printed=False, **kwargs):
    purchase = invoiced(staff, **kwargs)
    shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
    if awb:
        services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb=awb)
    if printed:
        services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    return shipment


def test_tabs_show_counts_and_rows_of_the_step(client, store, staff, agent):
    confirmed = [factories.purchase_with_items(own=2) for _ in range(3)]
    factories.purchase_with_items(own=1, status=PurchaseStatus.FRAUD_APPROVED)
    with_shipment(staff, agent)
    client.force_login(staff)
    page = client.get(FULFIL).content.decode()
    assert 'aria-current="page" data-step="review">Review fraud<span class="count">3</span>' in page
    assert 'data-step="invoice">To invoice<span class="count">1</span>' in page
    assert 'data-step="print">To print and record AWB<span class="count">1</span>' in page
    for purchase in confirmed:
        assert purchase.number in page
        assert reverse("purchases:purchase-detail", args=[purchase.pk]) in page
    assert confirmed[0].shipping_address.pin_code in page
    assert "Prepaid" in page


@pytest.mark.parametrize("step", ["review", "assign", "print", "handover"])
def test_row_values_are_escaped(client, store, staff, step):
    """Rows are built as HTML in Python (core/html.py): every value that comes from a
    person or another system must be escaped."""
    customer = factories.CustomerFactory(name='<script>alert("x")</script>')
    address = factories.AddressFactory(city="<i>Pune</i>")
    agent = factories.ShippingAgentFactory(name="<b>Courier</b>", awb_pattern=r"<\d+>|\d{11}")
    product = factories.ProductFactory(name="Kettle <u>1.5 l</u>")
    purchase = factories.PurchaseFactory(
        status=PurchaseStatus.FRAUD_APPROVED if step != "review" else PurchaseStatus.CONFIRMED,
        customer=customer,
        billing_address=address,
    )
    factories.add_item(purchase, product=product)
    if step != "review":
        purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=staff)
    if step in ("print", "handover"):
        shipment = services.shipment_create(purchase_id=purchase.pk, user=staff, agent_id=agent.pk)
        if step == "handover":
            services.shipment_record_awb(shipment_id=shipment.pk, user=staff, awb="12345678901")
            services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    client.force_login(staff)
    page = client.get(FULFIL, {"step": step}).content.decode()
    for raw in ("<script>alert", "<i>Pune", "<u>1.5", "<b>Courier", "<\\d+>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;i&gt;Pune&lt;/i&gt;" in page and "Kettle &lt;u&gt;1.5 l&lt;/u&gt;" in page
    if step in ("print", "handover"):
        assert "&lt;b&gt;Courier&lt;/b&gt;" in page
    if step == "print":
        assert "&lt;\\d+&gt;" in page  # the courier's AWB pattern, shown as the input's tooltip


def test_dashboard_numbers_and_names_open_the_same_tab(client, store, staff):
    client.force_login(staff)
    by_number = client.get(FULFIL, {"step": "3"})
    by_name = client.get(FULFIL, {"step": "assign"})
    assert by_number.context["step"].slug == by_name.context["step"].slug == "assign"
    assert client.get(FULFIL, {"step": "nonsense"}).context["step"].slug == "review"


def test_cod_purchase_shows_cod_badge(client, store, staff):
    factories.purchase_with_items(payment_method=PaymentMethod.COD)
    client.force_login(staff)
    assert '<span class="badge cod">COD</span>' in client.get(FULFIL).content.decode()


@pytest.mark.parametrize("step", ["review", "invoice", "assign", "print", "handover"])
def test_each_tab_runs_a_fixed_number_of_queries(
    client, store, staff, agent, step, django_assert_max_num_queries
):
    for _ in range(12):
        factories.purchase_with_items(own=2)
        factories.purchase_with_items(own=2, status=PurchaseStatus.FRAUD_APPROVED)
        invoiced(staff, own=2)
        with_shipment(staff, agent)
    for n in range(12):
        with_shipment(staff, agent, awb=f"{n:011d}", printed=True)
    client.force_login(staff)
    client.get(FULFIL, {"step": step})  # warm the session and caches
    with django_assert_max_num_queries(10):
        response = client.get(FULFIL, {"step": step})
    assert len(response.context["page"].rows) == 12


def test_approve_selected_reports_each_row(client, store, staff):
    first, second = factories.purchase_with_items(), factories.purchase_with_items()
    denied = factories.purchase_with_items(status=PurchaseStatus.FRAUD_DENIED)
    client.force_login(staff)
    response = client.post(
        ACTION,
        {"action": "approve_fraud", "ids": [first.pk, second.pk, denied.pk], "step": "review"},
        follow=True,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == PurchaseStatus.FRAUD_APPROVED
    report = response.context["report"]
    assert report.done == 2 and report.refused == 1
    page = response.content.decode()
    assert "Approve fraud check: 2 done, 1 refused." in page
    assert f"{denied.number}: cannot approve fraud check while Fraud Denied." in page
    # The report is shown once.
    assert client.get(FULFIL).context["report"] is None


def test_deny_needs_a_reason_per_row_or_for_the_selection(client, store, staff):
    with_reason, without = factories.purchase_with_items(), factories.purchase_with_items()
    client.force_login(staff)
    client.post(
        ACTION,
        {
            "action": "deny_fraud",
            "ids": [with_reason.pk, without.pk],
            f"reason-{with_reason.pk}": "Stolen card",
        },
    )
    with_reason.refresh_from_db()
    without.refresh_from_db()
    assert with_reason.status == PurchaseStatus.FRAUD_DENIED
    assert without.status == PurchaseStatus.CONFIRMED
    report = client.get(FULFIL).context["report"]
    assert [row.outcome for row in report.rows] == ["done", "refused"]
    assert report.rows[1].message == "Say why you deny the fraud check."
    assert with_reason.audit_entries.filter(reason="Stolen card").exists()


def test_one_row_button_acts_on_that_row_only(client, store, staff):
    first, second = factories.purchase_with_items(), factories.purchase_with_items()
    client.force_login(staff)
    client.post(f"{ACTION}?only={second.pk}", {"action": "approve_fraud", "ids": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PurchaseStatus.CONFIRMED
    assert second.status == PurchaseStatus.FRAUD_APPROVED


def test_double_submit_has_one_effect(client, store, staff):
    purchase = factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED)
    client.force_login(staff)
    for _ in range(2):
        client.post(ACTION, {"action": "issue_invoice", "ids": [purchase.pk]})
    assert purchase.invoices.count() == 1
    report = client.get(FULFIL).context["report"]
    assert report.refused == 1 and "cannot issue invoice while Invoiced" in report.rows[0].message


def test_issue_invoices_in_bulk_names_each_invoice(client, store, staff):
    purchases = [
        factories.purchase_with_items(status=PurchaseStatus.FRAUD_APPROVED) for _ in range(3)
    ]
    client.force_login(staff)
    client.post(ACTION, {"action": "issue_invoice", "ids": [p.pk for p in purchases]})
    report = client.get(FULFIL, {"step": "invoice"}).context["report"]
    assert report.done == 3
    assert all(row.message.startswith("Invoice WS") for row in report.rows)


def test_assign_agent_uses_the_rows_courier_or_the_selections(client, store, staff, agent):
    other = factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")
    first, second, third = (invoiced(staff) for _ in range(3))
    client.force_login(staff)
    client.post(
        ACTION,
        {
            "action": "assign_agent",
            "ids": [first.pk, second.pk],
            "agent": agent.pk,
            f"agent-{second.pk}": other.pk,
        },
    )
    assert first.shipments.get().agent == agent
    assert second.shipments.get().agent == other
    client.post(ACTION, {"action": "assign_agent", "ids": [third.pk]})
    report = client.get(FULFIL, {"step": "assign"}).context["report"]
    assert report.rows[0].message == "Choose a courier."
    assert not third.shipments.exists()


def test_record_typed_awbs_records_rows_with_an_awb(client, store, staff, agent):
    typed = with_shipment(staff, agent)
    bad = with_shipment(staff, agent)
    untouched = with_shipment(staff, agent)
    client.force_login(staff)
    client.post(
        ACTION,
        {
            "action": "record_awb",
            f"awb-{typed.pk}": " 12345678901 ",
            f"awb-{bad.pk}": "=HYPERLINK(1)",
            f"awb-{untouched.pk}": "",
        },
    )
    typed.refresh_from_db()
    bad.refresh_from_db()
    assert typed.awb == "12345678901"
    assert bad.awb is None
    report = client.get(FULFIL, {"step": "print"}).context["report"]
    assert [row.label for row in report.rows] == [typed.reference, bad.reference]
    assert report.rows[0].message == "AWB 12345678901 recorded; print the slip to ship it."
    assert "may hold only letters" in report.rows[1].message


def test_awb_then_printed_slip_moves_to_hand_over(client, store, staff, agent):
    """A slip printed before the AWB carries only the shipment reference: recording the AWB asks
    for the slip again, and printing it then moves the parcel to hand over."""
    shipment = with_shipment(staff, agent, printed=True)
    client.force_login(staff)
    page = client.post(
        f"{ACTION}?only={shipment.pk}",
        {"action": "record_awb", f"awb-{shipment.pk}": "12345678901"},
        follow=True,
    ).content.decode()
    assert "AWB 12345678901 recorded; print the slip to ship it." in page
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AGENT_ASSIGNED
    services.shipment_record_slip_printed(shipment_id=shipment.pk, user=staff)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED
    assert shipment.reference in client.get(FULFIL, {"step": "handover"}).content.decode()


def test_a_refused_awb_stays_in_its_box_to_be_corrected(client, store, staff, agent):
    refused = with_shipment(staff, agent)
    saved = with_shipment(staff, agent)
    client.force_login(staff)
    page = client.post(
        ACTION,
        {
            "action": "record_awb",
            f"awb-{refused.pk}": "1234567890",  # ten digits: Blue Dart's have eleven
            f"awb-{saved.pk}": "12345678901",
        },
        follow=True,
    ).content.decode()
    assert "Record AWB: 1 done, 1 refused." in page
    assert f'name="awb-{refused.pk}" value="1234567890"' in page
    assert 'aria-invalid="true"' in page.split(f'name="awb-{refused.pk}"')[1].split(">")[0]
    again = client.get(FULFIL, {"step": "print"}).content.decode()
    assert 'value="1234567890"' not in again  # shown once, like the report


def test_hand_over_selected_puts_them_in_a_batch_per_courier(client, store, staff, agent):
    other = factories.ShippingAgentFactory(code="DTDC", name="DTDC", awb_pattern="")
    first = with_shipment(staff, agent, awb="11111111111", printed=True)
    second = with_shipment(staff, other, awb="D1001", printed=True)
    client.force_login(staff)
    client.post(ACTION, {"action": "hand_over", "ids": [first.pk, second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == ShipmentStatus.COMPLETE
    assert first.handover_batch.agent == agent
    assert second.handover_batch.agent == other
    assert (
        first.purchase.__class__.objects.get(pk=first.purchase_id).status == PurchaseStatus.COMPLETE
    )
    page = client.get(FULFIL, {"step": "handover"}).content.decode()
    assert "finish the handover" in page and reverse("shipments:scan") in page


def test_bad_input_never_breaks_the_action(client, store, staff):
    client.force_login(staff)
    assert client.post(ACTION, {"action": "explode", "ids": ["1"]}).status_code == 302
    response = client.post(ACTION, {"action": "approve_fraud", "ids": ["x", "-3", ""]}, follow=True)
    assert "select at least one row" in response.content.decode()
    client.post(ACTION, {"action": "approve_fraud", "ids": ["999999"]})
    report = client.get(FULFIL).context["report"]
    assert (
        report.rows[0].outcome == "refused"
        and "There is no purchase 999999" in report.rows[0].message
    )


def test_viewer_sees_the_queue_without_controls_and_is_refused(client, store, viewer):
    purchase = factories.purchase_with_items()
    client.force_login(viewer)
    page = client.get(FULFIL).content.decode()
    assert purchase.number in page
    assert 'name="action"' not in page and 'name="ids"' not in page
    assert client.post(ACTION, {"action": "approve_fraud", "ids": [purchase.pk]}).status_code == 403
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CONFIRMED


def test_print_buttons_only_once_printing_is_installed(client, store, staff, agent, monkeypatch):
    with_shipment(staff, agent)
    client.force_login(staff)
    monkeypatch.setattr("shipments.fulfil_views.print_url", lambda: "")
    assert 'value="slips"' not in client.get(FULFIL, {"step": "print"}).content.decode()
    monkeypatch.setattr("shipments.fulfil_views.print_url", lambda: "/printing/")
    page = client.get(FULFIL, {"step": "print"}).content.decode()
    assert 'formaction="/printing/"' in page and 'value="slips"' in page


def test_tab_counts_stop_at_the_cap_and_say_so(client, store, staff, monkeypatch):
    for _ in range(3):
        factories.purchase_with_items()
    assert queue.capped_counts({"review": queue.STEPS[0].queryset()}, cap=2) == {"review": 2}
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    monkeypatch.setattr("shipments.templatetags.shipment_tags.COUNT_CAP", 2)
    client.force_login(staff)
    page = client.get(FULFIL).content.decode()
    assert 'data-step="review">Review fraud<span class="count">2+</span>' in page


def test_rows_per_page_is_kept_in_the_tabs_and_the_pages(client, store, staff):
    for _ in range(27):
        factories.purchase_with_items()
    client.force_login(staff)
    first = client.get(FULFIL)
    assert len(first.context["page"].rows) == 25 and first.context["page"].has_next
    page = client.get(FULFIL, {"step": "review", "per_page": "50"})
    assert len(page.context["page"].rows) == 27
    assert "?step=invoice&amp;per_page=50" in page.content.decode()
    assert client.get(FULFIL, {"per_page": "7"}).context["per_page"] == 25


def test_a_shipment_row_says_what_its_amount_is(client, store, staff, agent):
    """A COD parcel shows what its courier collects; a prepaid one its purchase's total, said so
    (the parcels of a split purchase show the same total)."""
    cod = with_shipment(staff, agent, payment_method=PaymentMethod.COD)
    prepaid = with_shipment(staff, agent)
    client.force_login(staff)
    page = client.get(FULFIL, {"step": "print"}).content.decode()
    cod_row = page.split(f'name="awb-{cod.pk}"')[0].rsplit("<tr", 1)[1]
    prepaid_row = page.split(f'name="awb-{prepaid.pk}"')[0].rsplit("<tr", 1)[1]
    assert f"₹{cod.cod_amount:,.2f}" in cod_row and "to collect" in cod_row
    assert f"₹{prepaid.purchase.grand_total:,.2f}" in prepaid_row
    assert "purchase total" in prepaid_row
