"""The claim-and-retry loop: workers claim due rows one by one, hand each to its channel, and record the attempt.

Claim-and-send (as Healthchecks' sendalerts): a worker claims a row with
`UPDATE … SET status='sending' WHERE id=X AND status='pending' AND next_attempt_at<=now`; only the worker whose
update touched the row sends it. No lock is held while sending, so any number of workers (the `run_worker`
command, Celery tasks) can run at once. A row left in 'sending' by a crashed worker is put back after
OUTBOX_STUCK_SECONDS. Sends are at least once; the Message-ID fixed at creation lets receivers deduplicate.
A failed attempt is retried with exponential backoff, up to OUTBOX_MAX_ATTEMPTS.

The transports are the channels' (redalert.outbox.channels): this module finds the send function registered for a
message's channel and knows nothing else about them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from redalert.outbox import gates
from redalert.outbox.attachments import prefetch_attachments
from redalert.outbox.channels import Transports, sender_for
from redalert.outbox.conf import setting
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Outcome, Status

log = logging.getLogger(__name__)


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


def send(message: OutboundMessage, transports: Transports | None = None) -> None:
    """Hand one message to the transport of its channel; raises on failure (ValueError for an unknown channel)."""
    send_by_channel = sender_for(message.channel)
    own = transports is None
    transports = transports or Transports()
    try:
        send_by_channel(message, transports)
    finally:
        if own:
            transports.close()


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
            prefetch_attachments(due)
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
