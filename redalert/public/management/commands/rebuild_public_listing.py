"""Recompute the public listing (the lists' copy of public_cases()) from scratch.

Needed only after changes made past the services that announce them (redalert.changes): bulk loads (which call
redalert.consent.rules.rebuild_current_consents()), edits made in the database by hand, a reload of the gazetteer.
Safe to run at any time and as often as wanted: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redalert.public.listing import rebuild_listing


class Command(BaseCommand):
    help = "Recompute the public listing from the cases that are public now."

    def handle(self, *args: Any, **options: Any) -> None:
        result = rebuild_listing()
        self.stdout.write(f"Public listing: {result.added} added, {result.changed} changed, {result.removed} removed.")
