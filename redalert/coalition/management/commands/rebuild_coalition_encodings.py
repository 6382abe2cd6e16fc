"""`manage.py rebuild_coalition_encodings`: recompute the coalition encodings of every case (after the coalition key
changed, after bulk loads, or to check that the follower kept them current); prints how many changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.cases.models import Case
from redalert.coalition.index import OFF_MESSAGE, linkage_key, refresh_cases
from redalert.coalition.models import CoalitionEncoding

BATCH = 1000


class Command(BaseCommand):
    help = "Recompute the coalition encodings (only cases that may be shared with partner organisations)."

    def handle(self, *args: Any, **options: Any) -> None:
        if linkage_key() is None:
            self.stdout.write(OFF_MESSAGE + " Existing encodings are removed.")
            case_ids = sorted(CoalitionEncoding.objects.values_list("case_id", flat=True))
        else:
            case_ids = sorted(
                set(Case.objects.values_list("pk", flat=True))
                | set(CoalitionEncoding.objects.values_list("case_id", flat=True))
            )
        changed = 0
        for start in range(0, len(case_ids), BATCH):
            with transaction.atomic():
                changed += refresh_cases(case_ids[start : start + BATCH])
        stored = CoalitionEncoding.objects.count()
        self.stdout.write(f"Coalition encodings: {changed} encoding(s) changed; {stored} stored.")
