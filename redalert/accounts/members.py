"""Managing the members of an organisation: the administrator's work, as plain functions."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.accounts.duties import RefusedChange, ask_role_grant, ask_second_factor_reset
from redalert.accounts.models import DutyRequest, Organisation, User
from redalert.accounts.roles import COALITION_ROLES, GUARDED_ROLES
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest


def temporary_password() -> str:
    """A readable temporary password, handed over in person by the administrator."""
    return "-".join(secrets.token_hex(3) for _i in range(4))


def temporary_password_hours() -> int:
    return int(getattr(settings, "TEMPORARY_PASSWORD_HOURS", 72))


def _set_temporary_password(member: User, password: str) -> None:
    """The password works until it expires, and only to reach the page where she chooses her own."""
    member.set_password(password)
    member.password_is_temporary = True
    member.temporary_password_expires_at = timezone.now() + timedelta(hours=temporary_password_hours())


def add_member(
    organisation: Organisation,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: list[str],
    language: str,
    actor: User | str,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create a member with a temporary password; she sets up her second factor at first login.

    An administrator's grant of roles that open case files becomes a pending request (accounts.duties); the setup
    command (actor given as a string: the server's operator) grants them at once."""
    password = temporary_password()
    if set(roles) & COALITION_ROLES:
        raise RefusedChange(_("Coalition roles are granted by the server's operator, not from an organisation."))
    guarded = sorted(set(roles) & GUARDED_ROLES) if isinstance(actor, User) else []
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
        )
        _set_temporary_password(user, password)
        user.save()
        user.set_roles(set(roles) - set(guarded))
        audit_record(
            actor,
            AuditAction.SECURITY,
            user,
            request=request,
            organisation_id=organisation.pk,
            detail={"member_added": username, "roles": sorted(set(roles) - set(guarded))},
        )
        if guarded and isinstance(actor, User):
            ask_role_grant(user, guarded, actor=actor, request=request)
    return user, password


def change_roles(
    member: User, roles: list[str], *, actor: User, request: HttpRequest | None = None
) -> DutyRequest | None:
    """Change a member's roles. Removals and roles that open no case file apply at once; a grant of a role that
    opens case files (or administration) becomes a pending request, returned. Nobody changes her own roles."""
    if member.pk == actor.pk:
        raise RefusedChange(_("Nobody can change her own roles. Ask another administrator."))
    before = set(member.role_set)
    wanted = set(roles)
    if (wanted - before) & COALITION_ROLES or (before - wanted) & COALITION_ROLES:
        raise RefusedChange(_("Coalition roles are granted by the server's operator, not from an organisation."))
    guarded = (wanted - before) & GUARDED_ROLES
    now = wanted - guarded
    with transaction.atomic():
        if now != before:
            member.set_roles(now)
            audit_record(
                actor,
                AuditAction.SECURITY,
                member,
                request=request,
                detail={"member": member.username, "roles_from": sorted(before), "roles_to": sorted(now)},
            )
        if guarded:
            return ask_role_grant(member, guarded, actor=actor, request=request)
    return None


def set_active(member: User, active: bool, *, actor: User, request: HttpRequest | None = None) -> None:
    """Deactivate (or reactivate) a member; she is logged out at her next request. Nobody is ever deleted."""
    with transaction.atomic():
        member.is_active = active
        member.save(update_fields=["is_active"])
        audit_record(
            actor, AuditAction.SECURITY, member, request=request, detail={"member": member.username, "active": active}
        )


def reset_second_factor(member: User, *, actor: User, request: HttpRequest | None = None) -> DutyRequest:
    """Ask to remove a member's authenticator and backup codes (lost phone). It takes effect when a coordinator or
    another administrator approves it (accounts.duties); then she enrols again at her next login."""
    return ask_second_factor_reset(member, actor=actor, request=request)


def reset_password(member: User, *, actor: User, request: HttpRequest | None = None) -> str:
    """A new temporary password, shown once: it expires (TEMPORARY_PASSWORD_HOURS) and she must change it at her
    next sign-in, so the administrator who handed it over never knows her password (and her second factor still
    stands between the administrator and her account)."""
    if member.pk == actor.pk:
        raise RefusedChange(_("Change your own password on your account page."))
    password = temporary_password()
    with transaction.atomic():
        _set_temporary_password(member, password)
        member.save(update_fields=["password", "password_is_temporary", "temporary_password_expires_at"])
        audit_record(
            actor,
            AuditAction.SECURITY,
            member,
            request=request,
            detail={"member": member.username, "password": "reset"},
        )
    return password
