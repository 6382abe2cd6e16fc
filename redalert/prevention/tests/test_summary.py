"""The yearly prevention figures: direct and indirect, by sex and age, with "not recorded" kept apart from 0."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from redalert.prevention.models import Activity
from redalert.prevention.summary import figures, summary_rows, yearly_summary, years_with_activities
from redalert.prevention.tests.helpers import activity

pytestmark = pytest.mark.django_db


def test_unknown_totals_are_counted_apart_not_as_zero(org_a: Any) -> None:
    activity(org_a, participants=None)
    activity(org_a, participants=0)
    result = figures(Activity.objects.all())
    assert result.activities == 2
    assert result.activities_without_count == 1
    assert result.people == 0
    assert result.groups["women"] is None  # nobody recorded women: not recorded, not 0


def test_groups_and_not_recorded_add_up_to_people_reached(org_a: Any) -> None:
    activity(org_a, participants=70, women=40, men=30, sex_other=0, adults=70, children=0)
    activity(org_a, participants=55, women=20)  # men and other not recorded
    activity(org_a, participants=35)  # no breakdown at all
    activity(org_a, participants=None)
    result = figures(Activity.objects.all())
    assert result.people == 160
    assert result.groups["women"] == 60
    assert result.groups["men"] == 30
    assert result.groups["sex_other"] == 0  # recorded as zero once: a real zero
    assert result.sex_not_recorded == 35 + 35
    assert result.groups["women"] + result.groups["men"] + result.groups["sex_other"] + result.sex_not_recorded == 160
    assert result.groups["adults"] == 70 and result.groups["children"] == 0
    assert result.groups["adolescents"] is None and result.groups["age_unknown"] is None
    assert result.age_not_recorded == 55 + 35
    assert result.activities_without_count == 1


def test_yearly_summary_direct_indirect_and_by_type(org_a: Any, org_b: Any) -> None:
    activity(org_a, participants=40, women=40)
    activity(org_a, activity_type="campaign", reach="indirect", participants=5000)
    activity(org_a, activity_type="media", reach="indirect", participants=None)
    activity(org_a, held_on=date(2024, 6, 1), participants=999)  # another year
    activity(org_b, participants=777)  # another organisation

    summary = yearly_summary(Activity.objects.filter(organisation=org_a), 2025)
    assert (summary.direct.activities, summary.direct.people) == (1, 40)
    assert (summary.indirect.activities, summary.indirect.people, summary.indirect.activities_without_count) == (
        2,
        5000,
        1,
    )
    assert summary.total.people == 5040
    assert [(row.activity_type, row.activities, row.people) for row in summary.by_type] == [
        ("workshop", 1, 40),
        ("campaign", 1, 5000),
        ("media", 1, 0),
    ]
    with translation.override("en"):
        rows = {str(row.label): row.values for row in summary_rows(summary) if not row.heading}
    assert rows["People reached"] == [40, 5000, 5040]
    assert rows["Women"] == [40, None, 40]
    assert rows["Sex not recorded"] == [0, 5000, 5000]
    assert years_with_activities(Activity.objects.filter(organisation=org_a)) == [2025, 2024]
