"""The follower's rebuild: after the workers caught up it finds nothing; it finds what a lost announcement missed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from redalert.changes.models import PendingFollowUp
from redalert.testing import start_search
from redalert.webhooks.followers import FOLLOWER
from redalert.webhooks.models import Delivery, EventKind
from redalert.webhooks.tests.conftest import drain

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("collect_webhook_events", stdout=out)
    return out.getvalue()


def test_after_the_workers_caught_up_nothing_is_missing(subscribe, receiver, make_case, org_a, coordinator):
    subscribe()
    start_search(make_case(org_a, coordinator), coordinator)
    drain()
    assert "0 event(s) added, 0 delivery(ies) queued." in run()


def test_events_whose_announcement_was_lost_are_collected_once(subscribe, receiver, make_case, org_a, coordinator):
    subscribe(kinds=[EventKind.STATUS_CHANGED])
    start_search(make_case(org_a, coordinator), coordinator)
    PendingFollowUp.objects.filter(follower=FOLLOWER).delete()  # as if the announcements never reached the queue
    assert "3 event(s) added, 2 delivery(ies) queued." in run()
    assert "0 event(s) added" in run()
    drain()
    assert receiver.kinds() == [EventKind.STATUS_CHANGED] * 2
    assert Delivery.objects.count() == 2
