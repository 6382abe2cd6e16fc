"""`manage.py send_task_digest`: queue the daily email of overdue tasks (one per user and day, idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.tasks.services import send_overdue_digests


class Command(BaseCommand):
    help = "Queue, through the outbox, one email per user listing her overdue tasks (run it once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = send_overdue_digests()
        self.stdout.write(f"Overdue-task digests queued for {users} users.")
