"""`manage.py rebuild_match_keys`: recompute every linked person's keyed hashes (needed after SECRET_KEY changes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.investigation.models import LinkedPerson
from redalert.investigation.services import refresh_keys


class Command(BaseCommand):
    help = "Recompute the match keys (keyed hashes of names, phones, plates, venues) of every linked person."

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        for person in LinkedPerson.objects.select_related("case").order_by("pk").iterator(chunk_size=500):
            with transaction.atomic():
                refresh_keys(person)
            done += 1
        self.stdout.write(f"Match keys rebuilt for {done} linked people.")
