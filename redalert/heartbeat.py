"""Workers' heartbeats: each worker loop touches a small file under VAR_DIR/heartbeats; /readyz reads their age.

A file (not a database row or a Redis key) because it needs no migration and works in the embedded default without
Redis; the documented installation (docs/deploy.md) runs the web and the workers on one machine sharing VAR_DIR.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

# Worker kinds that write a heartbeat: `manage.py run_worker` and the Celery beat's deliver_outbox task.
RUN_WORKER = "run_worker"
CELERY = "celery"
KINDS = (RUN_WORKER, CELERY)


def heartbeat_dir() -> Path:
    return Path(settings.VAR_DIR) / "heartbeats"


def beat(kind: str) -> None:
    """Record that a worker of this kind has just finished a round (cheap: one utime or one empty file)."""
    path = heartbeat_dir() / kind
    try:
        os.utime(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def age_seconds(kind: str) -> float | None:
    """Seconds since the last heartbeat of this kind, or None if it never beat."""
    try:
        return max(0.0, time.time() - (heartbeat_dir() / kind).stat().st_mtime)
    except FileNotFoundError:
        return None
