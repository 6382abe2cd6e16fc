"""Set-up shared by the hotline's tests: desk staff of organisation A, a contact, a directory of authorities."""

from __future__ import annotations

from typing import Any

import pytest

from redalert.hotline.actions import open_contact


@pytest.fixture
def call_taker(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "call_taker")


@pytest.fixture
def caseworker(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "caseworker")


@pytest.fixture
def analyst(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "analyst")


@pytest.fixture
def administrator(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "administrator")


@pytest.fixture
def contact(org_a: Any, call_taker: Any) -> Any:
    return open_contact(org_a, by=call_taker, channel="phone")


@pytest.fixture
def directory(org_a: Any, places: dict[str, Any]) -> dict[str, Any]:
    from redalert.alerts.models import Authority, AuthorityContact

    police = Authority.objects.create(
        organisation=org_a,
        name="Policía Estatal de Querétaro",
        level="state",
        kind="police",
        country_code="MX",
        subdivision=places["qro"],
    )
    AuthorityContact.objects.create(authority=police, channel="email", address="guardia@policia.example")
    federal = Authority.objects.create(
        organisation=org_a, name="Fiscalía Especial FEVIMTRA", level="federal", kind="prosecutor", country_code="MX"
    )
    tlaxcala = Authority.objects.create(
        organisation=org_a,
        name="Fiscalía de Tlaxcala",
        level="state",
        kind="prosecutor",
        country_code="MX",
        subdivision=places["tlax"],
    )
    return {"police": police, "federal": federal, "tlaxcala": tlaxcala}


def intake_post(places: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "report-reported_at": "2026-03-02T10:30",
        "report-report_channel": "hotline",
        "report-reporter_name": "Anónima",
        "report-reporter_relationship": "unknown",
        "report-last_seen_on": "2026-03-01",
        "report-last_seen_place_0": "",
        "report-last_seen_place_1": str(places["qro_city"].pk),
        "person-given_names": "Ana Sofía",
        "person-first_surname": "Martínez",
        "person-sex": "female",
        "person-gender": "Feminine",
        "person-indigenous": "unknown",
    }
    data.update(overrides)
    return data
