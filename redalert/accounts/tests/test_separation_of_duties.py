"""Separation of duties: nobody changes her own roles; roles that open case files and second-factor resets need a
second person of the organisation; requests are audited and announced by e-mail (issue 13)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts import duties, members
from redalert.accounts.duties import RefusedChange
from redalert.accounts.forms import RolesForm
from redalert.accounts.models import DutyRequest, DutyState, User
from redalert.audit.models import AuditAction, AuditEntry
from redalert.outbox.models import OutboundMessage
from redalert.security.models import EventKind, SecurityEvent


@pytest.fixture
def admin(org_a, make_user):
    user = make_user(org_a, "administrator", username="admin-a")
    user.email = "admin-a@example.org"
    user.save()
    return user


@pytest.fixture
def coord(org_a, make_user):
    user = make_user(org_a, "coordinator", username="coord-a")
    user.email = "coord-a@example.org"
    user.save()
    return user


@pytest.fixture
def analyst(org_a, make_user):
    user = make_user(org_a, "analyst", username="analyst-a")
    user.email = "analyst-a@example.org"
    user.save()
    return user


def _steps(duty):
    return [
        entry.detail["step"]
        for entry in AuditEntry.objects.filter(object_type="accounts.dutyrequest", object_id=str(duty.pk)).order_by(
            "pk"
        )
    ]


def test_an_administrator_cannot_give_herself_roles(client_for, admin, org_a):
    client = client_for(admin)
    page = client.get(reverse("accounts:member", args=[admin.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert 'value="roles"' not in page.content.decode()

    response = client.post(
        reverse("accounts:member", args=[admin.pk]),
        {"action": "roles", "roles": ["administrator", "coordinator"]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Nobody can change her own roles" in response.content.decode()
    assert User.objects.get(pk=admin.pk).role_set == {"administrator"}
    assert not DutyRequest.objects.exists()
    with pytest.raises(RefusedChange):
        members.change_roles(admin, ["administrator", "coordinator"], actor=admin)
    assert User.objects.get(pk=admin.pk).role_set == {"administrator"}


def test_granting_a_case_role_waits_for_a_coordinator(client_for, admin, coord, analyst, org_a):
    client = client_for(admin)
    client.post(reverse("accounts:member", args=[analyst.pk]), {"action": "roles", "roles": ["analyst", "lawyer"]})
    analyst = User.objects.get(pk=analyst.pk)
    assert analyst.role_set == {"analyst"} and not analyst.works_on_cases
    duty = DutyRequest.objects.get(member=analyst)
    assert duty.state == DutyState.PENDING and duty.roles == ["lawyer"] and duty.requested_by == admin

    # The one who asked cannot approve it, neither through the page nor the service.
    client.post(reverse("accounts:request_decide", args=[duty.pk]), {"action": "approve"})
    with pytest.raises(RefusedChange):
        duties.approve(duty, actor=admin)
    assert DutyRequest.objects.get(pk=duty.pk).state == DutyState.PENDING
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst"}

    # The coordinator sees it and approves it: now it takes effect.
    page = client_for(coord).get(reverse("accounts:requests"))
    assert page.status_code == 200 and page.context["pending"] == [(duty, True)]
    client_for(coord).post(reverse("accounts:request_decide", args=[duty.pk]), {"action": "approve"})
    duty.refresh_from_db()
    assert duty.state == DutyState.APPROVED and duty.decided_by == coord
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst", "lawyer"}
    assert _steps(duty) == ["asked", "approved"]

    # The member and the coordinators are told, at each step, through the outbox.
    mails = OutboundMessage.objects.filter(idempotency_key__startswith=f"access-request:{duty.pk}:")
    assert {(m.to, m.idempotency_key.split(":")[2]) for m in mails} == {
        ("analyst-a@example.org", "asked"),
        ("coord-a@example.org", "asked"),
        ("analyst-a@example.org", "approved"),
        ("coord-a@example.org", "approved"),
    }
    assert all("analyst-a" in m.body for m in mails)
    assert all("coord-a" in m.body for m in mails if ":approved:" in m.idempotency_key)


def test_a_second_administrator_may_approve_and_a_refusal_changes_nothing(client_for, admin, analyst, org_a, make_user):
    second = make_user(org_a, "administrator", username="admin-b")
    duty = members.change_roles(analyst, ["analyst", "coordinator"], actor=admin)
    assert duty is not None
    duties.refuse(duty, actor=second)
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst"}
    assert _steps(duty) == ["asked", "refused"]
    with pytest.raises(RefusedChange):  # decided once only
        duties.approve(duty, actor=second)

    again = members.change_roles(analyst, ["analyst", "coordinator"], actor=admin)
    duties.approve(again, actor=second)
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst", "coordinator"}


def test_nobody_outside_the_organisation_nor_without_the_role_decides(client_for, admin, analyst, org_b, make_user):
    duty = members.change_roles(analyst, ["coordinator"], actor=admin)
    other_coordinator = make_user(org_b, "coordinator")
    assert (
        client_for(other_coordinator)
        .post(reverse("accounts:request_decide", args=[duty.pk]), {"action": "approve"})
        .status_code
        == 404
    )
    caseworker = make_user(analyst.organisation, "caseworker")
    assert client_for(caseworker).get(reverse("accounts:requests")).status_code == 404
    with pytest.raises(RefusedChange):
        duties.approve(duty, actor=caseworker)
    assert DutyRequest.objects.get(pk=duty.pk).state == DutyState.PENDING
    # Removing a role needs nobody else; the pending grant stays pending.
    assert members.change_roles(analyst, [], actor=admin) is None
    assert User.objects.get(pk=analyst.pk).role_set == frozenset()


def test_a_new_member_gets_case_roles_only_after_approval(client_for, admin, coord, org_a):
    client_for(admin).post(
        reverse("accounts:member_add"),
        {"username": "puppet", "first_name": "P", "language": "es", "roles": ["coordinator", "analyst"]},
    )
    puppet = User.objects.get(username="puppet")
    assert puppet.role_set == {"analyst"}
    duty = DutyRequest.objects.get(member=puppet, state=DutyState.PENDING)
    assert duty.roles == ["coordinator"]
    duties.approve(duty, actor=coord)
    assert User.objects.get(pk=puppet.pk).role_set == {"analyst", "coordinator"}


def test_administration_itself_needs_a_second_person(admin, analyst):
    duty = members.change_roles(analyst, ["analyst", "administrator"], actor=admin)
    assert duty is not None and duty.roles == ["administrator"]
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst"}


def test_second_factor_reset_waits_for_approval(client_for, admin, coord, analyst, make_user):
    TOTPDevice.objects.create(user=analyst, name="phone", confirmed=True)
    StaticDevice.objects.create(user=analyst, name="backup", confirmed=True)
    client_for(admin).post(reverse("accounts:member", args=[analyst.pk]), {"action": "reset_2fa"})
    assert TOTPDevice.objects.filter(user=analyst).exists()
    duty = DutyRequest.objects.get(member=analyst, kind="reset_second_factor", state=DutyState.PENDING)
    assert AuditEntry.objects.filter(actor=admin, action=AuditAction.SECURITY, object_id=str(duty.pk)).exists()
    assert OutboundMessage.objects.filter(to="analyst-a@example.org", idempotency_key__contains=":asked:").exists()

    client_for(coord).post(reverse("accounts:request_decide", args=[duty.pk]), {"action": "approve"})
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert not StaticDevice.objects.filter(user=analyst).exists()


def test_coalition_roles_are_not_offered_to_an_organisation(client_for, admin, analyst):
    assert "coalition_data_steward" not in dict(RolesForm().fields["roles"].choices)
    client_for(admin).post(
        reverse("accounts:member", args=[analyst.pk]), {"action": "roles", "roles": ["coalition_data_steward"]}
    )
    assert User.objects.get(pk=analyst.pk).role_set == {"analyst"}
    with pytest.raises(RefusedChange):
        members.change_roles(analyst, ["coalition_data_steward"], actor=admin)


def test_approved_role_grants_and_second_factor_resets_are_security_events(admin, coord, analyst):
    grant = members.change_roles(analyst, ["analyst", "caseworker"], actor=admin)
    assert grant is not None
    assert not SecurityEvent.objects.filter(kind=EventKind.ROLE_GRANTED).exists()  # asked, not yet granted
    duties.approve(grant, actor=coord)
    event = SecurityEvent.objects.get(kind=EventKind.ROLE_GRANTED)
    assert (event.actor_id, event.username, event.organisation_id) == (
        coord.pk,
        analyst.username,
        analyst.organisation_id,
    )
    assert event.detail["roles"] == ["caseworker"] and event.detail["member"] == analyst.pk
    reset = duties.ask_second_factor_reset(analyst, actor=admin)
    duties.approve(reset, actor=coord)
    assert SecurityEvent.objects.filter(kind=EventKind.SECOND_FACTOR_RESET, username=analyst.username).count() == 1
