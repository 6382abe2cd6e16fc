"""Issue 14: the yearly figures add up across years, for every scope, over random case histories.

Each history is written through the lifecycle (redalert.cases.lifecycle.transition, as the application does): reported,
verification, active search, located alive or deceased, follow-up, closed, reopened (to active search when she was
not located, to follow-up when she was), with random dates. For consecutive years Y and Y+1 and each scope
(organisation, coalition), from the report's own tables:

- carried into Y+1 by the report of Y == carried over in the report of Y+1 (the same cases);
- worked == new + carried over;
- not located at the end of the year == worked − located in the year (== carried into next year + closed without
  being located);
- every percentage uses its stated denominator (cases worked; cases located for alive / deceased);
- the report counts in the database (redalert.statistics.worked.YearCases: SQL for the cases never reopened, the
  status history in Python for those reopened); every set it counts, and the ids behind it, equal the reference's
  (every case loaded into Python and classed by the periods of worked.py), in every year and scope.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.cases.choices import CaseStatus as S
from redalert.cases.lifecycle import TRANSITIONS, TransitionRequest, transition
from redalert.consent.choices import Purpose
from redalert.statistics.loading import YearData
from redalert.statistics.report import TABLES
from redalert.statistics.scope import coalition_scope, organisation_scope
from redalert.statistics.tests.conftest import Builder
from redalert.statistics.tests.reference import assert_counts_match_reference
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db

FIRST, LAST = 2010, 2016
TODAY = date(2026, 6, 1)

step = st.tuples(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=500))
history = st.fixed_dictionaries(
    {
        "reported": st.integers(min_value=0, max_value=(date(LAST, 12, 31) - date(FIRST, 1, 1)).days),
        "steps": st.lists(step, max_size=7),
        "second_org": st.booleans(),
        "statistics_consent": st.booleans(),
    }
)


def allowed(case: Any) -> list[str]:
    """The targets the lifecycle allows from the case's status (reopening: search only if not located)."""
    targets = list(TRANSITIONS[case.status])
    if case.status == S.CLOSED:
        targets = [t for t in targets if (t == S.FOLLOW_UP) == (case.located_on is not None)]
    return targets


def write_history(build: Builder, users: dict[Any, Any], orgs: list[Any], spec: dict[str, Any]) -> None:
    org = orgs[1] if spec["second_org"] else orgs[0]
    user = users[org.pk]
    reported = date(FIRST, 1, 1) + timedelta(days=spec["reported"])
    case = build.case(reported, org=org)
    if spec["statistics_consent"]:
        record_consent(case, Purpose.STATISTICS, user)
    on = reported
    for choice, gap in spec["steps"]:
        targets = allowed(case)
        if not targets:
            break
        on = on + timedelta(days=gap)
        if on > date(LAST + 1, 12, 31):
            break
        to = targets[choice % len(targets)]
        if case.status == S.VERIFICATION and to != S.CLOSED:
            record_consent(case, Purpose.OPEN_FILE, user, on=on)
        reason = "Random history." if S.CLOSED in (to, case.status) else ""
        case = transition(case, TransitionRequest(to, on=on, reason=reason), user)


def figures(scope: Any, year: int) -> dict[str, Any]:
    with translation.override("en"), YearData(scope, year, today=TODAY) as data:
        return {key: TABLES[key](data) for key in ("worked", "outcome", "located_result", "follow_up")}


def cell(table: Any, row: str) -> Any:
    found = table.row(row)
    assert found is not None, f"no row {row} in {table.key}"
    return found.cells["cases"]


def check_scope(scope: Any) -> None:
    reports = {year: figures(scope, year) for year in range(FIRST - 1, LAST + 3)}
    for year, tables in reports.items():
        # The database counts (every table of the report) equal the reference's, case by case.
        assert_counts_match_reference(scope.cases(), year)
        worked, outcome, result = tables["worked"], tables["outcome"], tables["located_result"]
        total = cell(worked, "worked")
        new, carried_over = cell(worked, "new"), cell(worked, "carried_over")
        located, not_located = cell(outcome, "located"), cell(outcome, "not_located")
        carried_into, closed = cell(outcome, "carried_into_next"), cell(outcome, "search_closed")
        assert total.value == new.value + carried_over.value, year
        assert new.cases | carried_over.cases == total.cases and not new.cases & carried_over.cases, year
        assert not_located.value == total.value - located.value, year
        assert not_located.cases == total.cases - located.cases, year
        assert carried_into.cases | closed.cases == not_located.cases, year
        assert not carried_into.cases & closed.cases, year
        assert cell(worked, "reopened").cases <= new.cases, year
        for c in (total, new, carried_over, located, not_located, carried_into, closed):
            assert c.denominator == total.value, year
        alive, deceased = cell(result, "alive"), cell(result, "deceased")
        no_data = result.rows[-1].cells["cases"] if result.rows[-1].kind == "no_data" else None
        assert alive.value + deceased.value + (no_data.value if no_data else 0) == located.value, year
        assert alive.denominator == deceased.denominator == located.value, year
        # A case in follow-up was located on or before the end of the year; the search of the year is separate.
        assert cell(tables["follow_up"], "follow_up").cases.isdisjoint(not_located.cases), year
        if year + 1 in reports:
            following = cell(reports[year + 1]["worked"], "carried_over")
            assert carried_into.cases == following.cases, year
            assert carried_into.value == following.value, year


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(history, min_size=1, max_size=5))
def test_the_yearly_figures_add_up_across_years_in_every_scope(histories, build, org_a, org_b, make_user):
    with transaction.atomic():  # each example's cases (and user) are rolled back at its end
        users = {org_a.pk: build.user, org_b.pk: make_user(org_b, "coordinator")}
        for spec in histories:
            write_history(build, users, [org_a, org_b], spec)
        for scope in (organisation_scope(org_a), organisation_scope(org_b), coalition_scope()):
            check_scope(scope)
        transaction.set_rollback(True)
