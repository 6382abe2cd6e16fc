"""`manage.py rebuild_match_keys`: recompute every linked person's keyed hashes (after SECRET_KEY changes, or to
check that the follower kept them current); prints how many keys changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.investigation.models import LinkedPerson, MatchKey
from redalert.investigation.services import refresh_case_keys

BATCH = 500


class Command(BaseCommand):
    help = "Recompute the match keys (keyed hashes of names, phones, plates, venues) of every linked person."

    def handle(self, *args: Any, **options: Any) -> None:
        case_ids = sorted(
            set(LinkedPerson.objects.values_list("case_id", flat=True))
            | set(MatchKey.objects.values_list("case_id", flat=True))
        )
        changed = 0
        for start in range(0, len(case_ids), BATCH):
            with transaction.atomic():
                changed += refresh_case_keys(case_ids[start : start + BATCH])
        self.stdout.write(f"Match keys: {changed} key(s) changed, for {len(case_ids)} case(s) with linked people.")
