"""`manage.py rebuild_found_candidates`: recompute the proposed pairs of every record of the register of people
found (to check that the follower kept them current, or after the matching rules changed); prints what changed.
Confirmed and rejected pairs are decisions and are never touched."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.found.services import rebuild_all


class Command(BaseCommand):
    help = "Recompute the proposed pairs (person found ↔ open missing case) of the register of people found."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = rebuild_all()
        self.stdout.write(
            f"Found candidates: {result.added} added, {result.changed} changed, {result.removed} removed."
        )
