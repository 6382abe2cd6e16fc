"""The durable queue of purges of the shared cache in front of the public site (redalert.public.edge).

- `queue_case_purges` follows every change that can change what the public sees of a case (consent to publish,
  publication, status — located —, edits and photos, outcome, imports, merges), in the transaction of the change:
  one PendingPurge row with the keys of every case concerned that ever had a publication (its pages, photos, share
  image, bulletin, CAP) and the lists' key (lists, feed). A case never published is in no cached answer.
- `queue_purge(keys)` for the other changes (an organisation's public texts: every public answer).
- After the commit the web process tries to send at once (`send_due`); the workers (`run_worker`, the Celery beat
  task `send_purges`) send whatever is due, so a purge survives a crash between the commit and the send. A failed
  send is retried after 1, 2, 4 … seconds (at most EDGE_PURGE_MAX_DELAY); a sent purge is sent once more after
  EDGE_PURGE_REPEAT_SECONDS, for the page drawn from data read just before the commit that reached the cache just
  after the first purge.

Without a purger (settings.EDGE_PURGER empty) nothing is queued: no shared cache keeps the public answers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from redalert.changes.announce import Change
from redalert.public import edge
from redalert.public.models import PendingPurge, Publication
from redalert.public.purgers import PurgeFailed, configured

logger = logging.getLogger(__name__)
MAX_DELAY_SECONDS = 300


def queue_purge(keys: Iterable[str]) -> None:
    """Queue a purge of these keys, in the current transaction; try to send it once the transaction commits."""
    if not edge.enabled():
        return
    keys = sorted(set(keys))
    if not keys:
        return
    PendingPurge.objects.create(keys=" ".join(keys), repeats_left=_repeats())
    transaction.on_commit(send_soon)


def case_purge_keys(case_ids: Iterable[int]) -> list[str]:
    """Every key of these cases' public answers, and the lists' key; nothing for cases never published."""
    public_ids = Publication.objects.filter(case_id__in=set(case_ids)).values_list("public_id", flat=True)
    keys = [edge.case_key(public_id) for public_id in public_ids]
    return [*keys, edge.LISTS] if keys else []


def queue_case_purges(changes: list[Change]) -> None:
    """The change follower (redalert.public.followers): purge what the public may have seen of these cases."""
    if edge.enabled():
        queue_purge(case_purge_keys({change.case_id for change in changes}))


def _repeats() -> int:
    return 1 if int(getattr(settings, "EDGE_PURGE_REPEAT_SECONDS", 5)) > 0 else 0


def _retry_delay(attempts: int) -> dt.timedelta:
    limit = int(getattr(settings, "EDGE_PURGE_MAX_DELAY", MAX_DELAY_SECONDS))
    return dt.timedelta(seconds=min(limit, 2 ** max(0, attempts - 1)))


def send_due(limit: int = 200) -> int:
    """Send the purges that are due, all their keys at once; returns how many rows were sent (0 on failure).

    The rows are locked while the purge is sent (skipped by other workers on PostgreSQL); on success each is
    deleted or, if it has a repeat left, due again in EDGE_PURGE_REPEAT_SECONDS; on failure each is due again
    after a growing delay, with the error kept in last_error.
    """
    purger = configured()
    if purger is None:
        return 0
    now = timezone.now()
    with transaction.atomic():
        rows = PendingPurge.objects.filter(due_at__lte=now).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows.values_list("pk", "keys", "attempts", "repeats_left")[:limit])
        if not claimed:
            return 0
        keys = sorted({key for _pk, row_keys, _a, _r in claimed for key in row_keys.split()})
        try:
            purger.purge(keys)
        except PurgeFailed as exc:
            logger.warning("Purge of %d key(s) through %s failed: %s", len(keys), purger.name, exc)
            for pk, _keys, attempts, _repeats_left in claimed:
                PendingPurge.objects.filter(pk=pk).update(
                    attempts=attempts + 1, due_at=now + _retry_delay(attempts + 1), last_error=str(exc)[:500]
                )
            return 0
        again = [pk for pk, _keys, _attempts, repeats_left in claimed if repeats_left > 0]
        done = [pk for pk, _keys, _attempts, repeats_left in claimed if repeats_left <= 0]
        repeat = dt.timedelta(seconds=int(getattr(settings, "EDGE_PURGE_REPEAT_SECONDS", 5)))
        PendingPurge.objects.filter(pk__in=again).update(repeats_left=0, due_at=now + repeat, attempts=0)
        PendingPurge.objects.filter(pk__in=done).delete()
    return len(claimed)


def send_soon() -> None:
    """After the commit of a change, in the process that made it: send at once (the workers send what fails)."""
    try:
        send_due()
    except Exception:  # never fail the request whose change is committed; the workers will send it
        logger.exception("Sending a purge right after the commit failed; the workers will send it.")


def pending() -> int:
    """Purges waiting to be sent (first sends, retries and repeats): for the metrics and the operators."""
    return PendingPurge.objects.count()


def oldest_pending_seconds() -> float:
    """Age of the oldest purge still waiting for its first confirmed send (0 when none waits)."""
    oldest = (
        PendingPurge.objects.filter(repeats_left__gte=_repeats())
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return (timezone.now() - oldest).total_seconds() if oldest else 0.0
