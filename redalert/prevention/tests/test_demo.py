"""Demo activities keep the register's rules and include unrecorded counts beside real zeros."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from redalert.prevention.demo import seed_prevention
from redalert.prevention.models import Activity

pytestmark = pytest.mark.django_db


def test_seed_prevention_writes_valid_activities(org_a: Any, coordinator: Any, places: dict[str, Any]) -> None:
    created = seed_prevention(org_a, random.Random(7), 3)
    today = timezone.localdate()
    assert len(created) == Activity.objects.filter(organisation=org_a).count() >= 3 * 8
    for item in Activity.objects.filter(organisation=org_a):
        item.full_clean()  # the counts' rule and the dates hold for every row
        assert item.held_on <= today and item.held_on.year >= today.year - 2
        assert item.recorded_by == coordinator
        assert item.place is None or item.place.country_code == "MX"
    rows = Activity.objects.filter(organisation=org_a)
    assert rows.filter(participants__isnull=True).exists()  # some totals not recorded
    assert rows.filter(participants__isnull=False, women__isnull=True).exists()  # totals without a breakdown
    assert rows.filter(reach="indirect").exists() and rows.filter(reach="direct").exists()


def test_seed_prevention_is_reproducible_and_takes_a_list_of_years(org_a: Any, org_b: Any) -> None:
    first = seed_prevention(org_a, random.Random(3), [2021, 2022])
    second = seed_prevention(org_b, random.Random(3), [2022, 2021])
    assert {a.held_on.year for a in first} == {2021, 2022}
    assert [(a.held_on, a.activity_type, a.participants) for a in first] == [
        (a.held_on, a.activity_type, a.participants) for a in second
    ]
