"""Celery task of the change followers: the same catch_up the run_worker command loops over."""

from __future__ import annotations

from redalert.celery import app
from redalert.changes.announce import catch_up


@app.task(name="redalert.changes.tasks.follow_changes", ignore_result=True)
def follow_changes(limit: int = 500) -> int:
    """Catch the queued followers up with the changes announced since; queue another round while work remains."""
    done = catch_up(limit)
    if done >= limit:
        follow_changes.delay(limit)
    return done
