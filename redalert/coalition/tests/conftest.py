"""The same girl reported to two member organisations: by her mother to A, by her aunt to B."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from redalert.consent.choices import Purpose
from redalert.testing import record_consent

KEY = "clave-de-la-coalicion-7f3a9c-prueba"


@pytest.fixture
def coalition_key(settings: Any) -> str:
    settings.COALITION_LINKAGE_KEY = KEY
    return KEY


@pytest.fixture
def coordinator_b(org_b: Any, make_user: Callable[..., Any]) -> Any:
    user = make_user(org_b, "coordinator")
    user.first_name, user.last_name, user.email = "Ana", "Pérez", "ana.perez@colectivo-b.org"
    user.save()
    return user


@pytest.fixture
def coordinator_a(coordinator: Any) -> Any:
    coordinator.first_name, coordinator.last_name, coordinator.email = "Rosa", "Luna", "rosa.luna@red-a.org"
    coordinator.save()
    return coordinator


@pytest.fixture
def girl_a(make_case: Callable[..., Any], org_a: Any, coordinator_a: Any) -> Any:
    return make_case(org_a, coordinator_a)


@pytest.fixture
def girl_b(make_case: Callable[..., Any], org_b: Any, coordinator_b: Any) -> Any:
    return make_case(
        org_b,
        coordinator_b,
        reporter_name="Lucía López Pérez",
        reporter_relationship="other_relative",
        given_names="Maria Fernanda",
        first_surname="Lopez",
        second_surname="",
        last_seen_on=date(2026, 3, 2),
    )


@pytest.fixture
def consenting(coalition_key: str, girl_a: Any, girl_b: Any, coordinator_a: Any, coordinator_b: Any) -> tuple[Any, Any]:
    record_consent(girl_a, Purpose.REFERRAL, coordinator_a)
    record_consent(girl_b, Purpose.REFERRAL, coordinator_b)
    return girl_a, girl_b
