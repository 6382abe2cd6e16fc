"""Places in historical files: former ISO 3166-2 codes, official names with the state ("Oaxaca de Juárez, Oaxaca,
México"), and names that only match far away (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from redalert.cases.models import Case
from redalert.imports.models import ImportProblem
from redalert.imports.problems import reason
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.places.models import Place, PlaceKind


@pytest.fixture
def more_places(places: dict[str, Any]) -> dict[str, Any]:
    def add(kind: str, code: str, name: str, country: str, search_name: str = "", **extra: Any) -> Place:
        return Place.objects.create(
            kind=kind, code=code, name=name, search_name=search_name or name.lower(), country_code=country, **extra
        )

    za = add(PlaceKind.COUNTRY, "ZA", "South Africa", "ZA", "south africa")
    wc = add(PlaceKind.SUBDIVISION, "ZA-WC", "Western Cape", "ZA", parent=za)
    atlantis = add(PlaceKind.LOCALITY, "gn:3370352", "Atlantis", "ZA", parent=za, subdivision=wc)
    oax = add(PlaceKind.SUBDIVISION, "MX-OAX", "Oaxaca", "MX", parent=places["mx"])
    oax_city = add(
        PlaceKind.LOCALITY,
        "gn:3522507",
        "Oaxaca",
        "MX",
        "oaxaca | oaxaca de juarez | oaxaca city",
        parent=places["mx"],
        subdivision=oax,
    )
    alta_verapaz = add(PlaceKind.SUBDIVISION, "GT-16", "Alta Verapaz", "GT", parent=places["gt"])
    return {"atlantis": atlantis, "oax_city": oax_city, "alta_verapaz": alta_verapaz}


def problems_of(job: Any) -> list[tuple[int, str, str, str]]:
    with translation.override("en"):
        return [(p.line, p.column, p.value, reason(p.code, p.params)) for p in ImportProblem.objects.filter(job=job)]


def test_a_former_iso_code_finds_the_current_subdivision(run_import, more_places):
    job = run_import(csv_bytes([row(last_seen_place="GT-AV")]))
    assert job.status == "done", problems_of(job)
    assert Case.objects.get().last_seen_place == more_places["alta_verapaz"]


def test_an_official_name_with_state_and_country(run_import, more_places):
    job = run_import(csv_bytes([row(last_seen_place="Oaxaca de Juárez, Oaxaca, México")]))
    assert job.status == "done", problems_of(job)
    assert Case.objects.get().last_seen_place == more_places["oax_city"]


def test_a_name_found_only_on_another_continent_is_a_problem_not_a_match(run_import, more_places):
    job = run_import(csv_bytes([row(last_seen_place="Atlantis")]))
    assert job.status == "rejected"
    [(line, column, value, text)] = problems_of(job)
    assert (line, column, value) == (2, "last_seen_place", "Atlantis")
    assert "countries the organisation works in (MX)" in text and "gn:3370352" in text
    assert not Case.objects.exists()


def test_a_name_that_says_its_country_may_lie_elsewhere(run_import, more_places):
    job = run_import(csv_bytes([row(last_seen_place="MX-QUE", recruitment_places="Atlantis, South Africa")]))
    assert job.status == "done", problems_of(job)


def test_countries_of_the_organisations_cases_count_as_its_own(run_import, more_places, make_case, org_a, importer):
    make_case(org_a, importer, last_seen_place=more_places["atlantis"])
    job = run_import(csv_bytes([row(last_seen_place="Atlantis")]))
    assert job.status == "done", problems_of(job)
