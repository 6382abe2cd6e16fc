"""Turning a conversation into a hotline contact, through the hotline desk's own action
(redalert.hotline.actions.open_contact, issue 18 part 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.conversations.converting import AlreadyConverted
from redalert.conversations.models import Conversation, ConversationStatus
from redalert.conversations.rules import check
from redalert.hotline.actions import open_contact as hotline_open_contact

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


def open_contact(conversation: Conversation, *, actor: User, request: HttpRequest | None = None) -> str:
    """Open a hotline contact for the conversation (channel sms, whatsapp or email); the contact's address."""
    organisation = actor.organisation
    if organisation is None:
        raise PermissionError
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        check(locked)
        if locked.status == ConversationStatus.CONVERTED:
            raise AlreadyConverted(_("This conversation was already turned into a record."))
        contact = hotline_open_contact(
            organisation,
            by=actor,
            channel=locked.medium,
            conversation_id=locked.pk,
            started_at=locked.started_at,
            request=request,
        )
        now = timezone.now()
        Conversation.objects.filter(pk=locked.pk).update(
            status=ConversationStatus.CONVERTED, hotline_contact_id=contact.pk, converted_by=actor, converted_at=now
        )
        audit_record(
            actor,
            AuditAction.CHANGE,
            locked,
            request=request,
            detail={"what": "conversation to hotline contact", "contact": contact.pk},
        )
    return reverse("hotline:contact", args=[contact.pk])
