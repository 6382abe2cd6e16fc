"""Two cases of one organisation that are the same girl, reported by her mother and by her aunt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest


@pytest.fixture
def twins(make_case: Callable[..., Any], org_a: Any, coordinator: Any) -> tuple[Any, Any]:
    first = make_case(org_a, coordinator)
    second = make_case(
        org_a,
        coordinator,
        reporter_name="Lucía López Pérez",
        reporter_relationship="other_relative",
        given_names="Maria Fernanda",
        second_surname="",
        birth_date=None,
        estimated_age=17,
        last_seen_on=date(2026, 3, 2),
    )
    return first, second
