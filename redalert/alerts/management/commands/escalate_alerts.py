"""Escalate unacknowledged Red Alerts (run it every few minutes from cron, or let Celery beat run the task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.alerts.escalation import escalate_due


class Command(BaseCommand):
    help = "Resend alerts not acknowledged after ALERT_ESCALATION_HOURS and notify the case's lawyer and coordinator."

    def handle(self, *args: Any, **options: Any) -> None:
        escalations = escalate_due()
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(escalations)} escalation(s).")
