"""Celery task of the Red Alert: escalate silence (the beat schedule runs it; so does `manage.py escalate_alerts`)."""

from __future__ import annotations

from redalert.celery import app

ESCALATE_ALERTS = "redalert.alerts.tasks.escalate_alerts"


@app.task(name=ESCALATE_ALERTS, ignore_result=True)
def escalate_alerts() -> int:
    """Remind authorities that have not acknowledged an alert past a deadline; returns how many were escalated."""
    # Looked up at call time: a test patches redalert.alerts.escalation.escalate_due (alerts/tests/test_celery.py).
    from redalert.alerts.escalation import escalate_due

    return len(escalate_due())
