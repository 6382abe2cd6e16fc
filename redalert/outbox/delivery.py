"""The outbox: enqueue inside the caller's transaction; workers claim due rows one by one and send them.

Claim-and-send (as Healthchecks' sendalerts): a worker claims a row with
`UPDATE … SET status='sending' WHERE id=X AND status='pending' AND next_attempt_at<=now`; only the worker whose
update touched the row sends it. No lock is held while sending, so any number of workers (the `run_worker`
command, Celery tasks) can run at once. A row left in 'sending' by a crashed worker is put back after
OUTBOX_STUCK_SECONDS. Sends are at least once; the Message-ID fixed at creation lets receivers deduplicate.

Channels: email (Django's SMTP backend; one connection is reused through a round of deliver_due) and webhook
(an HTTP POST of a JSON object signed with HMAC-SHA256 over the exact body, header X-RedAlert-Signature
"sha256=<hex>", with an Idempotency-Key header equal to the message's idempotency key; 2xx is delivered, anything
else or a timeout is a failed attempt). Attachments are stored once per content (Blob) and attached at send time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from redalert.outbox import gates
from redalert.outbox.models import Attachment, Blob, Channel, DeliveryAttempt, OutboundMessage, Outcome, Status

log = logging.getLogger(__name__)

DEFAULTS = {
    "OUTBOX_MAX_ATTEMPTS": 6,
    "OUTBOX_RETRY_BASE_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    "OUTBOX_STUCK_SECONDS": 300,
    "OUTBOX_USE_CELERY": False,
    "OUTBOX_SEND_TIMEOUT_SECONDS": 30,
    "OUTBOX_WEBHOOK_TIMEOUT_SECONDS": 10,
    "OUTBOX_CELERY_FANOUT": 4,
}

SIGNATURE_HEADER = "X-RedAlert-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MESSAGE_ID_HEADER = "X-RedAlert-Message-Id"
# (filename, content, MIME type); the content may be a Blob already stored (one row for many messages).
AttachmentData = tuple[str, "bytes | Blob", str]


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


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
            if urlsplit(spec.to).scheme not in ("http", "https"):
                raise ValueError(f"A webhook URL must be http(s), not {spec.to!r}")
            if not spec.secret:
                raise ValueError("A webhook needs a shared secret to sign its body.")
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
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"A webhook URL must be http(s), not {url!r}")
    if not secret:
        raise ValueError("A webhook needs a shared secret to sign its body.")
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
        from redalert.outbox.tasks import deliver_outbox

        # Several tasks, so that as many Celery processes claim rows side by side (each chains itself on).
        for _n in range(max(1, setting("OUTBOX_CELERY_FANOUT"))):
            deliver_outbox.delay()
    except Exception:  # the message is stored; a broker outage only delays it
        log.warning("Could not reach the Celery broker; the outbox will be drained later.", exc_info=True)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base… capped."""
    base = setting("OUTBOX_RETRY_BASE_SECONDS")
    seconds = min(base * 2 ** max(attempts - 1, 0), setting("OUTBOX_RETRY_MAX_SECONDS"))
    return timedelta(seconds=seconds)


def claim(message_id: int, known: OutboundMessage | None = None) -> OutboundMessage | None:
    """Claim one due row for this worker; None if another worker got it first or it is not due.

    With `known` (the row as this worker just read it), the claim also requires the row's attempts to be unchanged
    and returns `known` updated in place, saving a read."""
    now = timezone.now()
    due = OutboundMessage.objects.filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=now)
    if known is not None:
        due = due.filter(attempts=known.attempts)
    touched = due.update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if touched != 1:
        return None
    if known is None:
        return OutboundMessage.objects.get(pk=message_id)
    known.status, known.claimed_at, known.attempts = Status.SENDING, now, known.attempts + 1
    return known


def _finish(message: OutboundMessage, **values: object) -> bool:
    """Write the outcome only if the row is still ours (not reclaimed in the meantime)."""
    return bool(
        OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at).update(
            **values
        )
    )


# Attachment content by SHA-256 (content-addressed, so never stale): a round sends one bulletin to many recipients.
_BLOB_CACHE: OrderedDict[str, bytes] = OrderedDict()
_BLOB_CACHE_SIZE = 16


