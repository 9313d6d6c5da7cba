"""CONFIGURATION › Sales Channels, as the Owner, Staff and a Viewer see and use it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.models import SalesChannel
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("channels:channel-list")
ADD = reverse("channels:channel-add")
NEW = {"name": "Web storefront", "code": "web", "kind": "storefront"}


def rotate_url(channel):
    return reverse("channels:channel-rotate", args=[channel.pk])


def active_url(channel):
    return reverse("channels:channel-set-active", args=[channel.pk])


def test_the_owner_sees_a_new_channels_secret_once(client, owner):
    client.force_login(owner)
    response = client.post(ADD, NEW, follow=True)
    channel = SalesChannel.objects.get(code="web")
    assert response.redirect_chain[-1][0] == LIST
    html = response.content.decode()
    assert "Channel Web storefront added." in html
    assert "Secret of Web storefront — shown this once" in html
    assert f'<code id="channel-secret">{channel.secret}</code>' in html
    assert "no-store" in response["Cache-Control"]

    again = client.get(LIST).content.decode()
    assert channel.secret not in again and "shown this once" not in again
    assert "Web storefront" in again


def test_rotating_shows_the_new_secret_once_and_until_when_the_old_one_works(client, owner):
    channel = factories.ChannelFactory(name="Amazon", code="amazon", kind="marketplace")
    old = channel.secret
    client.force_login(owner)
    before = timezone.now()
    html = client.post(rotate_url(channel), follow=True).content.decode()
    channel.refresh_from_db()
    until = channel.previous_secret_until
    assert before + dt.timedelta(hours=24) <= until <= timezone.now() + dt.timedelta(hours=24)
    shown_until = timezone.localtime(until).strftime("%d %b %Y, %H:%M")  # India's time
    assert "Amazon has a new secret." in html
    assert "New secret of Amazon — shown this once" in html
    assert channel.secret in html and old not in html
    assert f"The old secret keeps working until <strong>{shown_until}</strong>" in html
    assert f"The old secret works until {shown_until}" in html  # in the channel's row

    again = client.get(LIST).content.decode()
    assert channel.secret not in again and old not in again
    assert f"The old secret works until {shown_until}" in again


def test_the_grace_line_goes_once_the_old_secret_stopped_working(client, owner):
    channel = factories.ChannelFactory(
        previous_secret="an-old-secret-long-enough",
        previous_secret_until=timezone.now() - dt.timedelta(minutes=1),
        rotated_at=timezone.now() - dt.timedelta(days=1),
    )
    client.force_login(owner)
    html = client.get(LIST).content.decode()
    assert "The old secret works until" not in html
    assert channel.previous_secret not in html


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_see_the_channels_but_never_a_secret(client, request, role):
    channel = factories.ChannelFactory(name="Amazon", code="amazon")
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Amazon" in html and "amazon" in html
    assert channel.secret not in html and channel.secret[:12] not in html
    assert "Rotate secret" not in html and "Add a sales channel" not in html
    assert "Only the Owner can add channels" in html


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_may_not_add_rotate_disable_or_enable(client, request, role):
    channel = factories.ChannelFactory()
    disabled = factories.ChannelFactory(active=False)
    client.force_login(request.getfixturevalue(role))
    assert client.get(ADD).status_code == 403
    posts = [
        client.post(ADD, NEW),
        client.post(rotate_url(channel)),
        client.post(active_url(channel), {"active": "0"}),
        client.post(active_url(disabled), {"active": "1"}),
    ]
    assert [response.status_code for response in posts] == [403] * 4
    assert "This needs the Owner role." in posts[1].content.decode()
    assert SalesChannel.objects.count() == 2
    assert SalesChannel.objects.get(pk=channel.pk).secret == channel.secret
    assert SalesChannel.objects.get(pk=channel.pk).active is True
    assert SalesChannel.objects.get(pk=disabled.pk).active is False


def test_a_staff_session_never_shows_a_secret_marked_for_it(client, staff):
    """Even a mark in the session (left by an Owner on a shared browser) shows Staff nothing."""
    channel = factories.ChannelFactory()
    client.force_login(staff)
    session = client.session
    session["channels.new_secret"] = {"channel_id": channel.pk, "rotated": False}
    session.save()
    assert channel.secret not in client.get(LIST).content.decode()


def test_disable_and_enable_a_channel(client, owner):
    channel = factories.ChannelFactory(name="Amazon")
    client.force_login(owner)
    html = client.post(active_url(channel), {"active": "0"}, follow=True).content.decode()
    assert "Amazon is disabled: its requests are refused from now on." in html
    assert "Disabled" in html and 'value="1"' in html
    assert SalesChannel.objects.get(pk=channel.pk).active is False

    stale = client.post(active_url(channel), {"active": "0"}, follow=True).content.decode()
    assert "Amazon is already disabled." in stale

    html = client.post(active_url(channel), {"active": "1"}, follow=True).content.decode()
    assert "Amazon is enabled: its orders are taken." in html
    assert SalesChannel.objects.get(pk=channel.pk).active is True


@pytest.mark.parametrize("value", ["", "yes", "2", "\x00"])
def test_an_unclear_enable_or_disable_changes_nothing(client, owner, value):
    channel = factories.ChannelFactory()
    client.force_login(owner)
    html = client.post(active_url(channel), {"active": value}, follow=True).content.decode()
    assert "Say whether to enable or to disable the channel." in html
    assert SalesChannel.objects.get(pk=channel.pk).active is True


def test_an_unknown_channel_is_a_404(client, owner):
    client.force_login(owner)
    assert client.post(reverse("channels:channel-rotate", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"name": ""}, "This field is required."),
        ({"code": "web store"}, "Enter a valid “slug”"),
        ({"kind": "pigeon"}, "Select a valid choice."),
        ({"code": "WEB"}, "There is already a channel with the code web."),
    ],
)
def test_adding_refuses_bad_input_and_keeps_no_secret(client, owner, changes, error):
    factories.ChannelFactory(name="Old", code="web")
    client.force_login(owner)
    response = client.post(ADD, {**NEW, **changes})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The channel was not added" in html and error in html
    assert SalesChannel.objects.count() == 1
    assert "shown this once" not in client.get(LIST).content.decode()


def test_the_list_counts_each_channels_purchases_in_one_query(
    client, owner, django_assert_num_queries
):
    web, phone, _quiet = (factories.ChannelFactory() for _ in range(3))
    for channel, how_many in ((web, 3), (phone, 1)):
        for n in range(how_many):
            factories.PurchaseFactory(channel=channel, external_reference=f"{channel.code}-{n}")
    client.force_login(owner)
    with django_assert_num_queries(7):  # the header names the role without a query
        response = client.get(LIST)
    labels = {c.pk: c.purchases_label for c in response.context["object_list"]}
    assert labels == {web.pk: "3", phone.pk: "1", _quiet.pk: "0"}


def test_a_disabled_channel_is_listed_after_the_active_ones(client, viewer):
    factories.ChannelFactory(name="Zed", code="zed")
    factories.ChannelFactory(name="Alpha", code="alpha", active=False)
    client.force_login(viewer)
    names = [c.name for c in client.get(LIST).context["object_list"]]
    assert names == ["Zed", "Alpha"]
