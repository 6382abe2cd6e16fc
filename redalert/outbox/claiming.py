"""The claim-and-retry loop: workers claim due rows a batch at a time, hand each to its channel, and record the attempt.

Claim-and-send (as Healthchecks' sendalerts): a worker claims a batch of due rows in one transaction: on PostgreSQL
`SELECT … FOR UPDATE SKIP LOCKED` then one `UPDATE … SET status='sending'`; elsewhere (SQLite, one writer at a time)
`UPDATE … SET status='sending' WHERE id=X AND status='pending' AND attempts=<as read>` per row; only the worker whose
update touched a row sends it. Webhooks (a channel with a prepare function) are then sent side by side per endpoint
over kept-alive connections (see deliver_many); other channels one by one. No lock is held while sending, so any
number of workers (the `run_worker` command, Celery tasks) can run at once. A row left in 'sending' by a crashed
worker is put back after OUTBOX_STUCK_SECONDS. Sends are at least once; the Message-ID fixed at creation lets
receivers deduplicate. A failed attempt is retried with exponential backoff, up to OUTBOX_MAX_ATTEMPTS.

The transports are the channels' (redalert.outbox.channels): this module finds the send function registered for a
message's channel and knows nothing else about them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from redalert.outbox import gates
from redalert.outbox.attachments import prefetch_attachments
from redalert.outbox.channels import PreparedSend, Transports, preparer_for, sender_for
from redalert.outbox.conf import setting
from redalert.outbox.models import Channel, DeliveryAttempt, OutboundMessage, Outcome, Status

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


# Why a message with no recipient is held (the outbox's log, not an interface string).
NO_RECIPIENT = "no recipient address (erased or anonymised): not sent"


def no_recipient(message: OutboundMessage) -> str:
    """Why the message has nobody to go to (an erased or anonymised address), or '' when it has someone.

    An e-mail or webhook names its recipient in `to`; an SMS/WhatsApp message in its encrypted spec (`to` is only a
    label). A download of received media has no recipient and is never held by this rule."""
    if message.channel == Channel.INBOUND_MEDIA:
        return ""
    if message.channel == Channel.MESSAGING:
        try:
            spec = json.loads(message.secret or "{}")
        except ValueError:
            return NO_RECIPIENT
        recipient = str(spec.get("to") or "").removeprefix("whatsapp:") if isinstance(spec, dict) else ""
    else:
        recipient = message.to
    return "" if recipient.strip() else NO_RECIPIENT


def _withhold(message: OutboundMessage, reason: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        _finish(message, status=Status.WITHHELD, last_error=reason[:2000], claimed_at=None)
        DeliveryAttempt.objects.create(message=message, at=now, outcome=Outcome.WITHHELD, error=reason[:2000])
    log.info("Outbox message %s withheld: %s", message.pk, reason)


def _failed(message: OutboundMessage, exc: BaseException) -> DeliveryAttempt:
    """Mark a failed attempt (retry later with backoff, or failed for good); the attempt's log line, not saved."""
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
    log.warning("Outbox message %s: attempt %s failed: %s", message.pk, message.attempts, error)
    return DeliveryAttempt(message=message, at=now, outcome=outcome, error=error)


def _sent(messages: Sequence[OutboundMessage]) -> list[DeliveryAttempt]:
    """Mark sent the rows still ours (one UPDATE per claim time, i.e. per claimed batch); their log lines, not saved."""
    now = timezone.now()
    by_claim: dict[datetime | None, list[int]] = {}
    for message in messages:
        by_claim.setdefault(message.claimed_at, []).append(message.pk)
    for claimed_at, ids in by_claim.items():
        OutboundMessage.objects.filter(pk__in=ids, status=Status.SENDING, claimed_at=claimed_at).update(
            status=Status.SENT, sent_at=now, last_error="", claimed_at=None
        )
    return [DeliveryAttempt(message=message, at=now, outcome=Outcome.SENT) for message in messages]


def deliver(message: OutboundMessage, transports: Transports | None = None) -> bool:
    """Send a claimed message, record the attempt, and mark it sent, scheduled for retry, failed or withheld."""
    try:
        reason = no_recipient(message) or gates.refusal(message.gate)
        if reason:
            _withhold(message, reason)
            return False
        send(message, transports)
    except Exception as exc:
        _failed(message, exc).save()
        return False
    with transaction.atomic():  # one commit for the outcome and its log line
        _sent([message])[0].save()
    return True


class _NotTried:
    """The result of a message left unsent because an earlier one to its endpoint failed in this round."""


NOT_TRIED = _NotTried()
PostResult = BaseException | _NotTried | None


def _post_in_order(jobs: Sequence[PreparedSend], transports: Transports, deadline: float) -> list[PostResult]:
    """Send one endpoint's messages in order; after the first failure, or once the gates' answers are older than
    the deadline (time.monotonic), the rest are not tried (NOT_TRIED). The first is always tried (progress on a
    machine so slow that the gates alone outlast the deadline)."""
    results: list[PostResult] = []
    for prepared in jobs:
        if results and (results[-1] is not None or time.monotonic() > deadline):
            results.append(NOT_TRIED)
            continue
        try:
            prepared(transports)
        except Exception as exc:
            results.append(exc)
        else:
            results.append(None)
    return results


def _release(messages: Sequence[OutboundMessage]) -> None:
    """Give back claimed rows that were not tried, as they were (pending, the claim's attempt not counted)."""
    for message in messages:
        OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at).update(
            status=Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
        )


