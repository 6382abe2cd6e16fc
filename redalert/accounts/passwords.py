"""Passwords: temporary ones expire and must be changed at the first sign-in; every member changes her own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest


def temporary_password_expired(user: Any) -> bool:
    """A temporary password past its expiry no longer opens the account."""
    expires = getattr(user, "temporary_password_expires_at", None)
    return bool(getattr(user, "password_is_temporary", False) and expires is not None and expires <= timezone.now())


def must_change_password(user: Any) -> bool:
    return bool(getattr(user, "password_is_temporary", False))


def change_password(user: User, new_password: str, *, request: HttpRequest | None = None) -> None:
    """Set her new password (validated by the form), end the temporary state, keep this session signed in.

    Her other sessions end: Django's session hash changes with the password."""
    with transaction.atomic():
        user.set_password(new_password)
        user.password_is_temporary = False
        user.temporary_password_expires_at = None
        user.save(update_fields=["password", "password_is_temporary", "temporary_password_expires_at"])
        audit_record(user, AuditAction.SECURITY, user, request=request, detail={"password": "changed"})
    if request is not None:
        update_session_auth_hash(request, user)
