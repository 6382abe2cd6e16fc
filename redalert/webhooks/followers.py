"""What webhooks follow: a queued follower collects the events of the announced cases and queues their deliveries.

Queued (not in the change's transaction): a slow or failing webhook never slows or fails a caseworker's save.
The follower reads what happened from the records written in the change's transaction (redalert.webhooks.events),
so nothing is lost if it lags, and running it twice queues nothing twice.
"""

from __future__ import annotations

from django.db import transaction

from redalert.changes.announce import Kind, follow
from redalert.webhooks.delivery import deliver_events
from redalert.webhooks.events import collect

FOLLOWER = "webhooks"
KINDS = (Kind.OPENED, Kind.STATUS, Kind.CONSENT, Kind.PUBLICATION, Kind.OUTCOME, Kind.TIP, Kind.ALERT)


def send_case_events(case_ids: list[int]) -> None:
    """Collect the new events of these cases and queue one delivery per subscription that wants each."""
    with transaction.atomic():
        deliver_events(collect(case_ids))


follow(FOLLOWER, KINDS, send_case_events, in_transaction=False)
