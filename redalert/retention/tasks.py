"""Celery task of the daily retention job (scheduled in redalert/celery.py)."""

from __future__ import annotations

from redalert.celery import app
from redalert.retention.jobs import apply_retention as run


@app.task(name="redalert.retention.tasks.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """Apply every organisation's retention policy; the number of organisations where something changed."""
    return sum(1 for result in run() if result.changed)
