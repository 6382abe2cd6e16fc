"""Separation of duties: changes to a member's access that need a second person of the organisation.

Granting a role that opens case files (or administration: see roles.GUARDED_ROLES) and resetting a member's
second factor are first recorded as a pending DutyRequest. A coordinator of the organisation, or a second
administrator, approves it (never the one who asked, never the member it is about); only then does it take effect.
Every step is audited, and the member and the organisation's coordinators get an e-mail through the outbox, in the
same transaction. The e-mails name the member, the change and who asked: never anything from a case file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts.models import DutyKind, DutyRequest, DutyState, RoleAssignment, User
from redalert.accounts.roles import APPROVER_ROLES, Role
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.mail import queue_email
from redalert.security.events import record_security_event
from redalert.security.models import EventKind

if TYPE_CHECKING:
    from django.http import HttpRequest


class RefusedChange(Exception):
    """A change the rules do not allow; the message is for the person who tried it."""


def ask_role_grant(
    member: User, roles: list[str] | set[str], *, actor: User, request: HttpRequest | None = None
) -> DutyRequest:
    """Record a request to grant `roles` to `member`; nothing changes until someone else approves it."""
    return _ask(member, DutyKind.GRANT_ROLES, sorted(roles), actor=actor, request=request)


def ask_second_factor_reset(member: User, *, actor: User, request: HttpRequest | None = None) -> DutyRequest:
    """Record a request to remove a member's authenticator and backup codes (lost phone)."""
    return _ask(member, DutyKind.RESET_SECOND_FACTOR, [], actor=actor, request=request)


def _ask(member: User, kind: str, roles: list[str], *, actor: User, request: HttpRequest | None) -> DutyRequest:
    if member.pk == actor.pk:
        raise RefusedChange(_("Nobody can change her own access. Ask another administrator."))
    if member.organisation_id is None or member.organisation_id != actor.organisation_id:
        raise RefusedChange(_("That member is not in your organisation."))
    with transaction.atomic():
        duty = DutyRequest.objects.create(
            organisation_id=member.organisation_id,
            kind=kind,
            member=member,
            roles=roles,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        _audit(duty, actor, "asked", request)
        _notify(duty, "asked")
    return duty


def may_decide(user: Any, duty: DutyRequest) -> bool:
    """A coordinator or administrator of the request's organisation, who neither asked nor is its subject."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and user.organisation_id == duty.organisation_id
        and user.has_role(*APPROVER_ROLES)
        and user.pk not in (duty.requested_by_id, duty.member_id)
    )


def may_see_requests(user: Any) -> bool:
    """The page of pending requests (and its place in the menu): the organisation's coordinators and administrators."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and bool(user.organisation_id)
        and user.has_role(*APPROVER_ROLES)
    )


def pending_for(user: User) -> QuerySet[DutyRequest]:
    """The pending requests of the user's organisation (those she may decide are marked by may_decide)."""
    if not may_see_requests(user) or user.organisation_id is None:
        return DutyRequest.objects.none()
    organisation_id: int = user.organisation_id
    return DutyRequest.objects.filter(organisation_id=organisation_id, state=DutyState.PENDING).select_related(
        "member", "requested_by"
    )


def approve(duty: DutyRequest, *, actor: User, request: HttpRequest | None = None) -> None:
    """Approve a pending request and apply it."""
    with transaction.atomic():
        duty = _lock_pending(duty, actor)
        if duty.kind == DutyKind.GRANT_ROLES:
            for role in duty.roles:
                RoleAssignment.objects.get_or_create(user=duty.member, role=role)
            record_security_event(
                EventKind.ROLE_GRANTED, actor=actor, subject=duty.member, request=request, detail={"roles": duty.roles}
            )
        else:
            TOTPDevice.objects.filter(user=duty.member).delete()
            StaticDevice.objects.filter(user=duty.member).delete()
            record_security_event(EventKind.SECOND_FACTOR_RESET, actor=actor, subject=duty.member, request=request)
        _decide(duty, DutyState.APPROVED, actor, request)


def refuse(duty: DutyRequest, *, actor: User, request: HttpRequest | None = None) -> None:
    """Refuse a pending request: nothing changes."""
    with transaction.atomic():
        duty = _lock_pending(duty, actor)
        _decide(duty, DutyState.REFUSED, actor, request)


def _lock_pending(duty: DutyRequest, actor: User) -> DutyRequest:
    locked = DutyRequest.objects.select_for_update().select_related("member").get(pk=duty.pk)
    if locked.state != DutyState.PENDING:
        raise RefusedChange(_("That request was already decided."))
    if not may_decide(actor, locked):
        raise RefusedChange(
            _("A request is decided by a coordinator or another administrator, never by who asked or by its subject.")
        )
    return locked


def _decide(duty: DutyRequest, state: str, actor: User, request: HttpRequest | None) -> None:
    duty.state = state
    duty.decided_by = actor
    duty.decided_at = timezone.now()
    duty.save(update_fields=["state", "decided_by", "decided_at"])
    _audit(duty, actor, state, request)
    _notify(duty, state)


def _audit(duty: DutyRequest, actor: User, step: str, request: HttpRequest | None) -> None:
    audit_record(
        actor,
        AuditAction.SECURITY,
        duty,
        request=request,
        organisation_id=duty.organisation_id,
        detail={
            "access_request": duty.kind,
            "step": step,
            "member": duty.member.username,
            "roles": list(duty.roles),
            "requested_by": duty.requested_by.username,
        },
    )


def _notify(duty: DutyRequest, step: str) -> None:
    """E-mail the member and the organisation's coordinators (each in her language; no case data)."""
    coordinators = User.objects.filter(
        organisation_id=duty.organisation_id, is_active=True, role_assignments__role=Role.COORDINATOR
    ).distinct()
    recipients = {user.pk: user for user in [duty.member, *coordinators] if user.email}
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:requests")
    for user in recipients.values():
        with translation.override(user.language):
            subject, body = _message(duty, step, link)
        queue_email(user.email, subject, body, key=f"access-request:{duty.pk}:{step}:{user.pk}")


def _message(duty: DutyRequest, step: str, link: str) -> tuple[str, str]:
    if duty.kind == DutyKind.GRANT_ROLES:
        labels = ", ".join(str(Role(role).label) for role in duty.roles)
        change = _("grant the roles %(roles)s to %(member)s") % {"roles": labels, "member": duty.member.username}
    else:
        change = _("reset the two-step verification of %(member)s") % {"member": duty.member.username}
    steps = {
        "asked": _(
            "%(who)s asked to %(change)s. It takes effect only when a coordinator or another administrator approves it."
        )
        % {"who": duty.requested_by.username, "change": change},
        DutyState.APPROVED: _("%(who)s approved the request to %(change)s; it is in effect.")
        % {"who": getattr(duty.decided_by, "username", ""), "change": change},
        DutyState.REFUSED: _("%(who)s refused the request to %(change)s; nothing changed.")
        % {"who": getattr(duty.decided_by, "username", ""), "change": change},
    }
    subject = _("Access request for %(member)s") % {"member": duty.member.username}
    body = "\n\n".join(
        [
            steps[step],
            _("If you did not expect this, tell your organisation's coordinator at once."),
            _("Pending requests: %(link)s") % {"link": link},
        ]
    )
    return subject, body
