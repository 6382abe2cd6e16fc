"""Counting refusals instead of writing one audit entry each.

An anonymous client can be refused as fast as it can send requests (forged acknowledgement links: 1,122 in ten
seconds). Writing a permanent audit entry per refusal lets it fill the append-only log. Instead, each refusal adds
one to a counter per (scope, key, fixed time window) — one `RefusalWindow` row per window — and when the window is
over, one audit entry records the count. Finished windows are closed at the next refusal of any key, and by
`close_finished_windows` (run before each anchor of the chain, redalert.audit.anchors). The counters also serve the
rate limit: `current_count` says how many refusals a key had in the window running now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from redalert.audit.log import record
from redalert.audit.models import AuditAction, RefusalWindow

COUNTER_ACTOR = "refusal counter"


def window_bounds(now: datetime, seconds: int) -> tuple[datetime, datetime]:
    """The fixed window (aligned on multiples of `seconds` since the epoch) that contains `now`."""
    seconds = max(1, int(seconds))
    epoch = int(now.timestamp())
    start = datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo or timezone.get_current_timezone())
    return start, start + timedelta(seconds=seconds)


def count_refusal(
    scope: str,
    key: str,
    *,
    window_seconds: int,
    now: datetime | None = None,
    case_id: int | None = None,
    organisation_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> int:
    """Add one refusal of `key` in `scope` to the running window; return the window's count so far. `detail`
    (what was refused, never personal data) goes into the window's audit entry. Windows that are over get theirs."""
    now = now or timezone.now()
    start, end = window_bounds(now, window_seconds)
    key = key[:100]
    rows = RefusalWindow.objects.filter(scope=scope, key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RefusalWindow.objects.create(
                        scope=scope,
                        key=key,
                        window_start=start,
                        window_end=end,
                        count=1,
                        case_id=case_id,
                        organisation_id=organisation_id,
                        detail=dict(detail or {}),
                    )
            except IntegrityError:  # created at the same moment by another request
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).get()
    close_finished_windows(now=now)
    return count


def current_count(scope: str, key: str, *, window_seconds: int, now: datetime | None = None) -> int:
    """How many refusals `key` had in the window running now (0 if none)."""
    start, _end = window_bounds(now or timezone.now(), window_seconds)
    found = RefusalWindow.objects.filter(scope=scope, key=key[:100], window_start=start).values_list("count", flat=True)
    return found.first() or 0


def close_finished_windows(*, now: datetime | None = None, scope: str | None = None, key: str | None = None) -> int:
    """Write one audit entry, with its count, for each window that is over and was not audited yet; return how
    many. Safe to run from several processes at once: a window is claimed before its entry is written."""
    now = now or timezone.now()
    finished = RefusalWindow.objects.filter(audited=False, window_end__lte=now)
    if scope is not None:
        finished = finished.filter(scope=scope)
    if key is not None:
        finished = finished.filter(key=key)
    written = 0
    for window in finished.order_by("window_start", "id"):
        with transaction.atomic():
            if not RefusalWindow.objects.filter(pk=window.pk, audited=False).update(audited=True):
                continue  # another process wrote it
            window.refresh_from_db(fields=["count"])
            record(
                COUNTER_ACTOR,
                AuditAction.DENIED,
                window,
                case=SimpleNamespace(pk=window.case_id, organisation_id=window.organisation_id)
                if window.case_id
                else None,
                organisation_id=window.organisation_id,
                detail={
                    **window.detail,
                    "counted": "refusals in a window",
                    "scope": window.scope,
                    "key": window.key,
                    "from": window.window_start.isoformat(),
                    "until": window.window_end.isoformat(),
                    "count": window.count,
                },
            )
            written += 1
    return written
