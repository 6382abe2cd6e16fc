"""The outbox's settings and their defaults (each can be overridden in Django's settings)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "OUTBOX_MAX_ATTEMPTS": 6,
    "OUTBOX_RETRY_BASE_SECONDS": 60,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    "OUTBOX_STUCK_SECONDS": 300,
    "OUTBOX_USE_CELERY": False,
    "OUTBOX_SEND_TIMEOUT_SECONDS": 30,
    "OUTBOX_WEBHOOK_TIMEOUT_SECONDS": 10,
    "OUTBOX_CELERY_FANOUT": 4,
    "OUTBOX_SEND_CONCURRENCY": 8,  # prepared sends (webhooks) run side by side in a round, at most this many
    "OUTBOX_CLAIM_BATCH": 50,  # rows claimed per transaction
    "OUTBOX_SEND_CHUNK": 25,  # prepared sends gated together before their POSTs, their outcomes in one commit
    "OUTBOX_GATE_FRESH_SECONDS": 2,  # a prepared send not POSTed this long after its gate check waits for a round
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