def deliver_many(
    messages: Sequence[OutboundMessage], transports: Transports, pool: ThreadPoolExecutor | None = None
) -> int:
    """Deliver claimed messages; first attempts of a channel with a prepare function (webhooks) side by side.

    Other channels, and retries (attempts > 1: the endpoint failed before), go through `deliver`, one by one, as
    before. The others go in chunks of OUTBOX_SEND_CHUNK: each message's gate is asked and its body signed just
    before its chunk is sent (consent is checked at send time: a message not POSTed within OUTBOX_GATE_FRESH_SECONDS
    of its chunk's gate checks, except an endpoint's first, is given back uncounted, for the next round to ask
    again); the chunk's messages to one endpoint (URL) are sent in order over one kept-alive connection, different
    endpoints side by side in the thread pool of OUTBOX_SEND_CONCURRENCY threads (network only, no database); the
    chunk's outcomes are written in one transaction. After a failure, the rest of that endpoint's messages in the
    round are not tried but given back to the queue uncounted, so a failing endpoint gets at most one failed POST
    per round more than one by one would send it (the webhooks' pause after failures in a row stays as strict), and
    a hung one costs one timeout. A crash before the outcomes are written leaves the rows 'sending': reclaim_stuck
    puts them back and they are sent again (at least once; the idempotency key lets the receiver drop the repeat).
    Returns how many were tried (sent, failed or withheld; not those given back)."""
    tried = 0
    chunk_size = max(setting("OUTBOX_SEND_CHUNK"), 1)
    together = [m for m in messages if preparer_for(m.channel) is not None and m.attempts <= 1]
    for message in messages:
        if preparer_for(message.channel) is None or message.attempts > 1:
            deliver(message, transports)
            tried += 1
    failing: set[str] = set()  # endpoints that failed in this round
    for start in range(0, len(together), chunk_size):
        by_endpoint: dict[str, list[tuple[OutboundMessage, PreparedSend]]] = {}
        attempts: list[DeliveryAttempt] = []
        not_tried: list[OutboundMessage] = []
        deadline = time.monotonic() + setting("OUTBOX_GATE_FRESH_SECONDS")
        chunk = together[start : start + chunk_size]
        for message in chunk:
            if message.to in failing:
                not_tried.append(message)
                continue
            try:
                reason = no_recipient(message) or gates.refusal(message.gate)
                if reason:
                    _withhold(message, reason)
                    continue
                prepare = preparer_for(message.channel)
                assert prepare is not None
                by_endpoint.setdefault(message.to, []).append((message, prepare(message)))
            except Exception as exc:
                attempts.append(_failed(message, exc))
        groups = list(by_endpoint.values())
        if pool is None or len(groups) < 2:
            results = [_post_in_order([p for _m, p in group], transports, deadline) for group in groups]
        else:
            sends = [[p for _m, p in group] for group in groups]
            results = list(pool.map(_post_in_order, sends, [transports] * len(sends), [deadline] * len(sends)))
        outcomes = [
            (message, result)
            for group, group_results in zip(groups, results, strict=True)
            for (message, _p), result in zip(group, group_results, strict=True)
        ]
        delivered: list[OutboundMessage] = []
        with transaction.atomic():  # one commit for the chunk's outcomes and their log lines
            for message, result in outcomes:
                if result is None:
                    delivered.append(message)
                elif isinstance(result, _NotTried):
                    not_tried.append(message)
                else:
                    failing.add(message.to)
                    attempts.append(_failed(message, result))
            _release(not_tried)
            attempts.extend(_sent(delivered))
            DeliveryAttempt.objects.bulk_create(attempts)
        tried += len(chunk) - len(not_tried)
    return tried


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


def claim_batch(limit: int, exclude: set[int]) -> tuple[list[OutboundMessage], list[int]]:
    """Claim up to `limit` due rows in one transaction: (the rows now ours, the ids looked at).

    On PostgreSQL the due rows are locked with FOR UPDATE SKIP LOCKED and claimed by one UPDATE: a row another
    worker is claiming is skipped, never claimed twice. Elsewhere (SQLite, one writer at a time) each row is claimed
    by `claim`'s conditional UPDATE (still pending, attempts unchanged), all in one transaction (one commit)."""
    now = timezone.now()
    due = (
        OutboundMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("next_attempt_at", "id")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = list(due.select_for_update(skip_locked=True)[:limit])
            OutboundMessage.objects.filter(pk__in=[row.pk for row in rows], status=Status.PENDING).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )  # every row is locked by this transaction and was pending: all are ours
            for row in rows:
                row.status, row.claimed_at, row.attempts = Status.SENDING, now, row.attempts + 1
            claimed = rows
        else:
            rows = list(due[:limit])
            claimed = [message for row in rows if (message := claim(row.pk, known=row)) is not None]
    prefetch_attachments(claimed)
    return claimed, [row.pk for row in rows]


def deliver_due(limit: int = 100) -> int:
    """Claim and send up to `limit` due messages, a batch per transaction; return how many this worker attempted."""
    reclaim_stuck()
    attempted = 0
    seen: set[int] = set()
    transports = Transports()
    pool = ThreadPoolExecutor(max_workers=setting("OUTBOX_SEND_CONCURRENCY"), thread_name_prefix="outbox-send")
    try:
        while attempted < limit:
            claimed, looked_at = claim_batch(min(setting("OUTBOX_CLAIM_BATCH"), limit - attempted), seen)
            if not looked_at:
                break
            seen.update(looked_at)  # claimed by another worker, or by this one (a retry is for a later round)
            # Untried messages given back do not count: a round that only gave back waits for the next interval.
            attempted += deliver_many(claimed, transports, pool)
    finally:
        pool.shutdown(wait=True)
        transports.close()
    return attempted
