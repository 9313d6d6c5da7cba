"""The Owner's actions on sales channels: what they change and what they refuse."""

import datetime as dt

import pytest

from channels import services
from channels.models import SalesChannel
from core.exceptions import InvalidInput, NotFound, RoleNotAllowed, TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC)  # 12:00 in India


def test_create_makes_an_active_channel_with_its_own_secret(owner):
    channel = services.channel_create(
        user=owner, name="  Web   storefront ", code="Web", kind="storefront"
    )
    other = services.channel_create(user=owner, name="Phone orders", code="phone", kind="phone")
    assert (channel.name, channel.code, channel.active) == ("Web storefront", "web", True)
    assert len(channel.secret) >= 40 and channel.secret != other.secret
    assert channel.secrets_accepted() == [channel.secret]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": " "}, "Give the channel a name."),
        ({"name": "x" * 101}, "A channel's name is at most 100 characters."),
        ({"code": "web store"}, "The code is letters, digits, - and _ only"),
        ({"code": "-web"}, "The code is letters, digits, - and _ only"),
        ({"code": "x" * 31}, "A channel's code is at most 30 characters."),
        ({"kind": "carrier-pigeon"}, "Choose what kind of channel it is."),
        ({"name": "WEB STOREFRONT"}, "There is already a channel named WEB STOREFRONT."),
        ({"code": "WEB"}, "There is already a channel with the code web."),
    ],
)
def test_create_refuses_bad_input(owner, changes, message):
    services.channel_create(user=owner, name="Web storefront", code="web", kind="storefront")
    fields = {"name": "Amazon", "code": "amazon", "kind": "marketplace", **changes}
    with pytest.raises(InvalidInput) as refused:
        services.channel_create(user=owner, **fields)
    assert refused.value.message.startswith(message)
    assert SalesChannel.objects.count() == 1


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_the_owner_may_change_channels(request, role):
    user = request.getfixturevalue(role)
    channel = factories.ChannelFactory()
    secret = channel.secret
    with pytest.raises(RoleNotAllowed):
        services.channel_create(user=user, name="Amazon", code="amazon", kind="marketplace")
    with pytest.raises(RoleNotAllowed):
        services.channel_rotate_secret(user=user, channel_id=channel.pk)
    with pytest.raises(RoleNotAllowed):
        services.channel_set_active(user=user, channel_id=channel.pk, active=False)
    channel.refresh_from_db()
    assert (channel.secret, channel.active, SalesChannel.objects.count()) == (secret, True, 1)


def test_rotation_keeps_the_old_secret_valid_for_the_grace_period_only(owner):
    channel = factories.ChannelFactory()
    old = channel.secret

    rotated = services.channel_rotate_secret(user=owner, channel_id=channel.pk, now=NOON)

    rotated.refresh_from_db()
    new = rotated.secret
    assert new != old
    assert (rotated.previous_secret, rotated.rotated_at, rotated.rotated_by) == (old, NOON, owner)
    assert rotated.previous_secret_until == NOON + dt.timedelta(hours=24)
    assert rotated.secrets_accepted(NOON) == [new, old]
    assert rotated.secrets_accepted(NOON + dt.timedelta(hours=23, minutes=59)) == [new, old]
    assert rotated.secrets_accepted(NOON + dt.timedelta(hours=24)) == [new]
    assert rotated.secrets_accepted(NOON + dt.timedelta(days=3)) == [new]


def test_a_second_rotation_within_the_grace_stops_the_oldest_secret(owner):
    channel = factories.ChannelFactory()
    first = channel.secret
    second = services.channel_rotate_secret(user=owner, channel_id=channel.pk, now=NOON).secret
    later = NOON + dt.timedelta(hours=1)
    third = services.channel_rotate_secret(user=owner, channel_id=channel.pk, now=later)
    assert third.secrets_accepted(later) == [third.secret, second]
    assert first not in third.secrets_accepted(later)


def test_disable_and_enable_again(owner):
    channel = factories.ChannelFactory()
    assert (
        services.channel_set_active(user=owner, channel_id=channel.pk, active=False).active is False
    )
    assert SalesChannel.objects.active().count() == 0
    with pytest.raises(TransitionNotAllowed, match="already disabled"):
        services.channel_set_active(user=owner, channel_id=channel.pk, active=False)
    assert (
        services.channel_set_active(user=owner, channel_id=channel.pk, active=True).active is True
    )
    with pytest.raises(TransitionNotAllowed, match="already enabled"):
        services.channel_set_active(user=owner, channel_id=channel.pk, active=True)


def test_an_unknown_channel_is_not_found(owner):
    with pytest.raises(NotFound):
        services.channel_rotate_secret(user=owner, channel_id=987654)
    with pytest.raises(NotFound):
        services.channel_set_active(user=owner, channel_id=987654, active=False)
