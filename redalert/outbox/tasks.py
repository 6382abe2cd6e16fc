"""Celery tasks of the outbox: the same claim-and-send function the run_worker command loops over."""

from __future__ import annotations

from redalert import heartbeat
from redalert.celery import app
from redalert.outbox.claiming import deliver_due


@app.task(name="redalert.outbox.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox(limit: int = 100) -> int:
    """Send the due messages of the outbox (any number of workers may run this at once).

    A task that used its whole limit queues another one, so a large batch drains without waiting for beat.
    """
    attempted = deliver_due(limit)
    heartbeat.beat(heartbeat.CELERY)  # beat queues this task every few seconds: read by /readyz (redalert.health)
    if attempted >= limit:
        deliver_outbox.delay(limit)
    return attempted
