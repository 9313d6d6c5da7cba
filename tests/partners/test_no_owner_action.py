"""Nobody in the panel changes Infibeam items: no button, and forged POSTs change nothing.

The forged requests go to every purchases:* and shipments:* URL that exists when the suite runs,
so an action added later is covered without editing this file.
"""

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from core.exceptions import ActionRefused
from partners.services import partner_events_apply
from purchases import services as purchase_services
from purchases.models import AuditEntry, CreditNote, Invoice, Item, Purchase, PurchaseStatus
from shipments.models import Shipment, ShipmentItem
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db

ACTION_NAMES = [
    "approve_fraud",
    "deny_fraud",
    "issue_invoice",
    "cancel",
    "assign_agent",
    "record_awb",
    "change_agent",
    "ship",
    "hand_over",
]


def action_urls(kwarg_values: list[int]) -> list[str]:
    """Every purchases/shipments URL, each int argument filled with each of `kwarg_values`;
    those without arguments also with `?only=<id>`, as the queue's row buttons name a row."""
    urls = []
    for namespace in ("purchases", "shipments"):
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns:
            if not isinstance(pattern, URLPattern):
                continue
            name = f"{namespace}:{pattern.name}"
            arguments = list(pattern.pattern.converters)
            if not arguments:
                urls += [reverse(name), f"{reverse(name)}?only={kwarg_values[0]}"]
                continue
            for value in kwarg_values:
                urls.append(reverse(name, kwargs=dict.fromkeys(arguments, value)))
    return urls


def forged_forms(purchase: Purchase, items: list[Item], agent_id: int) -> list[dict]:
    """One form per action name, carrying every field a real form of the panel might read."""
    item_fields = {}
    for item in items:
        for prefix in ("qty", "quantity", "item", "cancel", "awb", "reason", "assign"):
            item_fields[f"{prefix}-{item.pk}"] = "1" if prefix != "awb" else "12345678901"
        item_fields[f"items-{item.pk}"] = "1"
    forms = []
    for name in ACTION_NAMES:
        forms.append(
            {
                "transition": name,
                "action": name,
                "ids": [str(purchase.pk)] + [str(item.pk) for item in items],
                "items": [str(item.pk) for item in items],
                "item": str(items[0].pk),
                "purchase": str(purchase.pk),
                "quantity": "1",
                "reason": "forged",
                "agent": str(agent_id),
                "agent_id": str(agent_id),
                "awb": "12345678901",
                "code": "12345678901",
                "scan": purchase.number,
                **item_fields,
            }
        )
    return forms


def snapshot(purchase: Purchase, items: list[Item]) -> dict:
    """What a forged action could change about the partner's items (and, if partner-only, all)."""
    ids = [item.pk for item in items]
    return {
        "items": list(
            Item.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list(
                "status",
                "handed_over_quantity",
                "cancelled_quantity",
                "assigned_quantity",
                "last_reported_at",
            )
        ),
        "shipment_lines": ShipmentItem.objects.filter(item__in=ids).count(),
        "item_audit": AuditEntry.objects.filter(subject="item", subject_id__in=ids).count(),
    }


def whole_purchase(purchase: Purchase) -> dict:
    purchase = Purchase.objects.get(pk=purchase.pk)
    return {
        "status": purchase.status,
        "partner_status": purchase.partner_status,
        "shipments": Shipment.objects.filter(purchase=purchase).count(),
        "invoices": Invoice.objects.filter(purchase=purchase).count(),
        "credit_notes": CreditNote.objects.filter(invoice__purchase=purchase).count(),
        "audit": AuditEntry.objects.filter(purchase=purchase).count(),
    }


def forge_everything(client, purchase, items, agent):
    """POST every form to every URL; no answer may be a server error."""
    forms = forged_forms(purchase, items, agent.pk)
    for url in action_urls([purchase.pk] + [item.pk for item in items]):
        for form in forms:
            response = client.post(url, form)
            assert response.status_code < 500, (url, form["action"], response.status_code)


@pytest.fixture
def reported_partner_purchase(partner_purchase):
    """Partner-only and Partially Complete: one unit of line 1 already handed over by Infibeam."""
    partner_events_apply(events=[event(partner_purchase, 1, event_id="seen-1")], received_via="api")
    partner_purchase.refresh_from_db()
    assert partner_purchase.status == PurchaseStatus.PARTIALLY_COMPLETE
    return partner_purchase


