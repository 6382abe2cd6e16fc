"""Celery task of the shared cache's purges: the same send_due the run_worker command loops over."""

from __future__ import annotations

from redalert.celery import app
from redalert.public.purging import send_due


@app.task(name="redalert.public.tasks.send_purges", ignore_result=True)
def send_purges(limit: int = 200) -> int:
    """Send the purges that are due (first sends, retries, repeats); queue another round while work remains."""
    sent = send_due(limit)
    if sent >= limit:
        send_purges.delay(limit)
    return sent
