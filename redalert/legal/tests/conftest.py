"""Shared set-up of the legal tests: English messages, a lawyer on the case's team, a proceeding with consent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from redalert.care.tests.helpers import Purpose, grant, member
from redalert.legal import services
from redalert.legal.models import Proceeding


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read the domain's error messages, which follow the active language: read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def lawyer(case: Any, coordinator: Any, make_user: Any, org_a: Any) -> Any:
    user = member(make_user, org_a, case, coordinator, "lawyer")
    user.email = "abogada@example.org"
    user.save()
    return user


@pytest.fixture
def proceeding(case: Any, lawyer: Any, coordinator: Any) -> Proceeding:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    return services.open_proceeding(
        case,
        actor=lawyer,
        lawyer=lawyer,
        authority="state_prosecutor",
        authority_name="Fiscalía de Querétaro",
        complaint_filed_on=date(2026, 3, 3),
        investigation_file="CI/QRO/123/2026",
        crimes_charged="Trata de personas\nDesaparición",
    )
