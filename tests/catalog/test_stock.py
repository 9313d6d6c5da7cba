"""Stock on CATALOG › Products: what each role sees, and receiving and counting by hand."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import FulfilledBy, Product, StockMovement
from core.exceptions import InvalidInput, NotFound, RoleNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product-list")


def detail(product):
    return reverse("catalog:product-detail", args=[product.pk])


def receive_url(product):
    return reverse("catalog:stock-receive", args=[product.pk])


def count_url(product):
    return reverse("catalog:stock-count", args=[product.pk])


@pytest.fixture
def lamp():
    return factories.ProductFactory(sku="KH-LAMP", name="Brass lamp", on_hand=12, committed=5)


@pytest.fixture
def partner_phone():
    return factories.ProductFactory(sku="IB-PHONE", fulfilled_by=FulfilledBy.INFIBEAM)


# -- the services -------------------------------------------------------------------------------


def test_receiving_adds_to_on_hand_and_to_available_and_is_kept(staff, lamp):
    movement = services.stock_receive(
        product_id=lamp.pk, user=staff, quantity=8, reason=" invoice 4411 "
    )
    lamp.refresh_from_db()
    assert (lamp.on_hand, lamp.committed, lamp.available) == (20, 5, 15)
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("received", 8, 20)
    assert (movement.reason, movement.user, movement.product) == ("invoice 4411", staff, lamp)


def test_a_count_sets_on_hand_and_keeps_the_difference(owner, lamp):
    movement = services.stock_count(product_id=lamp.pk, user=owner, on_hand=9, reason="stock take")
    lamp.refresh_from_db()
    assert (lamp.on_hand, lamp.available) == (9, 4)
    assert (movement.kind, movement.quantity, movement.on_hand_after) == ("counted", -3, 9)


def test_a_count_that_finds_what_the_panel_had_is_kept_as_a_movement_of_zero(owner, lamp):
    movement = services.stock_count(product_id=lamp.pk, user=owner, on_hand=12, reason="audit")
    assert (movement.quantity, movement.on_hand_after) == (0, 12)


@pytest.mark.parametrize(
    "call, message",
    [
        ({"quantity": 0}, "KH-LAMP: receive at least one unit."),
        ({"quantity": -4}, "KH-LAMP: receive at least one unit."),
        ({"quantity": 10_000_000}, "KH-LAMP: at most 10,000,000 units may be on hand."),
        ({"reason": "   "}, "Say why the stock changes"),
        ({"reason": "x" * 1001}, "The reason may be at most 1,000 characters."),
        ({"reason": "bad\x00byte"}, "The reason holds a character that cannot be stored"),
    ],
)
def test_receiving_refuses_bad_input_and_changes_nothing(staff, lamp, call, message):
    arguments = {"quantity": 3, "reason": "invoice", **call}
    with pytest.raises(InvalidInput) as refused:
        services.stock_receive(product_id=lamp.pk, user=staff, **arguments)
    assert refused.value.message.startswith(message)
    assert Product.objects.get(pk=lamp.pk).on_hand == 12
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    "on_hand, message",
    [(-1, "KH-LAMP: a count cannot be below zero."), (10_000_001, "KH-LAMP: at most 10,000,000")],
)
def test_counting_refuses_impossible_numbers(owner, lamp, on_hand, message):
    with pytest.raises(InvalidInput, match=message):
        services.stock_count(product_id=lamp.pk, user=owner, on_hand=on_hand, reason="x")
    assert Product.objects.get(pk=lamp.pk).on_hand == 12


def test_infibeams_products_and_unknown_ones_are_refused(owner, partner_phone):
    with pytest.raises(InvalidInput, match="IB-PHONE is fulfilled by Infibeam"):
        services.stock_receive(product_id=partner_phone.pk, user=owner, quantity=1, reason="x")
    with pytest.raises(InvalidInput, match="IB-PHONE is fulfilled by Infibeam"):
        services.stock_count(product_id=partner_phone.pk, user=owner, on_hand=1, reason="x")
    with pytest.raises(NotFound):
        services.stock_count(product_id=987654, user=owner, on_hand=1, reason="x")
    assert not StockMovement.objects.exists()


def test_a_viewer_may_not_change_stock(viewer, lamp):
    with pytest.raises(RoleNotAllowed, match="may not change stock"):
        services.stock_receive(product_id=lamp.pk, user=viewer, quantity=1, reason="x")
    with pytest.raises(RoleNotAllowed):
        services.stock_count(product_id=lamp.pk, user=viewer, on_hand=1, reason="x")
    assert Product.objects.get(pk=lamp.pk).on_hand == 12


# -- the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "staff", "viewer"])
def test_the_list_shows_stock_of_own_products_and_infibeam_keeps_its_own(
    client, request, role, lamp, partner_phone
):
    client.force_login(request.getfixturevalue(role))
    html = client.get(LIST).content.decode()
    assert (
        '<td class="num">12</td><td class="num">5</td><td class="num">7</td>' in html
    )  # on hand, committed, available
    assert '<td colspan="3" class="muted">by Infibeam</td>' in html


def test_the_list_marks_a_product_with_nothing_available(client, viewer):
    factories.ProductFactory(on_hand=3, committed=3)
    client.force_login(viewer)
    assert '<td class="num short">0</td>' in client.get(LIST).content.decode()


def test_the_product_page_shows_stock_and_the_latest_movements(client, viewer, owner, lamp):
    services.stock_receive(product_id=lamp.pk, user=owner, quantity=8, reason="invoice 4411")
    services.stock_count(product_id=lamp.pk, user=owner, on_hand=18, reason="two broken")
    client.force_login(viewer)
    response = client.get(detail(lamp))
    html = response.content.decode()
    assert "<dt>On hand</dt><dd>18" in html and "<dt>Committed</dt><dd>5" in html
    assert "<dt>Available</dt><dd><span>13</span>" in html
    rows = [(m.get_kind_display(), m.quantity, m.reason) for m in response.context["movements"]]
    assert rows == [("Counted", -2, "two broken"), ("Received", 8, "invoice 4411")]
    assert '<td class="num">-2</td><td class="num">18</td><td>two broken</td>' in html
    assert '<td class="num">+8</td><td class="num">20</td><td>invoice 4411</td>' in html
    assert "Receive stock" not in html and "Count stock" not in html  # a Viewer has no forms


def test_staff_receive_and_count_on_the_product_page(client, staff, lamp):
    client.force_login(staff)
    page = client.get(detail(lamp)).content.decode()
    assert "Receive stock" in page and "Count stock" in page

    response = client.post(receive_url(lamp), {"quantity": "8", "reason": "invoice"}, follow=True)
    assert response.redirect_chain[-1][0] == detail(lamp)
    assert "8 received: 20 of KH-LAMP on hand." in response.content.decode()

    response = client.post(count_url(lamp), {"on_hand": "17", "reason": "count"}, follow=True)
    assert "Counted: 17 of KH-LAMP on hand (-3)." in response.content.decode()
    lamp.refresh_from_db()
    assert (lamp.on_hand, lamp.available) == (17, 12)
    assert StockMovement.objects.filter(product=lamp, user=staff).count() == 2


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("receive", {"quantity": "0", "reason": "x"}, "No stock was received: Units received: "),
        ("receive", {"quantity": "ten", "reason": "x"}, "Units received: Enter a whole number."),
        ("receive", {"quantity": "2"}, "Why: This field is required."),
        ("count", {"on_hand": "-1", "reason": "x"}, "The count was not kept: Units on the shelf:"),
        ("count", {"on_hand": "99999999999", "reason": "x"}, "The count was not kept:"),
        ("count", {"on_hand": "3", "reason": "x" * 1001}, "Why: Ensure this value has at most"),
    ],
)
def test_bad_input_on_the_product_page_is_a_message_and_changes_nothing(
    client, staff, lamp, url, data, message
):
    client.force_login(staff)
    target = receive_url(lamp) if url == "receive" else count_url(lamp)
    response = client.post(target, data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Product.objects.get(pk=lamp.pk).on_hand == 12
    assert not StockMovement.objects.exists()


def test_infibeams_product_page_has_no_stock_forms_and_refuses_a_post(client, owner, partner_phone):
    client.force_login(owner)
    html = client.get(detail(partner_phone)).content.decode()
    assert "<dt>Stock</dt><dd>Kept by Infibeam</dd>" in html and "Receive stock" not in html
    response = client.post(
        receive_url(partner_phone), {"quantity": "1", "reason": "x"}, follow=True
    )
    assert "No stock was received: IB-PHONE is fulfilled by Infibeam" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_a_viewer_gets_403_on_every_stock_post(client, viewer, lamp):
    client.force_login(viewer)
    responses = [
        client.post(receive_url(lamp), {"quantity": "1", "reason": "x"}),
        client.post(count_url(lamp), {"on_hand": "1", "reason": "x"}),
        client.post(reverse("catalog:stock-upload")),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "This needs the Owner or Staff roles." in responses[0].content.decode()
    assert Product.objects.get(pk=lamp.pk).on_hand == 12


def test_an_unknown_product_is_a_404(client, staff):
    client.force_login(staff)
    missing = reverse("catalog:stock-count", args=[987654])
    assert client.post(missing, {"on_hand": "1", "reason": "x"}).status_code == 404


def test_the_owner_sets_back_orders_on_the_product_form(client, owner, lamp):
    client.force_login(owner)
    edit = reverse("catalog:product-edit", args=[lamp.pk])
    assert "Takes back-orders" in client.get(edit).content.decode()
    data = {
        "sku": lamp.sku,
        "name": lamp.name,
        "hsn_code": lamp.hsn_code,
        "gst_rate": lamp.gst_rate,
        "price": lamp.price,
        "weight_grams": lamp.weight_grams,
        "active": "on",
        "allows_backorder": "on",
    }
    response = client.post(edit, data, follow=True)
    assert "Not taken" not in response.content.decode()
    assert "Taken: orders beyond what is available wait for stock" in response.content.decode()
    lamp.refresh_from_db()
    assert lamp.allows_backorder is True and lamp.on_hand == 12  # the form never touches stock


def test_the_product_page_costs_the_same_queries_however_many_movements(
    client, owner, lamp, django_assert_num_queries
):
    for n in range(25):
        services.stock_receive(product_id=lamp.pk, user=owner, quantity=1, reason=f"box {n}")
    client.force_login(owner)
    with django_assert_num_queries(7):  # the header names the role without a query
        response = client.get(detail(lamp))
    assert len(response.context["movements"]) == 20
