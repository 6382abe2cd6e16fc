"""The outbox: enqueue inside the caller's transaction; workers claim due rows one by one and send them.

Claim-and-send (as Healthchecks' sendalerts): a worker claims a row with
`UPDATE … SET status='sending' WHERE id=X AND status='pending' AND next_attempt_at<=now`; only the worker whose
update touched the row sends it. No lock is held while sending, so any number of workers (the `run_worker`
command, Celery tasks) can run at once. A row left in 'sending' by a crashed worker is put back after
OUTBOX_STUCK_SECONDS. Sends are at least once; the Message-ID fixed at creation lets receivers deduplicate.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from redalert.outbox.models import Channel, DeliveryAttempt, OutboundMessage, Outcome, Status

log = logging.getLogger(__name__)

DEFAULTS = {
    "OUTBOX_MAX_ATTEMPTS": 6,
    "OUTBOX_RETRY_BASE_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    "OUTBOX_STUCK_SECONDS": 300,
    "OUTBOX_USE_CELERY": False,
    "OUTBOX_SEND_TIMEOUT_SECONDS": 30,
}


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


def enqueue_email(to: str, subject: str, body: str, *, key: str) -> OutboundMessage:
    """Queue an email; call it inside the transaction of the change that causes it (it commits or rolls back
    with it). The same key twice queues one message (the first one is returned)."""
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                channel=Channel.EMAIL,
                to=to,
                subject=subject[:300],
                body=body,
                idempotency_key=key,
                message_id=new_message_id(key),
            )
    except IntegrityError:
        return OutboundMessage.objects.get(idempotency_key=key)
    if setting("OUTBOX_USE_CELERY"):
        transaction.on_commit(_kick_celery, robust=True)
    return message


def _kick_celery() -> None:
    """Ask a Celery worker to drain the outbox now; if the broker is down, the beat schedule or run_worker will."""
    try:
        from redalert.outbox.tasks import deliver_outbox

        deliver_outbox.delay()
    except Exception:  # the message is stored; a broker outage only delays it
        log.warning("Could not reach the Celery broker; the outbox will be drained later.", exc_info=True)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base… capped."""
    base = setting("OUTBOX_RETRY_BASE_SECONDS")
    seconds = min(base * 2 ** max(attempts - 1, 0), setting("OUTBOX_RETRY_MAX_SECONDS"))
    return timedelta(seconds=seconds)


def claim(message_id: int) -> OutboundMessage | None:
    """Claim one due row for this worker; None if another worker got it first or it is not due."""
    now = timezone.now()
    touched = OutboundMessage.objects.filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=now).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if touched != 1:
        return None
    return OutboundMessage.objects.get(pk=message_id)


def _finish(message: OutboundMessage, **values: object) -> bool:
    """Write the outcome only if the row is still ours (not reclaimed in the meantime)."""
    return bool(
        OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at).update(
            **values
        )
    )


def send(message: OutboundMessage) -> None:
    """Hand one message to its transport; raises on failure."""
    if message.channel != Channel.EMAIL:
        raise ValueError(f"No transport for channel {message.channel!r}.")
    connection = get_connection(timeout=setting("OUTBOX_SEND_TIMEOUT_SECONDS"))
    EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
        connection=connection,
    ).send()


def deliver(message: OutboundMessage) -> bool:
    """Send a claimed message, record the attempt, and mark it sent, scheduled for retry, or failed."""
    try:
        send(message)
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
    while attempted < limit:
        due = (
            OutboundMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
            .exclude(pk__in=seen)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[: min(50, limit - attempted)]
        )
        ids = list(due)
        if not ids:
            break
        for pk in ids:
            seen.add(pk)
            message = claim(pk)
            if message is None:
                continue  # another worker has it
            deliver(message)
            attempted += 1
            if attempted >= limit:
                break
    return attempted
