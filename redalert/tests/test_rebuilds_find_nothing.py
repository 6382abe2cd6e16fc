"""Property: after any sequence of domain actions, once the workers caught up, every rebuild finds nothing to change.

The followers keep each read model current from the announced changes; a rebuild recomputes it from scratch. If a
service forgot to announce a change, or a follower missed a kind, some sequence leaves a difference here.
"""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionError, TransitionRequest, allowed_targets, transition
from redalert.cases.models import Case, MissingPerson
from redalert.cases.services import save_changes
from redalert.consent.choices import Decision, Purpose
from redalert.imports.jobs import create_job, run_job
from redalert.investigation.models import LinkedPerson, TraffickingEvent, TraffickingFacts
from redalert.investigation.services import OutcomeData, add_record, record_outcome, save_linked_person
from redalert.public.services import publication_for, set_public
from redalert.testing import assert_rebuilds_find_nothing, follow_changes, record_consent

pytestmark = pytest.mark.django_db

CASES = 3
PURPOSES = [Purpose.OPEN_FILE, Purpose.PUBLISH, Purpose.STATISTICS]
DECISIONS = [Decision.GRANTED, Decision.WITHDRAWN, Decision.REFUSED]
PLACES = ["qro_city", "tlax_city", "gt", "tlax", "qro"]
NAMES = ["María Fernanda", "Lupita", "Ana", "Rosa María"]
TYPES = ["SexualExploitation", "ForcedLabour", "ForcedMarriage"]

action = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, CASES - 1), st.sampled_from(PLACES), st.sampled_from(NAMES)),
    st.tuples(st.just("consent"), st.integers(0, CASES - 1), st.sampled_from(PURPOSES), st.sampled_from(DECISIONS)),
    st.tuples(st.just("publish"), st.integers(0, CASES - 1), st.booleans(), st.booleans()),
    st.tuples(st.just("transition"), st.integers(0, CASES - 1), st.integers(0, 5), st.integers(0, 20)),
    st.tuples(st.just("outcome"), st.integers(0, CASES - 1), st.booleans(), st.integers(0, 20)),
    st.tuples(st.just("route"), st.integers(0, CASES - 1), st.sampled_from(PLACES), st.booleans()),
    st.tuples(st.just("facts"), st.integers(0, CASES - 1), st.lists(st.sampled_from(TYPES), max_size=2)),
    st.tuples(st.just("linked"), st.integers(0, CASES - 1), st.sampled_from(NAMES), st.integers(0, 99)),
    st.tuples(st.just("import"), st.integers(0, 2), st.sampled_from(["yes", "no", ""]), st.sampled_from(PLACES)),
    st.tuples(st.just("aka"), st.integers(0, CASES - 1), st.sampled_from(NAMES), st.none() | st.integers(10, 20)),
    st.tuples(st.just("workers"), st.just(0)),  # the workers catch up between two actions
)


def _import(org: Any, user: Any, number: int, consent: str, place_code: str) -> None:
    """A historical case through the import worker's function (re-imported with other values by the same key)."""
    place = {"qro_city": "MX-QUE", "tlax_city": "MX-TLA", "gt": "GT", "tlax": "MX-TLA", "qro": "MX-QUE"}[place_code]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["case_reference", "reported_on", "last_seen_on", "last_seen_place", "status", "consent_statistics"]
    )
    writer.writerow([f"H-{number}", "2019-03-05", "2019-03-04", place, "not_located", consent])
    job = create_job(organisation=org, user=user, file_name="h.csv", data=out.getvalue().encode(), mode="valid_rows")
    run_job(job.pk)


def _apply(step: tuple[Any, ...], cases: list[Case], coordinator: Any, places: dict[str, Any], org: Any) -> None:
    kind, index, *args = step
    if kind == "workers":
        follow_changes()
        return
    if kind == "import":
        _import(org, coordinator, index, *args)
        return
    case = Case.objects.get(pk=cases[index].pk)
    if kind == "edit":
        place, name = args
        person = MissingPerson.objects.get(case=case)
        person.given_names = name
        case.last_seen_place = places[place]
        case.last_seen_on = date(2026, 3, 1) - timedelta(days=len(name))
        save_changes(case, [case, person], actor=coordinator)
    elif kind == "aka":  # what the matching index reads: aliases, surnames, an estimated age instead of a birth date
        alias, age = args
        person = MissingPerson.objects.get(case=case)
        person.aliases, person.second_surname = alias, alias.split()[0]
        person.birth_date, person.estimated_age = (None, age) if age is not None else (date(2009, 1, 2), None)
        save_changes(case, [case, person], actor=coordinator)
    elif kind == "consent":
        purpose, decision = args
        record_consent(case, purpose, coordinator, decision)
    elif kind == "publish":
        public, show_age = args
        publication = publication_for(case)
        publication.show_age = show_age
        with contextlib.suppress(PermissionError):  # refused: no consent, or not in a showable status
            set_public(case, publication, public, actor=coordinator)
    elif kind == "transition":
        choice, days = args
        targets = allowed_targets(case)
        if targets:
            on = date(2026, 3, 2) + timedelta(days=days)
            with contextlib.suppress(TransitionError):
                transition(case, TransitionRequest(targets[choice % len(targets)], on=on, reason="prueba"), coordinator)
    elif kind == "outcome":
        alive, days = args
        result = CaseStatus.LOCATED_ALIVE if alive else CaseStatus.LOCATED_DECEASED
        try:
            data = OutcomeData(result=result, on=date(2026, 3, 2) + timedelta(days=days), how="family")
            record_outcome(case, data, actor=coordinator)
        except TransitionError:
            pass
    elif kind == "route":
        place, exploitation = args
        event_type = "Exploitation" if exploitation else "Recruitment"
        event = TraffickingEvent(event_type=event_type, place=places[place], recorded_by=coordinator)
        add_record(case, event, actor=coordinator)
    elif kind == "facts":
        (types,) = args
        facts = TraffickingFacts.objects.filter(case=case).first() or TraffickingFacts(case=case)
        facts.exploitation_types = types
        facts.updated_by = coordinator
        add_record(case, facts, actor=coordinator)
    elif kind == "linked":
        name, phone = args
        person = LinkedPerson(link="suspect", name=name, phones=f"+5244255512{phone:02d}")
        save_linked_person(case, person, actor=coordinator)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(action, min_size=1, max_size=12))
def test_after_any_history_every_rebuild_finds_nothing_to_change(steps, make_case, org_a, coordinator, places):
    cases = [make_case(org_a, coordinator, given_names=NAMES[i]) for i in range(CASES)]
    follow_changes()  # so that a change nobody announced cannot hide behind the intake's own follow-up
    for step in steps:
        _apply(step, cases, coordinator, places, org_a)
    follow_changes()  # what the workers do
    assert_rebuilds_find_nothing()


def test_the_rebuild_commands_report_nothing_to_change_after_the_workers_ran(make_case, org_a, coordinator, places):
    case = make_case(org_a, coordinator)
    record_consent(case, Purpose.STATISTICS, coordinator)
    follow_changes()
    assert_rebuilds_find_nothing()
