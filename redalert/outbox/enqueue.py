"""Queueing messages: written inside the caller's transaction, so they commit or roll back with the change.

Each message has an idempotency key (the same key twice queues one message) and a Message-ID fixed at creation, so
that receivers can deduplicate the at-least-once sends. Attachments are stored once per content (Blob). With
OUTBOX_USE_CELERY, a transaction that queued messages asks Celery, once, on commit, to drain the outbox.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from redalert.outbox.conf import setting
from redalert.outbox.models import Attachment, Blob, Channel, OutboundMessage
from redalert.outbox.tasks import deliver_outbox

log = logging.getLogger(__name__)

# (filename, content, MIME type); the content may be a Blob already stored (one row for many messages).
AttachmentData = tuple[str, "bytes | Blob", str]


def _mail_domain() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host or host.replace(".", "").isdigit():
        host = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    return host


def new_message_id(key: str) -> str:
    """A Message-ID header that carries the idempotency key (made safe for a header)."""
    safe = re.sub(r"[^A-Za-z0-9.-]+", ".", key).strip(".")[:100] or "message"
    return make_msgid(idstring=safe, domain=_mail_domain())


def store_blob(content: bytes) -> Blob:
    """Store attachment content once (by SHA-256) and return its row."""
    digest = hashlib.sha256(content).hexdigest()
    blob = Blob.objects.filter(sha256=digest).only("pk", "sha256", "size").first()
    if blob is not None:
        return blob
    try:
        with transaction.atomic():
            return Blob.objects.create(sha256=digest, content=content, size=len(content))
    except IntegrityError:
        return Blob.objects.only("pk", "sha256", "size").get(sha256=digest)


def _check_webhook(url: str, secret: str) -> None:
    """A webhook goes to an http(s) URL and is signed with a shared secret."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"A webhook URL must be http(s), not {url!r}")
    if not secret:
        raise ValueError("A webhook needs a shared secret to sign its body.")


def _enqueue(
    *,
    channel: str,
    to: str,
    subject: str,
    body: str,
    key: str,
    secret: str = "",
    gate: str = "",
    attachments: Sequence[AttachmentData] = (),
) -> OutboundMessage:
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                channel=channel,
                to=to,
                subject=subject[:300],
                body=body,
                idempotency_key=key,
                message_id=new_message_id(key),
                secret=secret,
                gate=gate,
            )
            for position, (filename, content, mime_type) in enumerate(attachments):
                blob = content if isinstance(content, Blob) else store_blob(content)
                Attachment.objects.create(
                    message=message, position=position, filename=filename, mime_type=mime_type, blob=blob
                )
    except IntegrityError:
        return OutboundMessage.objects.get(idempotency_key=key)
    if setting("OUTBOX_USE_CELERY"):
        _kick_celery_on_commit()
    return message


@dataclass(frozen=True)
class MessageSpec:
    """One message for enqueue_many (the same fields as enqueue_email / enqueue_webhook)."""

    channel: str
    to: str
    subject: str
    body: str
    key: str
    secret: str = ""
    gate: str = ""
    attachments: Sequence[AttachmentData] = ()


