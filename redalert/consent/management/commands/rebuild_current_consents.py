"""`manage.py rebuild_current_consents`: recompute the current decision per case and purpose from the history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.consent.rules import rebuild_current_consents


class Command(BaseCommand):
    help = "Recompute CurrentConsent from the consent records; prints how many rows changed (0: it was current)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = rebuild_current_consents()
        self.stdout.write(f"Current consents: {changed} row(s) changed.")
