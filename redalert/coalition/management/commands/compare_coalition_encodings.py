"""`manage.py compare_coalition_encodings [--threshold 0.8]`: compare the encodings of the member organisations and
propose the pairs at or above the threshold to both coordinators (declined pairs are never proposed again)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from redalert.coalition.index import OFF_MESSAGE
from redalert.coalition.services import CoalitionOff, run_comparison, threshold


class Command(BaseCommand):
    help = "Compare the coalition encodings across member organisations and propose the likely pairs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--threshold", type=float, default=None, help="Dice coefficient (default: setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        minimum = options["threshold"] if options["threshold"] is not None else threshold()
        if not 0 < minimum <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        start = time.perf_counter()
        try:
            run = run_comparison(minimum)
        except CoalitionOff:
            self.stdout.write(OFF_MESSAGE)
            return
        self.stdout.write(
            f"Compared {run.encodings} encoding(s) in {time.perf_counter() - start:.1f} s: {run.pairs} pair(s) at "
            f"≥ {minimum:.2f}; {run.proposed} proposed, {run.kept} already known."
        )