def enqueue_many(specs: Sequence[MessageSpec]) -> list[OutboundMessage]:
    """Queue many messages with a few bulk inserts, in the caller's transaction (same rules per key as
    enqueue_email: a key already queued returns the existing message). Returned in the order of `specs`."""
    for spec in specs:
        if spec.channel == Channel.WEBHOOK:
            _check_webhook(spec.to, spec.secret)
    keys = [spec.key for spec in specs]
    if len(set(keys)) != len(keys):
        raise ValueError("Two messages of one batch have the same idempotency key.")
    existing = {m.idempotency_key: m for m in OutboundMessage.objects.filter(idempotency_key__in=keys)}
    new = [spec for spec in specs if spec.key not in existing]
    try:
        with transaction.atomic():
            created = OutboundMessage.objects.bulk_create(
                [
                    OutboundMessage(
                        channel=spec.channel,
                        to=spec.to,
                        subject=spec.subject[:300],
                        body=spec.body,
                        idempotency_key=spec.key,
                        message_id=new_message_id(spec.key),
                        secret=spec.secret,
                        gate=spec.gate,
                    )
                    for spec in new
                ],
                batch_size=500,
            )
            if any(m.pk is None for m in created):  # a backend that does not return ids from bulk inserts
                by_key = OutboundMessage.objects.in_bulk([s.key for s in new], field_name="idempotency_key")
                created = [by_key[s.key] for s in new]
            blobs: dict[int, Blob] = {}
            attachments = []
            for spec, message in zip(new, created, strict=True):
                for position, (filename, content, mime_type) in enumerate(spec.attachments):
                    if isinstance(content, Blob):
                        blob = content
                    else:
                        if id(content) not in blobs:
                            blobs[id(content)] = store_blob(content)
                        blob = blobs[id(content)]
                    attachments.append(
                        Attachment(
                            message=message, position=position, filename=filename, mime_type=mime_type, blob=blob
                        )
                    )
            Attachment.objects.bulk_create(attachments, batch_size=1000)
    except IntegrityError:  # a key queued by someone else meanwhile: fall back to one by one
        return [
            _enqueue(
                channel=s.channel,
                to=s.to,
                subject=s.subject,
                body=s.body,
                key=s.key,
                secret=s.secret,
                gate=s.gate,
                attachments=s.attachments,
            )
            for s in specs
        ]
    existing.update({m.idempotency_key: m for m in created})
    if new and setting("OUTBOX_USE_CELERY"):
        _kick_celery_on_commit()
    return [existing[key] for key in keys]


def enqueue_email(
    to: str,
    subject: str,
    body: str,
    *,
    key: str,
    attachments: Sequence[AttachmentData] = (),
    gate: str = "",
) -> OutboundMessage:
    """Queue an email; call it inside the transaction of the change that causes it (it commits or rolls back
    with it). The same key twice queues one message (the first one is returned)."""
    return _enqueue(
        channel=Channel.EMAIL, to=to, subject=subject, body=body, key=key, gate=gate, attachments=attachments
    )


def enqueue_webhook(
    url: str,
    payload: Mapping[str, Any],
    *,
    key: str,
    secret: str,
    attachments: Sequence[AttachmentData] = (),
    gate: str = "",
    subject: str = "",
) -> OutboundMessage:
    """Queue a signed JSON POST to `url` (same transaction and key rules as enqueue_email).

    The body sent is `payload` plus "attachments" (filename, mime_type, sha256, content_base64), serialised the
    same way on every attempt, so the signature and the Idempotency-Key header are stable across retries.
    """
    _check_webhook(url, secret)
    return _enqueue(
        channel=Channel.WEBHOOK,
        to=url,
        subject=subject,
        body=json.dumps(dict(payload), sort_keys=True, ensure_ascii=False),
        key=key,
        secret=secret,
        gate=gate,
        attachments=attachments,
    )


def _kick_celery_on_commit() -> None:
    """One kick per transaction, however many messages it queues."""
    if connection.in_atomic_block and any(item[1] is _kick_celery for item in connection.run_on_commit):
        return
    transaction.on_commit(_kick_celery, robust=True)


def _kick_celery() -> None:
    """Ask a Celery worker to drain the outbox now; if the broker is down, the beat schedule or run_worker will."""
    try:
        # Several tasks, so that as many Celery processes claim rows side by side (each chains itself on).
        for _n in range(max(1, setting("OUTBOX_CELERY_FANOUT"))):
            deliver_outbox.delay()
    except Exception:  # the message is stored; a broker outage only delays it
        log.warning("Could not reach the Celery broker; the outbox will be drained later.", exc_info=True)


def enqueue_provider_message(spec: Mapping[str, Any], *, key: str, label: str) -> OutboundMessage:
    """Queue an SMS/WhatsApp message (redalert.outbox.channels.messaging): `spec` holds the provider, API address,
    credentials, recipient and text, and is stored encrypted; `label` (no number) is what the outbox shows as `to`."""
    return _enqueue(
        channel=Channel.MESSAGING, to=label, subject="", body="", key=key, secret=json.dumps(dict(spec), sort_keys=True)
    )


def enqueue_inbound_media(spec: Mapping[str, Any], *, key: str, label: str) -> OutboundMessage:
    """Queue the download of a received photo or voice note from its provider (the conversations app registers the
    channel's function): `spec` (where it is, the credentials) is stored encrypted; retried with back-off."""
    return _enqueue(
        channel=Channel.INBOUND_MEDIA,
        to=label,
        subject="",
        body="",
        key=key,
        secret=json.dumps(dict(spec), sort_keys=True),
    )
