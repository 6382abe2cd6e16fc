"""Temporary passwords expire and must be changed at first sign-in; every member changes her own password and
sees and ends her sessions (issue 13)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redalert.accounts import members
from redalert.accounts.models import MemberSession, User

PASSWORD = "correct horse battery"
NEW = "a quiet river at dawn 7"


@pytest.fixture
def admin(org_a, make_user):
    return make_user(org_a, "administrator", username="admin-a")


@pytest.fixture
def member(org_a, make_user):
    return make_user(org_a, "caseworker", username="trabajadora")


def test_a_temporary_password_must_be_changed_before_any_staff_page(client_for, admin, member, settings):
    settings.TEMPORARY_PASSWORD_HOURS = 72
    temporary = members.reset_password(member, actor=admin)
    member.refresh_from_db()
    assert member.password_is_temporary
    expires = member.temporary_password_expires_at - timezone.now()
    assert timedelta(hours=71) < expires <= timedelta(hours=72)

    client = client_for(member)  # signed in, second factor given
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password")
    assert client.get(reverse("accounts:password")).status_code == 200

    changed = client.post(
        reverse("accounts:password"),
        {"action": "password", "old_password": temporary, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW) and not member.password_is_temporary
    assert client.get(reverse("cases:list")).status_code == 200  # still signed in, now free to work
    # The administrator's temporary password no longer opens her account.
    assert not member.check_password(temporary)


def test_an_expired_temporary_password_is_refused_at_sign_in(admin, member, client_for):
    temporary = members.reset_password(member, actor=admin)
    User.objects.filter(pk=member.pk).update(temporary_password_expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(
        reverse("accounts:login"), {"username": member.username, "password": temporary}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "temporary password has expired" in response.content.decode()
    # A session opened before the expiry ends at its next request.
    client = client_for(User.objects.get(pk=member.pk))
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_new_members_start_with_a_temporary_password(admin):
    member, _password = members.add_member(
        admin.organisation,
        username="nueva",
        first_name="N",
        last_name="",
        email="",
        roles=["analyst"],
        language="es",
        actor=admin,
    )
    assert member.password_is_temporary and member.temporary_password_expires_at > timezone.now()


def test_changing_the_password_needs_the_current_one_and_a_strong_new_one(client_for, member):
    client = client_for(member)
    url = reverse("accounts:password")
    wrong = client.post(url, {"action": "password", "old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    weak = client.post(
        url, {"action": "password", "old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)


def test_a_member_sees_her_sessions_and_signs_them_out(client_for, member, make_user, org_a):
    laptop, phone, tablet = client_for(member), client_for(member), client_for(member)
    other = client_for(make_user(org_a, "lawyer"))
    for client in (laptop, phone, tablet, other):
        assert client.get(reverse("cases:list"), HTTP_USER_AGENT="Firefox").status_code == 200
    page = laptop.get(reverse("accounts:password"))
    assert page.status_code == 200
    assert {s.session_key for s in page.context["sessions"]} == {
        laptop.session.session_key,
        phone.session.session_key,
        tablet.session.session_key,
    }

    # Another member's session cannot be ended from here.
    laptop.post(reverse("accounts:password"), {"action": "end", "session": other.session.session_key})
    assert other.get(reverse("cases:list")).status_code == 200

    laptop.post(reverse("accounts:password"), {"action": "end", "session": phone.session.session_key})
    assert phone.get(reverse("cases:list")).status_code == 302
    assert tablet.get(reverse("cases:list")).status_code == 200

    laptop.post(reverse("accounts:password"), {"action": "end_others"})
    assert tablet.get(reverse("cases:list")).status_code == 302
    assert laptop.get(reverse("cases:list")).status_code == 200
    assert list(MemberSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        laptop.session.session_key
    ]
