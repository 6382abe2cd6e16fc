"""Fixtures of the investigation tests: a case team with a field investigator, and a case in active search."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.services import add_team_member
from redalert.consent.models import ConsentMethod, ConsentRecord, Decision, Purpose


def start_search(case: Any, user: Any) -> Any:
    """Take a case through verification (with consent to open the file) into active search."""
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), user)
    ConsentRecord.objects.create(
        case=case,
        purpose=Purpose.OPEN_FILE,
        decision=Decision.GRANTED,
        given_by_name="Rosa Hernández Cruz",
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ana Ruiz",
        decided_on=date(2026, 3, 2),
        recorded_by=user,
    )
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), user)
    return case


@pytest.fixture
def investigator(org_a: Any, make_user: Any, case: Any, coordinator: Any) -> Any:
    """A field investigator on the team of `case`."""
    user = make_user(org_a, "field_investigator")
    add_team_member(case, user, actor=coordinator)
    return user
