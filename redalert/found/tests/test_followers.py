"""Property: whatever happens to the cases (intake, edits, aliases and ages, transitions, outcomes, imports…) and
to the register's records, once the workers caught up, `rebuild_found_candidates` finds nothing to change."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.found.models import FoundPerson
from redalert.found.services import save_found
from redalert.testing import follow_changes
from redalert.tests.test_rebuilds_find_nothing import CASES, NAMES, PLACES, _apply
from redalert.tests.test_rebuilds_find_nothing import action as case_action

pytestmark = pytest.mark.django_db

found_action = st.tuples(
    st.just("found"), st.integers(0, 1), st.sampled_from(["", "Lupita", "María Fernanda"]), st.sampled_from(PLACES)
)


def _edit_found(found: FoundPerson, names: str, place: Any, by: Any) -> None:
    found.names, found.found_place = names, place
    save_found(found, ["names", "found_place"], actor=by)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(st.one_of(case_action, found_action), min_size=1, max_size=10))
def test_after_any_history_the_rebuild_finds_nothing(steps, make_case, make_found, org_a, coordinator, places):
    cases = [make_case(org_a, coordinator, given_names=NAMES[i]) for i in range(CASES)]
    records = [
        make_found(coordinator, names="María Fernanda", found_on=date(2026, 3, 20)),
        make_found(coordinator, names="", found_place=places["qro"], age_min=15, age_max=20),
    ]
    follow_changes()
    for step in steps:
        if step[0] == "found":
            _kind, index, names, place = step
            _edit_found(FoundPerson.objects.get(pk=records[index].pk), names, places[place], coordinator)
        else:
            _apply(step, cases, coordinator, places, org_a)
    follow_changes()
    out = StringIO()
    call_command("rebuild_found_candidates", stdout=out)
    assert "0 added, 0 changed, 0 removed" in out.getvalue(), (steps, out.getvalue())
