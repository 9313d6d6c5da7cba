"""The Owner's actions on sales channels: add one, rotate its secret, disable and enable it."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.exceptions import InvalidInput, NotFound, TransitionNotAllowed
from core.permissions import CONFIGURE, require

from .models import ChannelKind, SalesChannel, new_secret

# How long a channel's old secret still signs requests after a rotation: a day to put the new one
# into the channel's settings without refusing its orders meanwhile.
SECRET_GRACE = timedelta(hours=24)

NAME_MAX_LENGTH = SalesChannel._meta.get_field("name").max_length
CODE_MAX_LENGTH = SalesChannel._meta.get_field("code").max_length


@transaction.atomic
def channel_create(
    *, user: AbstractBaseUser | None, name: str, code: str, kind: str
) -> SalesChannel:
    """A new active channel with a new secret; its name and code are the store's only one."""
    require(user, CONFIGURE, doing="add sales channels")
    name, code = _checked_name(name), _checked_code(code)
    if kind not in ChannelKind.values:
        raise InvalidInput("Choose what kind of channel it is.")
    if SalesChannel.objects.filter(name__iexact=name).exists():
        raise InvalidInput(f"There is already a channel named {name}.")
    if SalesChannel.objects.filter(code__iexact=code).exists():
        raise InvalidInput(f"There is already a channel with the code {code}.")
    try:
        with transaction.atomic():
            return SalesChannel.objects.create(name=name, code=code, kind=kind)
    except IntegrityError:  # the same name or code, added at the same moment by another request
        raise InvalidInput(f"There is already a channel named {name} or coded {code}.") from None


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Give the channel a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"A channel's name is at most {NAME_MAX_LENGTH} characters.")
    return name


def _checked_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not code or slugify(code) != code:
        raise InvalidInput(
            "The code is letters, digits, - and _ only, without spaces: for example web-store."
        )
    if len(code) > CODE_MAX_LENGTH:
        raise InvalidInput(f"A channel's code is at most {CODE_MAX_LENGTH} characters.")
    return code


@transaction.atomic
def channel_rotate_secret(
    *, user: AbstractBaseUser | None, channel_id: int, now: datetime | None = None
) -> SalesChannel:
    """A new secret for the channel; the one it replaces still signs requests for SECRET_GRACE
    (a secret older than that one stops at once)."""
    require(user, CONFIGURE, doing="change a sales channel's secret")
    channel = _locked(channel_id)
    now = now or timezone.now()
    channel.previous_secret = channel.secret
    channel.previous_secret_until = now + SECRET_GRACE
    channel.secret = new_secret()
    channel.rotated_at = now
    channel.rotated_by = user
    channel.save()
    return channel


@transaction.atomic
def channel_set_active(
    *, user: AbstractBaseUser | None, channel_id: int, active: bool
) -> SalesChannel:
    """Enable or disable the channel: a disabled channel's requests are refused."""
    require(user, CONFIGURE, doing="enable or disable sales channels")
    channel = _locked(channel_id)
    if channel.active == active:
        state = "enabled" if active else "disabled"
        raise TransitionNotAllowed(f"{channel.name} is already {state}.")
    channel.active = active
    channel.save(update_fields=["active"])
    return channel


def _locked(channel_id: int) -> SalesChannel:
    channel = SalesChannel.objects.select_for_update().filter(pk=channel_id).first()
    if channel is None:
        raise NotFound("There is no such sales channel.")
    return channel
