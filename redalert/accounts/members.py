"""Managing the members of an organisation: the administrator's work, as plain functions."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts.models import Organisation, User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest


def temporary_password() -> str:
    """A readable temporary password, handed over in person by the administrator."""
    return "-".join(secrets.token_hex(3) for _ in range(4))


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
    """Create a member with a temporary password; she sets up her second factor at first login."""
    password = temporary_password()
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
        )
        user.set_roles(roles)
        audit_record(
            actor,
            AuditAction.SECURITY,
            user,
            request=request,
            organisation_id=organisation.pk,
            detail={"member_added": username, "roles": sorted(roles)},
        )
    return user, password


def change_roles(member: User, roles: list[str], *, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        before = sorted(member.role_set)
        member.set_roles(roles)
        audit_record(
            actor,
            AuditAction.SECURITY,
            member,
            request=request,
            detail={"member": member.username, "roles_from": before, "roles_to": sorted(roles)},
        )


def set_active(member: User, active: bool, *, actor: User, request: HttpRequest | None = None) -> None:
    """Deactivate (or reactivate) a member; she is logged out at her next request. Nobody is ever deleted."""
    with transaction.atomic():
        member.is_active = active
        member.save(update_fields=["is_active"])
        audit_record(
            actor, AuditAction.SECURITY, member, request=request, detail={"member": member.username, "active": active}
        )


def reset_second_factor(member: User, *, actor: User, request: HttpRequest | None = None) -> None:
    """Remove a member's authenticator and backup codes (lost phone): she enrols again at her next login."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=member).delete()
        StaticDevice.objects.filter(user=member).delete()
        audit_record(
            actor, AuditAction.SECURITY, member, request=request, detail={"member": member.username, "2fa": "reset"}
        )


def reset_password(member: User, *, actor: User, request: HttpRequest | None = None) -> str:
    password = temporary_password()
    with transaction.atomic():
        member.set_password(password)
        member.save(update_fields=["password"])
        audit_record(
            actor,
            AuditAction.SECURITY,
            member,
            request=request,
            detail={"member": member.username, "password": "reset"},
        )
    return password
