"""The inbox's part of erasure and retention, registered with redalert.retention.registry (ConversationsConfig.ready).

Rules, in one sentence each:
- Erasing a case anonymises every conversation that became something of the case: a tip, the case itself, a
  further report, or a hotline contact now linked to the case.
- A conversation linked to no case (directly, or through its hotline contact) is anonymised once its last message
  is older than the organisation's `unlinked_contact_days`.

Anonymising a conversation blanks the sender's number or address, her name and the keyed hash that finds her again
(so that a later message from her starts a new conversation), every message's body and subject, and the provider's
message id of what she sent (a WhatsApp id carries her number); it deletes the media rows with their files, and
blanks the outbox rows of the replies (the recipient, the text, the encrypted SMS/WhatsApp payload, the errors),
withholding those not sent yet. An open conversation is closed. What stays: the channel, the account, the language,
the dates, the number of messages in and out, the status and what the conversation became.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from redalert.conversations.models import Conversation, ConversationStatus, Direction, Media, Message
from redalert.hotline.models import Contact
from redalert.outbox.models import Channel, DeliveryAttempt, OutboundMessage, Status
from redalert.retention.registry import Erased, register_case_eraser, register_expiry, stored_files

ERASED_ID_PREFIX = "erased:"
UNSENT = [Status.PENDING, Status.SENDING]  # a worker's conditional finish on SENDING does not undo the withholding


def anonymise(conversations: QuerySet[Conversation]) -> Erased:
    """Anonymise the conversations; the count is of those that still held anything personal."""
    ids = list(conversations.values_list("pk", flat=True))
    if not ids:
        return Erased()
    messages = Message.objects.filter(conversation_id__in=ids)
    media = Media.objects.filter(message__conversation_id__in=ids)
    holding = set(
        Conversation.objects.filter(pk__in=ids)
        .exclude(sender="", sender_name="", sender_key="")
        .values_list("pk", flat=True)
    )
    holding |= set(messages.exclude(body="", subject="").values_list("conversation_id", flat=True))
    holding |= set(
        messages.filter(direction=Direction.IN)
        .exclude(provider_id__startswith=ERASED_ID_PREFIX)
        .values_list("conversation_id", flat=True)
    )
    holding |= set(media.values_list("message__conversation_id", flat=True))

    files = stored_files(media, "file")
    pending_downloads = [f"conversations:media:{pk}" for pk in media.values_list("pk", flat=True)]
    OutboundMessage.objects.filter(
        channel=Channel.INBOUND_MEDIA, idempotency_key__in=pending_downloads, status__in=UNSENT
    ).update(status=Status.WITHHELD, claimed_at=None)
    media.delete()

    replies = OutboundMessage.objects.filter(pk__in=messages.exclude(outbound=None).values("outbound_id"))
    replies.filter(status__in=UNSENT).update(status=Status.WITHHELD, claimed_at=None)
    replies.filter(channel=Channel.EMAIL).update(to="")
    replies.update(body="", secret="", last_error="")
    DeliveryAttempt.objects.filter(message__in=replies).update(error="")

    messages.update(body="", subject="")
    messages.filter(direction=Direction.IN).exclude(provider_id__startswith=ERASED_ID_PREFIX).update(
        provider_id=Concat(Value(ERASED_ID_PREFIX), Cast("pk", output_field=CharField()))
    )
    # Closed first: one open conversation per account, channel and sender key, and the blank key is shared.
    Conversation.objects.filter(pk__in=ids, status=ConversationStatus.OPEN).update(status=ConversationStatus.CLOSED)
    Conversation.objects.filter(pk__in=ids).update(sender="", sender_name="", sender_key="")
    return Erased(len(holding), files)


def of_case(case: Any) -> QuerySet[Conversation]:
    """The conversations that became something of the case, directly or through a hotline contact of the case."""
    contacts = Contact.objects.filter(case=case)
    return Conversation.objects.filter(
        Q(case=case)
        | Q(tip__case=case)
        | Q(additional_report__case=case)
        | Q(hotline_contact_id__in=contacts.values("pk"))
        | Q(pk__in=contacts.filter(conversation_id__isnull=False).values("conversation_id"))
    )


def erase_for_case(case: Any) -> Erased:
    return anonymise(of_case(case))


def expired_unlinked(organisation: Any, cutoff: datetime) -> QuerySet[Conversation]:
    """The organisation's conversations linked to no case whose last message is older than `cutoff`."""
    linked_contacts = Contact.objects.filter(case__isnull=False)
    return Conversation.objects.filter(
        organisation=organisation,
        case__isnull=True,
        tip__isnull=True,
        additional_report__isnull=True,
        last_message_at__lt=cutoff,
    ).exclude(
        Q(hotline_contact_id__in=linked_contacts.values("pk"))
        | Q(pk__in=linked_contacts.filter(conversation_id__isnull=False).values("conversation_id"))
    )


def expire_unlinked(organisation: Any, cutoff: datetime) -> Erased:
    return anonymise(expired_unlinked(organisation, cutoff))


def register() -> None:
    register_case_eraser("conversations", erase_for_case)
    register_expiry("conversations_anonymised", "unlinked_contact_days", expire_unlinked)
