"""Sending an email: Django's SMTP backend, one session reused through a round (Transports), attachments as MIME
parts built once per content and name."""

from __future__ import annotations

from collections import OrderedDict
from email import encoders
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from redalert.outbox.attachments import attachment_rows, blob_content
from redalert.outbox.channels import Transports
from redalert.outbox.conf import setting
from redalert.outbox.models import Channel, OutboundMessage

_MIME_CACHE: OrderedDict[tuple[str, str, str], MIMEBase] = OrderedDict()
_MIME_CACHE_SIZE = 16


def _mime_part(filename: str, sha256: str, mime_type: str, content: bytes) -> MIMEBase:
    """The encoded MIME part of an attachment, built once per content and name (base64 is the costly part)."""
    key = (sha256, filename, mime_type)
    part = _MIME_CACHE.get(key)
    if part is None:
        maintype, _slash, subtype = mime_type.partition("/")
        part = MIMEBase(maintype or "application", subtype or "octet-stream")
        part.set_payload(content)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=filename)
        _MIME_CACHE[key] = part
        while len(_MIME_CACHE) > _MIME_CACHE_SIZE:
            _MIME_CACHE.popitem(last=False)
    else:
        _MIME_CACHE.move_to_end(key)
    return part


def _smtp() -> Any:
    connection = get_connection(timeout=setting("OUTBOX_SEND_TIMEOUT_SECONDS"))
    connection.open()
    return connection


def send_email(message: OutboundMessage, transports: Transports) -> None:
    """Send one email through the round's SMTP session; raises if the server did not accept it."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    for filename, blob_id, sha256, mime_type in attachment_rows(message):
        email.attach(_mime_part(filename, sha256, mime_type, blob_content(blob_id, sha256)))
    try:
        sent = transports.get(Channel.EMAIL, _smtp).send_messages([email])
    except Exception:
        transports.drop(Channel.EMAIL)  # the session may be in any state: start a new one for the next message
        raise
    if sent != 1:
        transports.drop(Channel.EMAIL)
        raise RuntimeError("The mail backend did not accept the message.")
