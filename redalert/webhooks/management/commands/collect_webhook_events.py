"""Collect every case event the webhooks follower has not collected yet, and queue its deliveries.

The follower's rebuild: after the workers caught up it reports "0 event(s) added". Useful after a bulk load that
wrote timeline lines without announcing them, or to check that nothing was lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from redalert.cases.models import Case
from redalert.webhooks.delivery import deliver_events
from redalert.webhooks.events import collect
from redalert.webhooks.models import Subscription

BATCH = 500


class Command(BaseCommand):
    help = "Collect the case events no webhook delivery was queued for yet (the webhooks follower's rebuild)."

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Subscription.objects.values_list("organisation_id", flat=True).distinct()
        case_ids = list(
            Case.objects.filter(organisation_id__in=organisations).order_by("pk").values_list("pk", flat=True)
        )
        added = queued = 0
        for start in range(0, len(case_ids), BATCH):
            with transaction.atomic():
                events = collect(case_ids[start : start + BATCH])
                queued += len(deliver_events(events))
            added += len(events)
        self.stdout.write(f"{added} event(s) added, {queued} delivery(ies) queued.")
