"""Administrators manage their organisation's members; nobody else, and never another organisation's."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts.models import Organisation, User
from redalert.audit.models import AuditAction, AuditEntry


@pytest.fixture
def admin(org_a, make_user):
    return make_user(org_a, "administrator", username="admin-a")


def test_administrator_adds_a_member_with_roles_and_a_temporary_password(client_for, admin, org_a):
    response = client_for(admin).post(
        reverse("accounts:member_add"),
        {"username": "abogada2", "first_name": "Laura", "last_name": "Gómez", "language": "es", "roles": ["lawyer"]},
    )
    assert response.status_code == 200
    member = User.objects.get(username="abogada2")
    assert member.organisation == org_a
    # A role that opens case files waits for a second person (test_separation_of_duties).
    assert member.role_set == frozenset()
    assert member.duty_requests_about.get().roles == ["lawyer"]
    assert member.check_password(response.context["password"])
    assert AuditEntry.objects.filter(actor=admin, action=AuditAction.SECURITY, object_id=str(member.pk)).exists()


def test_bad_member_data_is_refused(client_for, admin, make_user, org_a):
    make_user(org_a, "caseworker", username="taken")
    response = client_for(admin).post(
        reverse("accounts:member_add"), {"username": "Taken", "first_name": "", "language": "es", "roles": []}
    )
    assert response.status_code == 200
    assert {"username", "first_name", "roles"} <= set(response.context["form"].errors)


def test_members_of_another_organisation_are_404(client_for, admin, org_b, make_user):
    other = make_user(org_b, "lawyer")
    client = client_for(admin)
    assert client.get(reverse("accounts:member", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:member", args=[other.pk]), {"action": "deactivate"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert other.username not in client.get(reverse("accounts:members")).content.decode()


def test_only_administrators_manage_members(client_for, org_a, make_user):
    coordinator = make_user(org_a, "coordinator")
    assert client_for(coordinator).get(reverse("accounts:members")).status_code == 404


def test_reset_second_factor_and_deactivate(client_for, admin, org_a, make_user):
    member = make_user(org_a, "caseworker")
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    client = client_for(admin)
    client.post(reverse("accounts:member", args=[member.pk]), {"action": "reset_2fa"})
    # Pending until a coordinator or a second administrator approves it (test_separation_of_duties).
    assert TOTPDevice.objects.filter(user=member).exists()
    assert member.duty_requests_about.get().kind == "reset_second_factor"
    client.post(reverse("accounts:member", args=[member.pk]), {"action": "deactivate"})
    member.refresh_from_db()
    assert not member.is_active
    client.post(reverse("accounts:member", args=[admin.pk]), {"action": "deactivate"})
    admin.refresh_from_db()
    assert admin.is_active


def test_create_organisation_command(db, capsys):
    call_command("create_organisation", name="Colectivo Norte", code="cono", country="mx", admin="ana")
    organisation = Organisation.objects.get(code="CONO")
    ana = User.objects.get(username="ana")
    assert ana.organisation == organisation and ana.role_set == {"administrator"}
    assert "temporary password" in capsys.readouterr().out
