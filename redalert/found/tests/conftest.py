"""Set-up shared by the register's tests: a record written through the service, a case in active search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from redalert.testing import start_search


@pytest.fixture
def make_found(places: dict[str, Any]) -> Callable[..., Any]:
    """Record a person found through redalert.found.services.record_found (her pairs are proposed at once)."""
    from redalert.found.models import FoundPerson
    from redalert.found.services import record_found

    def make(by: Any, **overrides: Any) -> Any:
        data: dict[str, Any] = {
            "condition": "alive",
            "found_on": date(2026, 4, 10),
            "found_place": places["qro_city"],
            "found_place_detail": "Albergue temporal, colonia Centro",
            "age_min": 16,
            "age_max": 19,
            "sex": "female",
            "names": "Mafer",
            "physical_description": "Delgada, cabello largo castaño.",
            "distinguishing_marks": "Cicatriz en la ceja izquierda.",
            "clothing": "Sudadera gris.",
            "reported_by_kind": "shelter",
            "reported_by_institution": "Albergue Casa Esperanza",
            "reporter_contact": "+524420000000",
        }
        data.update(overrides)
        return record_found(FoundPerson(**data), actor=by)

    return make


@pytest.fixture
def searched_case(case: Any, coordinator: Any) -> Any:
    """Organisation A's case (María Fernanda López Hernández, born 2008, last seen in Querétaro on 2026-03-01),
    in active search."""
    return start_search(case, coordinator)
