"""What happens to a conversation: a message received (stored before anything is answered), the automatic first
reply, a reply from staff, and closing. Turning a conversation into a tip, a report or a hotline contact is in
`converting.py`.

Rules in one sentence each:
- An inbound message is stored in one transaction with its conversation, its media rows, the downloads of its media
  and the automatic first reply, or not at all.
- A provider's retry of the same message id finds the stored message and stores nothing more.
- A new conversation gets one automatic reply in the sender's language (es, pt, en) with the privacy notice.
- Replies leave through the outbox (channel "messaging" for SMS and WhatsApp, "email" for e-mail), with retries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.conversations.language import guess_language
from redalert.conversations.models import (
    ChannelAccount,
    Conversation,
    ConversationStatus,
    Direction,
    Media,
    MediaStatus,
    Medium,
    Message,
    Provider,
)
from redalert.conversations.rules import check
from redalert.conversations.senders import region_of, sender_key
from redalert.outbox.enqueue import enqueue_email, enqueue_inbound_media, enqueue_provider_message

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


@dataclass(frozen=True)
class RemoteMedia:
    """A file the provider keeps until the workers fetch it: a URL (Twilio) or a media id (WhatsApp Cloud)."""

    source: str
    declared_type: str = ""


@dataclass(frozen=True)
class CheckedFile:
    """A file that arrived inside the message (e-mail), already checked by content (redalert.conversations.files)."""

    data: bytes
    content_type: str
    extension: str
    sha256: str


@dataclass
class Inbound:
    provider_id: str
    medium: str
    sender: str  # E.164 number or e-mail address, normalised
    body: str = ""
    sender_name: str = ""
    subject: str = ""
    at: datetime | None = None
    remote_media: list[RemoteMedia] = field(default_factory=list)
    files: list[CheckedFile] = field(default_factory=list)
    refused_files: list[str] = field(default_factory=list)  # why each refused attachment was refused


def receive(account: ChannelAccount, inbound: Inbound) -> tuple[Message, bool]:
    """Store one inbound message (and its conversation, media and automatic reply); (message, created).

    The same provider id again returns the stored message and stores nothing (a provider's retry)."""
    existing = _stored(account, inbound.provider_id)
    if existing is not None:
        return existing, False
    key = sender_key(inbound.medium, inbound.sender)
    at = inbound.at or timezone.now()
    try:
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(account=account, medium=inbound.medium, sender_key=key, status=ConversationStatus.OPEN)
                .only("pk")
                .order_by()
                .first()
            )
            new = conversation is None
            if conversation is None:
                country = region_of(inbound.sender) if inbound.medium != Medium.EMAIL else ""
                conversation = Conversation.objects.create(
                    organisation_id=account.organisation_id,
                    account=account,
                    medium=inbound.medium,
                    sender_key=key,
                    sender=inbound.sender,
                    sender_name=inbound.sender_name[:200],
                    language=guess_language(f"{inbound.subject} {inbound.body}", country),
                    started_at=at,
                    last_message_at=at,
                )
            else:
                Conversation.objects.filter(pk=conversation.pk).update(last_message_at=max(at, timezone.now()))
            message = Message.objects.create(
                conversation=conversation,
                account=account,
                direction=Direction.IN,
                provider_id=inbound.provider_id[:200],
                body=inbound.body,
                subject=inbound.subject[:300],
                at=at,
            )
            _store_media(account, message, inbound)
            if new:
                send_first_reply(conversation)
    except IntegrityError:
        # Two deliveries of the same message at once: the other one stored it.
        existing = _stored(account, inbound.provider_id)
        if existing is None:
            raise
        return existing, False
    return message, True


def _stored(account: ChannelAccount, provider_id: str) -> Message | None:
    found = Message.objects.filter(account=account, direction=Direction.IN, provider_id=provider_id[:200])
    return found.only("pk", "conversation_id").order_by().first()


