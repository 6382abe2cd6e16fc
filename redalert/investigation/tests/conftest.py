"""Fixtures of the investigation tests: a case team with a field investigator, and a case in active search."""

from __future__ import annotations

from typing import Any

import pytest

from redalert import testing
from redalert.cases.services import add_team_member


def start_search(case: Any, user: Any) -> Any:
    """Take a case through verification (with consent to open the file) into active search."""
    return testing.start_search(case, user)


@pytest.fixture
def investigator(org_a: Any, make_user: Any, case: Any, coordinator: Any) -> Any:
    """A field investigator on the team of `case`."""
    user = make_user(org_a, "field_investigator")
    add_team_member(case, user, actor=coordinator)
    return user
