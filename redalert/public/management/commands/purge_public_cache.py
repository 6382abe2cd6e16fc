"""Delete cached public images that the public may no longer see.

The photo variants and share images of the public site are cached in a private folder and are never served
without the consent check, but a withdrawn case should not leave copies behind either. Run this hourly (cron or
Celery beat): it removes the variants of every photo that is not the published photo of a currently public case,
and share images older than --share-max-age minutes (they are cheap to draw again).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redalert.public.exposure import public_cases
from redalert.public.images import cache_dir


class Command(BaseCommand):
    help = "Delete cached public photo variants and share images that are no longer public."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--share-max-age", type=int, default=60, help="Minutes a share image may stay cached.")

    def handle(self, *args: Any, **options: Any) -> None:
        public_photos = set(
            public_cases().filter(publication__photo__isnull=False).values_list("publication__photo__sha256", flat=True)
        )
        oldest_share = time.time() - options["share_max_age"] * 60
        removed = 0
        for path in cache_dir().iterdir():
            if path.name.startswith("share-"):
                stale = path.stat().st_mtime < oldest_share
            else:
                stale = path.name.split("-", 1)[0] not in public_photos
            if stale and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        self.stdout.write(f"Removed {removed} cached public image(s).")
