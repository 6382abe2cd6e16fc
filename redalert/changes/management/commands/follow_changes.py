"""Catch the queued change followers up (map facts, search and match indexes) and print how many ran."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.changes.announce import catch_up_all, pending


class Command(BaseCommand):
    help = "Run every queued change follower until nothing waits."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = pending()
        done = catch_up_all()
        self.stdout.write(f"{done} follow-up(s) run ({waiting} were waiting).")
