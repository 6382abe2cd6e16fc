"""Due diligence: per authority, the alerts it received, acknowledged, how fast, and which it left unanswered.

Definitions (what an organisation brings to advocacy and court):
- An authority *received* an alert (or update) when at least one message to one of its contacts was accepted by
  the mail server or its webhook endpoint (the first such moment is "received at"). Cancellations ask for no
  acknowledgement and are not counted.
- It *acknowledged* it when any of its contacts acknowledged through the signed link; time to acknowledge is from
  "received at" to the first acknowledgement (never negative).
- Median and p90 are over the acknowledged alerts (p90 by the nearest-rank method); unanswered alerts are those
  received and not acknowledged, with how long they have waited.
- Once an alert is cancelled (she was located: a cancellation pointing at the alert), nothing is asked of the
  authorities any more: an alert or update of it that was not acknowledged is neither "unanswered" nor counted as
  received (issue 17); acknowledgements given before the cancellation still count.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from redalert.alerts.models import Acknowledgement, Alert, AlertKind, Authority, Delivery


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank p-th percentile (0 < p <= 100): the smallest value with at least p% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass
class Unanswered:
    alert: Alert
    received_at: datetime
    waiting: timedelta


@dataclass
class AuthorityDiligence:
    authority: Authority
    received: int = 0
    acknowledged: int = 0
    hours_to_ack: list[float] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return median(self.hours_to_ack)

    @property
    def p90_hours(self) -> float | None:
        return percentile(self.hours_to_ack, 90)

    @property
    def acknowledged_share(self) -> float | None:
        return self.acknowledged / self.received if self.received else None


def diligence(organisation_id: int, *, now: datetime | None = None) -> list[AuthorityDiligence]:
    """The due-diligence figures of every authority in an organisation's directory that received an alert."""
    now = now or timezone.now()
    received = (
        Delivery.objects.filter(
            recipient__alert__case__organisation_id=organisation_id,
            recipient__alert__kind__in=[AlertKind.ALERT, AlertKind.UPDATE],
            message__sent_at__isnull=False,
        )
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_sent=Min("message__sent_at"))
    )
    acks = (
        Acknowledgement.objects.filter(recipient__alert__case__organisation_id=organisation_id)
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_ack=Min("at"))
    )
    ack_at = {(a["recipient__authority_id"], a["recipient__alert_id"]): a["first_ack"] for a in acks}
    cancelled = set(
        Alert.objects.filter(case__organisation_id=organisation_id, kind=AlertKind.CANCEL).values_list(
            "original_id", flat=True
        )
    )
    pairs = [(r["recipient__authority_id"], r["recipient__alert_id"], r["first_sent"]) for r in received]
    authorities = Authority.objects.in_bulk({p[0] for p in pairs})
    alerts = Alert.objects.select_related("case").in_bulk({p[1] for p in pairs})
    by_authority: dict[int, AuthorityDiligence] = {}
    for authority_id, alert_id, first_sent in pairs:
        acked = ack_at.get((authority_id, alert_id))
        alert = alerts[alert_id]
        if acked is None and (alert.original_id or alert.pk) in cancelled:
            continue  # cancelled before she answered: nothing is awaited from her
        row = by_authority.setdefault(authority_id, AuthorityDiligence(authorities[authority_id]))
        row.received += 1
        if acked is not None:
            row.acknowledged += 1
            row.hours_to_ack.append(max((acked - first_sent).total_seconds(), 0) / 3600)
        else:
            row.unanswered.append(Unanswered(alert, first_sent, now - first_sent))
    for row in by_authority.values():
        row.unanswered.sort(key=lambda u: u.received_at)
    return sorted(by_authority.values(), key=lambda r: (-len(r.unanswered), r.authority.name))
