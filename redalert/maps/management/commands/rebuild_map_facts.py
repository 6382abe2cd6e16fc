"""Re-derive the map rows of every case (after a bulk load, an import that bypassed the services, or a deploy)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from redalert.maps.facts import rebuild_map_facts


class Command(BaseCommand):
    help = "Re-derive the maps' per-case rows (CaseMapFact, RouteFact) from the case files. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        changed = rebuild_map_facts()
        self.stdout.write(f"Map facts: {changed} case(s) changed, in {time.monotonic() - started:.1f} s.")
