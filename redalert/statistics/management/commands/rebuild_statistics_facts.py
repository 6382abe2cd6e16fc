"""Re-derive the yearly report's per-case rows (after a bulk load that bypassed the services, or a deploy)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from redalert.statistics.facts import rebuild_facts


class Command(BaseCommand):
    help = "Re-derive the yearly report's per-case rows (CaseFact) from the case files. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        changed = rebuild_facts()
        self.stdout.write(f"Statistics facts: {changed} case(s) changed, in {time.monotonic() - started:.1f} s.")
