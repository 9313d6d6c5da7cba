"""ACCOUNTS › Users and Roles: everyone sees who holds which role; the Owner manages users."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.services import role_of
from tests import factories

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "priya",
    "first_name": "Priya",
    "last_name": "Nair",
    "email": "priya@kaverihome.in",
    "role": "Staff",
    "password1": "Ghee-Jaggery-42",
    "password2": "Ghee-Jaggery-42",
}


def action(user, name):
    return reverse("accounts:user-action", args=[user.pk, name])


def test_users_list_shows_role_last_login_and_active_with_fixed_queries(
    client, owner, staff, viewer, django_assert_max_num_queries
):
    for n in range(10):
        factories.UserFactory(username=f"packer{n}", role="Staff")
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:user-list"))
    html = response.content.decode()
    rows = {u.username: u.role for u in response.context["object_list"]}
    assert rows["owner"] == "Owner" and rows["staff"] == "Staff" and rows["viewer"] == "Viewer"
    assert "never" in html
    assert "Add a user" not in html and "Change role" not in html and "Deactivate" not in html


def test_owner_adds_a_user_with_a_role_who_can_then_log_in(client, owner):
    client.force_login(owner)
    response = client.post(reverse("accounts:user-add"), NEW_USER, follow=True)
    assert "priya added as Staff." in response.content.decode()
    priya = User.objects.get(username="priya")
    assert role_of(priya) == "Staff" and priya.has_perm("purchases.fulfil_purchase")
    client.logout()
    assert client.login(username="priya", password="Ghee-Jaggery-42")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "different-42"}, "The two password fields didn’t match."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        ({"username": "owner"}, "A user with that username already exists."),
        ({"role": "Superuser"}, "Select a valid choice."),
    ],
)
def test_add_user_form_rejects_bad_input(client, owner, changes, message):
    client.force_login(owner)
    response = client.post(reverse("accounts:user-add"), {**NEW_USER, **changes})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "The user was not added" in html
    assert not User.objects.filter(username="priya").exists()


def test_owner_changes_a_role(client, owner, staff):
    client.force_login(owner)
    response = client.post(action(staff, "role"), {"role": "Viewer"}, follow=True)
    assert "staff is now Viewer." in response.content.decode()
    staff = User.objects.get(pk=staff.pk)
    assert role_of(staff) == "Viewer" and not staff.has_perm("purchases.fulfil_purchase")
    assert staff.groups.count() == 1


def test_unknown_role_is_refused_with_a_message(client, owner, staff):
    client.force_login(owner)
    response = client.post(action(staff, "role"), {"role": "Admin"}, follow=True)
    assert "Choose a role: Owner, Staff or Viewer." in response.content.decode()
    assert role_of(staff) == "Staff"


def test_owner_cannot_change_own_role_or_deactivate_themself(client, owner):
    client.force_login(owner)
    response = client.post(action(owner, "role"), {"role": "Viewer"}, follow=True)
    assert "You cannot change your own role" in response.content.decode()
    response = client.post(action(owner, "deactivate"), follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active and role_of(owner) == "Owner"


def test_deactivated_user_cannot_log_in_until_reactivated(client, owner, staff):
    client.force_login(owner)
    client.post(action(staff, "deactivate"))
    assert not User.objects.get(pk=staff.pk).is_active
    response = client.post(action(staff, "deactivate"), follow=True)
    assert "staff is already inactive." in response.content.decode()
    client.logout()
    assert not client.login(username="staff", password="webstore")
    client.force_login(owner)
    client.post(action(staff, "reactivate"))
    client.logout()
    assert client.login(username="staff", password="webstore")


def test_unknown_user_or_action_is_a_message_not_an_error(client, owner, staff):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:user-action", args=[999999, "deactivate"]), follow=True
    )
    assert "There is no user 999999." in response.content.decode()
    response = client.post(action(staff, "promote"), follow=True)
    assert "Unknown action." in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_the_owner_manages_users(client, role, request, owner):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("accounts:user-add")).status_code == 403
    response = client.post(reverse("accounts:user-add"), NEW_USER)
    assert response.status_code == 403 and "This needs the Owner role" in response.content.decode()
    assert client.post(action(owner, "deactivate")).status_code == 403
    assert client.post(action(owner, "role"), {"role": "Viewer"}).status_code == 403
    owner.refresh_from_db()
    assert owner.is_active and role_of(owner) == "Owner"
    assert not User.objects.filter(username="priya").exists()


def test_owner_gives_a_colleague_a_new_password_and_their_sessions_end(client, owner, staff):
    from django.test import Client

    theirs = Client()
    theirs.force_login(staff)
    assert theirs.get(reverse("home")).status_code == 200
    client.force_login(owner)
    url = reverse("accounts:user-password", args=[staff.pk])
    assert "New password for staff" in client.get(url).content.decode()
    weak = client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    response = client.post(
        url, {"new_password1": "Kaveri-Godown-42", "new_password2": "Kaveri-Godown-42"}, follow=True
    )
    assert "staff has a new password" in response.content.decode()
    assert theirs.get(reverse("home")).status_code == 302  # the old session ended
    assert Client().login(username="staff", password="Kaveri-Godown-42")
    assert not Client().login(username="staff", password="webstore")


def test_a_new_password_is_set_by_the_owner_for_others_only(client, owner, staff):
    client.force_login(owner)
    own = reverse("accounts:user-password", args=[owner.pk])
    response = client.post(
        own, {"new_password1": "Kaveri-Godown-42", "new_password2": "Kaveri-Godown-42"}, follow=True
    )
    assert "Change your own with Change Password" in response.content.decode()
    client.force_login(staff)
    url = reverse("accounts:user-password", args=[owner.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"new_password1": "x" * 12, "new_password2": "x" * 12}).status_code == 403
    )
    assert client.get(reverse("accounts:user-password", args=[999999])).status_code in (403, 404)