@pytest.mark.parametrize("which", ["partner_purchase", "reported_partner_purchase"])
def test_forged_posts_against_a_partner_only_purchase_change_nothing(
    client, owner, agent, request, which
):
    purchase = request.getfixturevalue(which)
    items = list(purchase.items.order_by("line_number"))
    before = snapshot(purchase, items), whole_purchase(purchase)
    client.force_login(owner)
    forge_everything(client, purchase, items, agent)
    assert (snapshot(purchase, items), whole_purchase(purchase)) == before


def test_forged_posts_naming_a_mixed_purchases_partner_item_leave_it_alone(
    client, owner, agent, mixed_purchase
):
    partner_items = list(mixed_purchase.items.partner())
    before = snapshot(mixed_purchase, partner_items)
    client.force_login(owner)
    forge_everything(client, mixed_purchase, list(mixed_purchase.items.order_by("pk")), agent)
    assert snapshot(mixed_purchase, partner_items) == before


@pytest.mark.parametrize(
    "service",
    [
        lambda pk, user: purchase_services.purchase_approve_fraud(purchase_id=pk, user=user),
        lambda pk, user: purchase_services.purchase_deny_fraud(
            purchase_id=pk, user=user, reason="x"
        ),
        lambda pk, user: purchase_services.purchase_issue_invoice(purchase_id=pk, user=user),
        lambda pk, user: purchase_services.purchase_cancel(purchase_id=pk, user=user, reason="x"),
    ],
    ids=["approve_fraud", "deny_fraud", "issue_invoice", "cancel"],
)
def test_purchase_services_refuse_a_partner_only_purchase(partner_purchase, owner, service):
    before = whole_purchase(partner_purchase)
    with pytest.raises(ActionRefused):
        service(partner_purchase.pk, owner)
    assert whole_purchase(partner_purchase) == before


def test_cancelling_a_mixed_purchase_touches_only_its_own_items(mixed_purchase, owner):
    partner_item = mixed_purchase.items.partner().get()
    purchase_services.purchase_cancel(purchase_id=mixed_purchase.pk, user=owner, reason="Asked")
    partner_item.refresh_from_db()
    assert (partner_item.cancelled_quantity, partner_item.status) == (0, "pending")
    own = mixed_purchase.items.own().get()
    assert own.cancelled_quantity == own.quantity
    with pytest.raises(ActionRefused):
        purchase_services.purchase_cancel(
            purchase_id=mixed_purchase.pk,
            user=owner,
            reason="Asked",
            item_quantities={partner_item.pk: 1},
        )


def test_partner_only_purchase_offers_no_action(client, owner, reported_partner_purchase):
    """Its page has no form that posts to a purchase or shipment action."""
    from django_fsm import can_proceed

    purchase = Purchase.objects.get(pk=reported_partner_purchase.pk)
    offered = [
        transition.name
        for transition in purchase.get_available_user_status_transitions(owner)
        if (transition.custom or {}).get("label")
    ]
    assert offered == []
    assert not can_proceed(purchase.cancel)

    client.force_login(owner)
    html = client.get(reverse("purchases:purchase-detail", args=[purchase.pk])).content.decode()
    posting_to = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html, re.I)
    posting_to += re.findall(r'<form[^>]*action="([^"]*)"[^>]*method="post"', html, re.I)
    actions = [url for url in posting_to if url.startswith(("/purchases/", "/shipments/"))]
    assert actions == []


def test_partner_only_purchases_are_in_no_work_queue(reported_partner_purchase, partner_purchase):
    for queue in ("awaiting_fraud_review", "awaiting_invoice", "awaiting_agent"):
        assert not getattr(Purchase.objects, queue)().filter(pk=partner_purchase.pk).exists()


def test_the_same_forged_posts_do_move_an_own_purchase(client, owner, agent, confirmed_purchase):
    """The control: these forms are real enough that, on own items, they reach the services."""
    items = list(confirmed_purchase.items.order_by("pk"))
    before = whole_purchase(confirmed_purchase)
    client.force_login(owner)
    forge_everything(client, confirmed_purchase, items, agent)
    after = whole_purchase(confirmed_purchase)
    assert after["status"] != before["status"] and after["audit"] > before["audit"]
