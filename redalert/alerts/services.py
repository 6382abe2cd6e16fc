"""The alerts' directory of authorities: saving an authority or a contact from a form, with its audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User
    from redalert.alerts.models import Authority, AuthorityContact


def save_authority(authority: Authority, *, actor: User, request: HttpRequest | None = None) -> Authority:
    """Save an authority of the directory and audit its creation or change."""
    creating = authority.pk is None
    with transaction.atomic():
        authority.save()
        audit_record(actor, AuditAction.CREATE if creating else AuditAction.CHANGE, authority, request=request)
    return authority


def save_contact(
    contact: AuthorityContact, *, authority: Authority, actor: User, request: HttpRequest | None = None
) -> AuthorityContact:
    """Save a contact of the authority and audit its creation or change."""
    creating = contact.pk is None
    contact.authority = authority
    with transaction.atomic():
        contact.save()
        audit_record(actor, AuditAction.CREATE if creating else AuditAction.CHANGE, contact, request=request)
    return contact