def _blob_content(blob_id: int, sha256: str) -> bytes:
    content = _BLOB_CACHE.get(sha256)
    if content is None:
        content = bytes(Blob.objects.values_list("content", flat=True).get(pk=blob_id))
        _BLOB_CACHE[sha256] = content
        while len(_BLOB_CACHE) > _BLOB_CACHE_SIZE:
            _BLOB_CACHE.popitem(last=False)
    else:
        _BLOB_CACHE.move_to_end(sha256)
    return content


_MIME_CACHE: OrderedDict[tuple[str, str, str], MIMEBase] = OrderedDict()


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
        while len(_MIME_CACHE) > _BLOB_CACHE_SIZE:
            _MIME_CACHE.popitem(last=False)
    else:
        _MIME_CACHE.move_to_end(key)
    return part


AttachmentRow = tuple[str, int, str, str]  # filename, blob id, sha256, MIME type


def _attachment_rows(message: OutboundMessage) -> list[AttachmentRow]:
    cached: list[AttachmentRow] | None = message.__dict__.get("_attachment_rows")
    if cached is not None:
        return cached
    return list(
        Attachment.objects.filter(message_id=message.pk).values_list("filename", "blob_id", "blob__sha256", "mime_type")
    )


def _prefetch_attachments(messages: Sequence[OutboundMessage]) -> None:
    """Read the attachment rows of a batch in one query."""
    rows: dict[int, list[AttachmentRow]] = {m.pk: [] for m in messages}
    found = Attachment.objects.filter(message_id__in=list(rows)).values_list(
        "message_id", "filename", "blob_id", "blob__sha256", "mime_type"
    )
    for message_id, filename, blob_id, sha256, mime_type in found.order_by("position", "id"):
        rows[message_id].append((filename, blob_id, sha256, mime_type))
    for message in messages:
        message.__dict__["_attachment_rows"] = rows[message.pk]


def attachments_of(message: OutboundMessage) -> list[tuple[str, bytes, str]]:
    rows = _attachment_rows(message)
    return [(filename, _blob_content(blob_id, sha), mime_type) for filename, blob_id, sha, mime_type in rows]


