"""Celery task of the duplicate finder: the same function `manage.py run_worker` calls."""

from __future__ import annotations

from redalert.celery import app
from redalert.duplicates.finder import run_due

FIND_DUPLICATES = "redalert.duplicates.tasks.find_duplicates"


@app.task(name=FIND_DUPLICATES, ignore_result=True)
def find_duplicates() -> int:
    """Beat: scan the organisations whose last scan is older than DUPLICATES_SCAN_SECONDS."""
    return run_due()
