"""Where each recipient of an alert stands: its messages queued, sent, failed or withheld, and its acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from redalert.alerts.models import Acknowledgement, Alert, Delivery, Recipient
from redalert.outbox.models import Status

QUEUED, SENT, FAILED, WITHHELD = "queued", "sent", "failed", "withheld"


@dataclass
class RecipientStatus:
    recipient: Recipient
    state: str  # queued, sent, failed, withheld
    reason: str
    sent_at: datetime | None
    attempts: int
    reminders: int
    acknowledgement: Acknowledgement | None


def recipient_statuses(alert: Alert) -> list[RecipientStatus]:
    """Per recipient: queued, sent, failed (with the reason) or withheld, and the acknowledgement if any."""
    rows = []
    recipients = alert.recipients.select_related("authority", "acknowledgement").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.select_related("message").order_by("sequence"))
    )
    for recipient in recipients:
        deliveries = list(recipient.deliveries.all())
        messages = [d.message for d in deliveries]
        first = messages[0] if messages else None
        latest = messages[-1] if messages else None
        sent_times = [m.sent_at for m in messages if m.sent_at is not None]
        if latest is None or latest.status in (Status.PENDING, Status.SENDING):
            state = SENT if sent_times else QUEUED
        elif latest.status == Status.SENT:
            state = SENT
        elif latest.status == Status.WITHHELD:
            state = WITHHELD
        else:
            state = FAILED
        rows.append(
            RecipientStatus(
                recipient=recipient,
                state=state,
                reason=(latest.last_error if latest is not None and state in (FAILED, WITHHELD, QUEUED) else ""),
                sent_at=min(sent_times) if sent_times else None,
                attempts=sum(m.attempts for m in messages),
                reminders=max(len(messages) - 1, 0),
                acknowledgement=getattr(recipient, "acknowledgement", None) if first is not None else None,
            )
        )
    return rows