def _store_media(account: ChannelAccount, message: Message, inbound: Inbound) -> None:
    position = 0
    for remote in inbound.remote_media:
        media = Media.objects.create(
            message=message, position=position, source=remote.source, declared_type=remote.declared_type[:100]
        )
        spec = {"media": media.pk, "account": account.pk}
        enqueue_inbound_media(spec, key=f"conversations:media:{media.pk}", label=f"media {media.pk}")
        position += 1
    for checked in inbound.files:
        media = Media(
            message=message,
            position=position,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            status=MediaStatus.STORED,
        )
        media.file.save(f"{checked.sha256}.{checked.extension}", ContentFile(checked.data), save=False)
        media.save()
        position += 1
    for reason in inbound.refused_files:
        Media.objects.create(message=message, position=position, status=MediaStatus.REJECTED, refusal=reason[:200])
        position += 1


def first_reply_text(conversation: Conversation) -> str:
    """The automatic first reply in the sender's language: received, what happens next, the privacy notice."""
    with translation.override(conversation.language or "es"):
        return _(
            "We received your message. A person from our team will read it and answer you here. "
            "If someone is in immediate danger, call the emergency number now. "
            "Privacy: we keep what you send encrypted, only our team reads it, we never publish your number or "
            "address, and you may ask us to delete it at any time by replying DELETE."
        )


def send_first_reply(conversation: Conversation) -> Message:
    return queue_reply(conversation, first_reply_text(conversation), automatic=True)


def queue_reply(
    conversation: Conversation, text: str, *, automatic: bool = False, actor: User | None = None
) -> Message:
    """Write an outgoing message and queue it in the outbox (in the caller's transaction, or its own)."""
    account = conversation.account
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            account=account,
            direction=Direction.OUT,
            provider_id=f"out:{uuid.uuid4().hex}",
            body=text,
            automatic=automatic,
            sent_by=actor,
        )
        key = f"conversations:reply:{message.pk}"
        if conversation.medium == Medium.EMAIL:
            with translation.override(conversation.language or "es"):
                subject = _("Your message to %(organisation)s") % {"organisation": conversation.organisation.name}
            outbound = enqueue_email(conversation.sender, subject, text, key=key)
        else:
            outbound = enqueue_provider_message(
                _send_spec(account, conversation, text), key=key, label=f"conversation {conversation.pk}"
            )
        Message.objects.filter(pk=message.pk).update(outbound=outbound)
        message.outbound = outbound
    return message


def _send_spec(account: ChannelAccount, conversation: Conversation, text: str) -> dict[str, str]:
    if account.provider == Provider.TWILIO:
        prefix = "whatsapp:" if conversation.medium == Medium.WHATSAPP else ""
        return {
            "provider": "twilio",
            "base": account.api_base(),
            "account_sid": account.account_sid,
            "auth_token": account.auth_token,
            "from": prefix + account.sender_number,
            "to": prefix + conversation.sender,
            "text": text,
        }
    return {
        "provider": "whatsapp_cloud",
        "base": account.api_base(),
        "phone_number_id": account.phone_number_id,
        "access_token": account.access_token,
        "to": conversation.sender,
        "text": text,
    }


def reply(conversation: Conversation, text: str, *, actor: User, request: HttpRequest | None = None) -> Message:
    """A member's reply, queued in the outbox and audited; refused on an anonymised conversation (nobody to answer)."""
    with transaction.atomic():
        check(Conversation.objects.select_for_update().get(pk=conversation.pk))
        message = queue_reply(conversation, text, actor=actor)
        audit_record(actor, AuditAction.CREATE, message, request=request, detail={"what": "conversation reply"})
    return message


def close(conversation: Conversation, *, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.CLOSED)
        audit_record(actor, AuditAction.CHANGE, conversation, request=request, detail={"what": "conversation closed"})
    conversation.status = ConversationStatus.CLOSED
