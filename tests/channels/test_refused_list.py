"""CONFIGURATION › Refused Orders: every role sees what channels sent that was refused, and why."""

import pytest
from django.urls import reverse

from channels.models import RefusedOrder
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = reverse("channels:refused-list")


@pytest.fixture
def refusals():
    web = factories.ChannelFactory(name="Web storefront", code="web")
    phone = factories.ChannelFactory(name="Phone orders", code="phone", kind="phone")
    bad_sku = factories.RefusedOrderFactory(
        channel=web,
        external_reference="SF-1001",
        problems=[
            {"field": "lines.0.sku", "code": "unknown_sku", "message": "No product KH-NOPE."},
            {"field": "amount_charged", "code": "total_mismatch", "message": "₹10.00 ≠ ₹12.00."},
        ],
        payload='{"reference": "SF-1001", "note": "<script>alert(1)</script>"}',
    )
    late = factories.RefusedOrderFactory(
        channel=phone, code="channel_disabled", detail="Phone orders is disabled.", problems=[]
    )
    unsigned = factories.RefusedOrderFactory(
        channel=None, code="bad_signature", external_reference="", payload="", problems=[]
    )
    return {"web": web, "phone": phone, "bad_sku": bad_sku, "late": late, "unsigned": unsigned}


@pytest.mark.parametrize("role", ["owner", "staff", "viewer"])
def test_every_role_sees_each_refusal_with_its_problems(client, request, refusals, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(REFUSED)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Web storefront" in html and "Phone orders" in html
    assert "SF-1001" in html and "Orders API" in html
    assert "<code>lines.0.sku</code>: No product KH-NOPE." in html
    assert "<code>amount_charged</code>: ₹10.00 ≠ ₹12.00." in html
    assert '<details><summary>Show</summary><pre class="payload">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "channel_disabled" in html and "bad_signature" in html
    assert refusals["web"].secret not in html


def test_filter_by_channel_or_by_code(client, viewer, refusals):
    client.force_login(viewer)

    def shown(**params):
        return [r.pk for r in client.get(REFUSED, params).context["page"].rows]

    assert shown(channel=refusals["phone"].pk) == [refusals["late"].pk]
    assert shown(channel="none") == [refusals["unsigned"].pk]
    assert shown(code="unknown_sku") == [refusals["bad_sku"].pk]
    assert shown(code=" bad_signature ") == [refusals["unsigned"].pk]
    assert shown(channel=refusals["web"].pk, code="bad_signature") == []
    assert len(shown()) == 3


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "\x00"])
def test_a_filter_that_names_no_channel_is_ignored_with_a_message(client, viewer, refusals, value):
    client.force_login(viewer)
    response = client.get(REFUSED, {"channel": value})
    assert response.status_code == 200
    assert len(response.context["page"].rows) == 3
    assert "That filter was ignored." in response.content.decode()


def test_newest_first_fifty_a_page(client, viewer):
    channel = factories.ChannelFactory()
    factories.RefusedOrderFactory.create_batch(51, channel=channel)
    oldest = RefusedOrder.objects.order_by("received_at", "id").first()
    client.force_login(viewer)
    first = client.get(REFUSED).context["page"]
    second = client.get(REFUSED, {"page": "2"}).context["page"]
    assert (len(first.rows), first.has_next) == (50, True)
    assert [r.pk for r in second.rows] == [oldest.pk] and not second.has_next
    assert client.get(REFUSED, {"page": "x"}).context["page"].number == 1


def test_stored_problems_of_any_shape_are_shown_as_they_are(client, viewer):
    factories.RefusedOrderFactory(problems=["a plain sentence", {"code": "only_a_code"}])
    factories.RefusedOrderFactory(problems={"field": "x", "message": "not in a list"})
    client.force_login(viewer)
    html = client.get(REFUSED).content.decode()
    assert "<li>a plain sentence</li>" in html and "<li>only_a_code</li>" in html
    assert "<code>x</code>: not in a list" in html


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, viewer, django_assert_num_queries
):
    factories.RefusedOrderFactory.create_batch(30)
    client.force_login(viewer)
    with django_assert_num_queries(6):  # the header names the role without a query
        client.get(REFUSED)
