"""The inbound SMTP service of the tips addresses (aiosmtpd), run by the workers: `manage.py run_smtp_intake`.

Why SMTP rather than IMAP polling: the message is stored (or refused) while the sender's server waits, so a
refusal reaches her as a bounce, nothing is left in a mailbox of a third party, and there is no password of a
mailbox to keep. The domain's MX record points at the host that runs it (behind a relay that does TLS and spam
filtering if the organisation has one; docs/channels.md).

- RCPT TO: only an active e-mail account's tips address is accepted (550 for any other: no open relay).
- DATA: the message is parsed (email.policy.default), its text part is the message; every attachment is checked by
  its content (redalert.conversations.files), images re-encoded without metadata, refused ones kept as refusals;
  then it is stored as a conversation message through services.receive, once per Message-ID and tips address.
- Messages over CONVERSATIONS_SMTP_MAX_BYTES are refused by the server (552) before they are read whole.
"""

from __future__ import annotations

import hashlib
import logging
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.utils.html import strip_tags

from redalert.conversations.conf import setting
from redalert.conversations.files import FileRefused, check_file
from redalert.conversations.models import ChannelAccount, Medium, Provider
from redalert.conversations.services import Inbound, receive

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 10


def account_for(address: str) -> ChannelAccount | None:
    """The active e-mail account whose tips address this is (case-insensitive), or None."""
    close_old_connections()
    return ChannelAccount.objects.filter(
        provider=Provider.EMAIL, active=True, address__iexact=(address or "").strip()
    ).first()


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        return ""
    if part.get_content_type() == "text/html":
        content = strip_tags(content)
    return str(content).strip()[:20000]


def _sender(message: EmailMessage, mail_from: str) -> tuple[str, str]:
    name, address = parseaddr(str(message.get("From", "")))
    address = address or mail_from
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        address = mail_from
    return name[:200], (address or "").strip().lower()


def inbound_from(raw: bytes, mail_from: str) -> Inbound:
    """What one e-mail says, as an inbound message (attachments checked by content)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    name, sender = _sender(message, mail_from)
    message_id = str(message.get("Message-ID", "")).strip()
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    inbound = Inbound(
        provider_id=message_id[:200],
        medium=Medium.EMAIL,
        sender=sender,
        sender_name=name,
        subject=str(message.get("Subject", ""))[:300],
        body=_text_of(message),
    )
    for count, part in enumerate(message.iter_attachments()):
        if count >= MAX_ATTACHMENTS:
            inbound.refused_files.append("Too many attachments.")
            break
        try:
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                raise FileRefused("Unreadable attachment.")
            inbound.files.append(check_file(data))
        except FileRefused as exc:
            inbound.refused_files.append(str(exc))
    return inbound


def store_email(raw: bytes, mail_from: str, recipients: list[str]) -> int:
    """Store one e-mail for each tips address it was sent to; how many were new."""
    inbound = inbound_from(raw, mail_from)
    if not inbound.sender or "@" not in inbound.sender:
        raise ValueError("No sender address.")
    stored = 0
    for recipient in recipients:
        account = account_for(recipient)
        if account is not None:
            _message, created = receive(account, inbound)
            stored += int(created)
    return stored


class IntakeHandler:
    """aiosmtpd's handler: the database work runs in a thread (Django's ORM is synchronous)."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        account = await sync_to_async(account_for, thread_sensitive=False)(address)
        if account is None:
            return "550 5.1.1 No such tips address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(store_email, thread_sensitive=False)(raw, envelope.mail_from or "", envelope.rcpt_tos)
        except ValueError:
            return "550 5.6.0 The message could not be read"
        except Exception:
            log.exception("An inbound e-mail could not be stored")
            return "451 4.3.0 Please try again later"
        return "250 Message accepted"


def controller(host: str | None = None, port: int | None = None) -> Controller:
    """An aiosmtpd controller for the intake (not started)."""
    return Controller(
        IntakeHandler(),
        hostname=host or setting("CONVERSATIONS_SMTP_HOST"),
        port=int(port or setting("CONVERSATIONS_SMTP_PORT")),
        data_size_limit=int(setting("CONVERSATIONS_SMTP_MAX_BYTES")),
        decode_data=False,
    )