def sign(body: bytes, secret: str) -> str:
    """The signature header value: "sha256=" + hex HMAC-SHA256 of the body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_body(message: OutboundMessage) -> bytes:
    """The exact bytes POSTed (the same on every attempt)."""
    payload = json.loads(message.body or "{}")
    files = attachments_of(message)
    if files:
        payload["attachments"] = [
            {
                "filename": filename,
                "mime_type": mime_type,
                "sha256": hashlib.sha256(content).hexdigest(),
                "content_base64": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, mime_type in files
        ]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class WebhookError(RuntimeError):
    pass


class Transports:
    """Connections kept open through one round of deliveries (one SMTP session for many emails)."""

    def __init__(self) -> None:
        self._email: Any = None

    def email(self) -> Any:
        if self._email is None:
            self._email = get_connection(timeout=setting("OUTBOX_SEND_TIMEOUT_SECONDS"))
            self._email.open()
        return self._email

    def drop_email(self) -> None:
        if self._email is not None:
            try:
                self._email.close()
            except Exception:  # closing a broken connection
                log.debug("Closing the SMTP connection failed", exc_info=True)
            self._email = None

    def close(self) -> None:
        self.drop_email()


def _send_email(message: OutboundMessage, transports: Transports) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    for filename, blob_id, sha256, mime_type in _attachment_rows(message):
        email.attach(_mime_part(filename, sha256, mime_type, _blob_content(blob_id, sha256)))
    try:
        sent = transports.email().send_messages([email])
    except Exception:
        transports.drop_email()  # the session may be in any state: start a new one for the next message
        raise
    if sent != 1:
        transports.drop_email()
        raise RuntimeError("The mail backend did not accept the message.")


def _send_webhook(message: OutboundMessage) -> None:
    parts = urlsplit(message.to)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"Not an http(s) URL: {message.to!r}")
    body = webhook_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RedAlert-Outbox/1",
        SIGNATURE_HEADER: sign(body, message.secret),
        IDEMPOTENCY_HEADER: message.idempotency_key,
        MESSAGE_ID_HEADER: message.message_id,
    }
    timeout = setting("OUTBOX_WEBHOOK_TIMEOUT_SECONDS")
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise WebhookError(f"The endpoint answered HTTP {response.status} {response.reason}".strip())


def send(message: OutboundMessage, transports: Transports | None = None) -> None:
    """Hand one message to its transport; raises on failure."""
    if message.channel == Channel.EMAIL:
        own = transports is None
        transports = transports or Transports()
        try:
            _send_email(message, transports)
        finally:
            if own:
                transports.close()
    elif message.channel == Channel.WEBHOOK:
        _send_webhook(message)
    else:
        raise ValueError(f"No transport for channel {message.channel!r}.")


def deliver(message: OutboundMessage, transports: Transports | None = None) -> bool:
    """Send a claimed message, record the attempt, and mark it sent, scheduled for retry, failed or withheld."""
    try:
        reason = gates.refusal(message.gate)
        if reason:
            now = timezone.now()
            with transaction.atomic():
                _finish(message, status=Status.WITHHELD, last_error=reason[:2000], claimed_at=None)
                DeliveryAttempt.objects.create(message=message, at=now, outcome=Outcome.WITHHELD, error=reason[:2000])
            log.info("Outbox message %s withheld: %s", message.pk, reason)
            return False
        send(message, transports)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        now = timezone.now()
        if message.attempts >= setting("OUTBOX_MAX_ATTEMPTS"):
            outcome = Outcome.FAILED
            _finish(message, status=Status.FAILED, last_error=error, claimed_at=None)
        else:
            outcome = Outcome.RETRY
            _finish(
                message,
                status=Status.PENDING,
                last_error=error,
                claimed_at=None,
                next_attempt_at=now + retry_delay(message.attempts),
            )
        DeliveryAttempt.objects.create(message=message, at=now, outcome=outcome, error=error)
        log.warning("Outbox message %s: attempt %s failed: %s", message.pk, message.attempts, error)
        return False
    now = timezone.now()
    with transaction.atomic():  # one commit for the outcome and its log line
        _finish(message, status=Status.SENT, sent_at=now, last_error="", claimed_at=None)
        DeliveryAttempt.objects.create(message=message, at=now, outcome=Outcome.SENT)
    return True


def reclaim_stuck() -> int:
    """Put back rows left in 'sending' longer than OUTBOX_STUCK_SECONDS (a worker died mid-send)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=setting("OUTBOX_STUCK_SECONDS"))
    reclaimed = 0
    stuck = OutboundMessage.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    for message in stuck.only("pk", "attempts", "claimed_at")[:1000]:
        gave_up = message.attempts >= setting("OUTBOX_MAX_ATTEMPTS")
        claimed = message.claimed_at.isoformat() if message.claimed_at else "?"
        error = f"The worker stopped while sending (claimed at {claimed})."
        touched = OutboundMessage.objects.filter(
            pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
        ).update(
            status=Status.FAILED if gave_up else Status.PENDING,
            claimed_at=None,
            next_attempt_at=now,
            last_error=error,
        )
        if touched:
            DeliveryAttempt.objects.create(
                message=message, at=now, outcome=Outcome.FAILED if gave_up else Outcome.ABANDONED, error=error
            )
            reclaimed += 1
    return reclaimed


def deliver_due(limit: int = 100) -> int:
    """Claim and send up to `limit` due messages, one by one; return how many this worker attempted."""
    reclaim_stuck()
    attempted = 0
    seen: set[int] = set()
    transports = Transports()
    try:
        while attempted < limit:
            due = list(
                OutboundMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
                .exclude(pk__in=seen)
                .order_by("next_attempt_at", "id")[: min(50, limit - attempted)]
            )
            if not due:
                break
            _prefetch_attachments(due)
            for row in due:
                seen.add(row.pk)
                message = claim(row.pk, known=row)
                if message is None:
                    continue  # another worker has it
                deliver(message, transports)
                attempted += 1
                if attempted >= limit:
                    break
    finally:
        transports.close()
    return attempted
