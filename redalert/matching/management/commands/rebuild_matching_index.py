"""`manage.py rebuild_matching_index`: recompute every case's blocking-key digests (after SECRET_KEY changes, or to
check that the follower kept them current); prints how many key rows changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.cases.models import Case
from redalert.matching.index import refresh_cases
from redalert.matching.models import CandidateKey

BATCH = 1000


class Command(BaseCommand):
    help = "Recompute the matching index (keyed digests of the blocking keys of every open case)."

    def handle(self, *args: Any, **options: Any) -> None:
        case_ids = sorted(
            set(Case.objects.values_list("pk", flat=True)) | set(CandidateKey.objects.values_list("case_id", flat=True))
        )
        changed = 0
        for start in range(0, len(case_ids), BATCH):
            with transaction.atomic():
                changed += refresh_cases(case_ids[start : start + BATCH])
        self.stdout.write(f"Matching index: {changed} key(s) changed, over {len(case_ids)} case(s).")
