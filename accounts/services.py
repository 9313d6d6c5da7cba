"""Users and roles: the Owner adds users, changes their role, deactivates and reactivates them."""

from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db import transaction

from core.exceptions import InvalidInput, NotFound, RoleNotAllowed
from core.permissions import CONFIGURE, OWNER, STAFF, VIEWER

from .roles import ensure_roles

ROLES = [OWNER, STAFF, VIEWER]


def role_of(user: User) -> str:
    """The user's role; uses prefetched groups when there are any."""
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), "")


def _require_owner(actor: AbstractBaseUser) -> None:
    if not actor.has_perm(CONFIGURE):
        raise RoleNotAllowed("Only the Owner may manage users and roles.")


def _role_group(role: str) -> Group:
    if role not in ROLES:
        raise InvalidInput("Choose a role: Owner, Staff or Viewer.")
    group = Group.objects.filter(name=role).first()
    if group is None:
        ensure_roles()
        group = Group.objects.get(name=role)
    return group


def _lock_user(user_id) -> User:
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"There is no user {user_id}.") from None


def _set_role(user: User, group: Group) -> None:
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
    user.groups.add(group)


@transaction.atomic
def user_create(
    *,
    actor: AbstractBaseUser,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Add a panel user with one role (the form has validated the username and password)."""
    _require_owner(actor)
    group = _role_group(role)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"The username {username} is taken.")
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    _set_role(user, group)
    return user


@transaction.atomic
def user_change_role(*, actor: AbstractBaseUser, user_id: int, role: str) -> User:
    """Give a user another role; nobody changes their own (an Owner could lock themselves out)."""
    _require_owner(actor)
    group = _role_group(role)
    user = _lock_user(user_id)
    if user.pk == actor.pk:
        raise InvalidInput("You cannot change your own role; ask another Owner.")
    _set_role(user, group)
    return user


@transaction.atomic
def user_deactivate(*, actor: AbstractBaseUser, user_id: int) -> User:
    """The user can no longer log in; their name stays on everything they did."""
    _require_owner(actor)
    user = _lock_user(user_id)
    if user.pk == actor.pk:
        raise InvalidInput("You cannot deactivate yourself.")
    if not user.is_active:
        raise InvalidInput(f"{user.username} is already inactive.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reactivate(*, actor: AbstractBaseUser, user_id: int) -> User:
    """Let a deactivated user log in again, with the role they had."""
    _require_owner(actor)
    user = _lock_user(user_id)
    if user.is_active:
        raise InvalidInput(f"{user.username} is already active.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_set_password(*, actor: AbstractBaseUser, user_id: int, password: str) -> User:
    """The Owner gives a colleague who forgot theirs a new password (the form has validated it);
    the colleague's open sessions end with the old one. One's own goes through Change Password,
    which asks for the old one."""
    _require_owner(actor)
    user = _lock_user(user_id)
    if user.pk == actor.pk:
        raise InvalidInput("Change your own with Change Password: it asks for the old one.")
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
