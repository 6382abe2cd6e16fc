"""Regional indicators, and the "no data" rule in regional tables, on hand-built records of four countries.

Year 2025. Coalition members: A (Mexico), B (Guatemala), H (Honduras); C (Costa Rica) is not a member.
- Mexico: v1, a girl (16 when located), Mexican, located in Mexico on 2025-05-01; sexual exploitation; legal advice
  and psychological counselling in 2025, medical care to her mother; a proceeding with a lawyer under way in 2025,
  one person convicted in 2025, one acquitted on a date not recorded. v2, a woman (30), Guatemalan, located in
  Mexico on 2025-03-01; forms of exploitation not recorded; repatriated in 2025. v3 (no consent to statistics) and
  v4 (consent withdrawn) are victims located in 2025 too, and must not count. Prevention: a workshop with 40 women,
  and a campaign whose audience was not recorded.
- Guatemala: g1, a victim identified in 2023 (forced labour); legal advice only in 2026. So in 2025 Guatemala
  records identification and exploitation (real zeros) but nothing else (no data).
- Honduras: one victim assessed in a case without consent to statistics: no data everywhere.
- Costa Rica: a consenting victim located in 2025 and a prevention activity: not a member, so not counted.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from redalert.accounts.models import Organisation
from redalert.care.models import Service
from redalert.consent.choices import Purpose
from redalert.investigation.models import Outcome, TraffickingFacts
from redalert.legal.models import Accused
from redalert.legal.services import open_proceeding
from redalert.prevention.tests.helpers import activity
from redalert.statistics import tables
from redalert.statistics.regional import (
    NoDataCell,
    RegionalData,
    age_when_identified,
    exploitation_forms,
    nationality_split,
    no_data_rule,
    regional_report,
    sex_age_group,
)
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db
YEAR = 2025
ACTUAL = "ActualVictimOfTrafficking"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def test_no_data_rule() -> None:
    counts = {"MX": 3}
    assert no_data_rule(counts, {"MX", "GT"}, ["MX", "GT", "HN"]) == {"MX": 3, "GT": 0, "HN": None}
    assert no_data_rule({}, set(), ["MX"]) == {"MX": None}


def test_age_when_identified() -> None:
    assert age_when_identified(date(2009, 6, 1), None, None, date(2025, 5, 31)) == 15
    assert age_when_identified(date(2009, 6, 1), None, None, date(2025, 6, 1)) == 16
    assert age_when_identified(None, 16, date(2023, 7, 1), date(2025, 6, 30)) == 17
    assert age_when_identified(None, 16, date(2023, 7, 1), date(2025, 7, 1)) == 18
    assert age_when_identified(None, None, date(2023, 7, 1), date(2025, 7, 1)) is None


def test_groups() -> None:
    assert sex_age_group("female", 17) == "girls"
    assert sex_age_group("female", 18) == "women"
    assert sex_age_group("male", 9) == "boys"
    assert sex_age_group("female", None) == "other"
    assert sex_age_group("unknown", 30) == "other"
    assert nationality_split(["MX"], "MX") == "within"
    assert nationality_split(["GT", "MX"], "MX") == "within"
    assert nationality_split(["GT"], "MX") == "outside"
    assert nationality_split([], "MX") == "not_recorded"
    assert nationality_split(["GT"], None) == "not_recorded"
    assert exploitation_forms(["SexualExploitation", "DebtBondage"]) == {"sexual", "labour"}
    assert exploitation_forms([]) == {"not_recorded"}
    assert exploitation_forms(["NotKnown"]) == {"not_recorded"}


def _victim(build: Any, coordinator: Any, reported: date, located: date | None, **options: Any) -> Any:
    types = options.pop("exploitation", [])
    consent = options.pop("consent", "granted")
    place = options.pop("located_in", None)
    org = options.pop("org", None)
    case = build.case(reported, org=org, **options)
    TraffickingFacts.objects.create(
        case=case, trafficking_status=ACTUAL, exploitation_types=types, updated_by=coordinator
    )
    if consent:
        record_consent(case, Purpose.STATISTICS, coordinator, on=date(2025, 1, 2))
        if consent == "withdrawn":
            record_consent(case, Purpose.STATISTICS, coordinator, "withdrawn", on=date(2025, 6, 1))
    if located is not None:
        case = build.locate(case, located)
        Outcome.objects.create(
            case=case, result="located_alive", on=located, place=place, how="unknown", recorded_by=coordinator
        )
    return case


def _service(case: Any, kind: str, on: date, by: Any, recipient: str = "victim") -> Service:
    return Service.objects.create(case=case, service_type=kind, given_on=on, recorded_by=by, recipient=recipient)


@pytest.fixture
def region(build: Any, coordinator: Any, org_a: Any, org_b: Any, make_user: Any, places: dict[str, Any]) -> Any:
    org_h = Organisation.objects.create(name="Honduras", code="HON", country="HN")
    org_c = Organisation.objects.create(name="Costa Rica", code="CRI", country="CR", coalition_member=False)
    v1 = _victim(
        build,
        coordinator,
        date(2025, 1, 10),
        date(2025, 5, 1),
        sex="female",
        birth_date=date(2009, 6, 1),
        nationalities=["MX"],
        located_in=places["qro_city"],
        exploitation=["SexualExploitation"],
    )
    v2 = _victim(
        build,
        coordinator,
        date(2024, 11, 1),
        date(2025, 3, 1),
        sex="female",
        estimated_age=30,
        nationalities=["GT"],
        located_in=places["mx"],
    )
    v3 = _victim(build, coordinator, date(2025, 1, 5), date(2025, 2, 1), consent=None, located_in=places["mx"])
    v4 = _victim(build, coordinator, date(2025, 1, 6), date(2025, 2, 1), consent="withdrawn")
    _service(v1, "legal_advice", date(2025, 6, 1), coordinator)
    _service(v1, "psychological", date(2025, 6, 2), coordinator)
    _service(v1, "medical", date(2025, 6, 3), coordinator, recipient="family")
    _service(v2, "repatriation", date(2025, 4, 1), coordinator)
    _service(v3, "repatriation", date(2025, 4, 1), coordinator)
    _service(v4, "psychological", date(2025, 4, 1), coordinator)
    record_consent(v1, Purpose.LEGAL_REPRESENTATION, coordinator)
    proceeding = open_proceeding(
        v1, actor=coordinator, complaint_filed_on=date(2025, 2, 1), lawyer=make_user(org_a, "lawyer")
    )
    Accused.objects.create(proceeding=proceeding, outcome="convicted", outcome_on=date(2025, 9, 1))
    Accused.objects.create(proceeding=proceeding, outcome="acquitted", outcome_on=None)
    activity(org_a, held_on=date(2025, 3, 1), participants=40, women=40)
    activity(org_a, held_on=date(2025, 4, 1), activity_type="campaign", reach="indirect", participants=None)

    g1 = _victim(build, coordinator, date(2023, 2, 1), date(2023, 6, 1), org=org_b, exploitation=["ForcedLabour"])
    _service(g1, "legal_advice", date(2026, 2, 1), coordinator)

    _victim(build, coordinator, date(2025, 1, 1), date(2025, 3, 1), org=org_h, consent=None)
    _victim(build, coordinator, date(2025, 1, 1), date(2025, 3, 1), org=org_c, exploitation=["SexualExploitation"])
    activity(org_c, held_on=date(2025, 3, 1), participants=900)
    return {"v1": v1, "v2": v2}


def values(table: Any, column: str) -> dict[str, Any]:
    """Row key → the cell's value, or "no data" for a no-data cell."""
    result = {}
    for row in table.rows:
        cell = row.cells[column]
        result[row.key] = "no data" if isinstance(cell, NoDataCell) else cell.value
    return result


def test_countries_are_the_coalition_members(region: Any) -> None:
    assert RegionalData(YEAR).countries == ["GT", "HN", "MX"]


def test_identification_real_zero_versus_no_data(region: Any) -> None:
    report = regional_report(YEAR)
    table = report.table("identification")
    assert table is not None
    assert values(table, "total") == {"gt": 0, "hn": "no data", "mx": 2, "coalition": 2}
    assert values(table, "girls") == {"gt": 0, "hn": "no data", "mx": 1, "coalition": 1}
    assert values(table, "women")["mx"] == 1
    assert values(table, "boys")["mx"] == 0
    honduras = table.row("hn")
    assert honduras is not None
    cell = honduras.cells["total"]
    assert isinstance(cell, NoDataCell) and cell.display() == "no data (1)"
    assert len(table.footnotes) == 1
    assert table.footnotes[0].startswith("(1) No data for Honduras on: Victims identified;")
    assert "up to 31 December 2025" in table.footnotes[0]


def test_nationality_and_exploitation(region: Any) -> None:
    report = regional_report(YEAR)
    nationality = report.table("nationality")
    assert values(nationality, "within") == {"gt": 0, "hn": "no data", "mx": 1, "coalition": 1}
    assert values(nationality, "outside")["mx"] == 1
    assert values(nationality, "not_recorded")["mx"] == 0
    exploitation = report.table("exploitation")
    assert values(exploitation, "sexual") == {"gt": 0, "hn": "no data", "mx": 1, "coalition": 1}
    assert values(exploitation, "not_recorded")["mx"] == 1
    assert values(exploitation, "labour")["gt"] == 0  # Guatemala records forms; none identified in 2025


def test_assistance_per_type_and_country(region: Any) -> None:
    table = regional_report(YEAR).table("assistance")
    assert values(table, "legal") == {"gt": "no data", "hn": "no data", "mx": 1, "coalition": 1}
    assert values(table, "psychological")["mx"] == 1  # v4 (consent withdrawn) is not counted
    assert values(table, "health")["mx"] == 0  # medical care is recorded (to her mother): a real zero
    assert values(table, "accommodation") == {"gt": "no data", "hn": "no data", "mx": "no data", "coalition": "no data"}
    # A service recorded only after the year does not make Guatemala's 2025 figure a zero.
    assert any("Guatemala, Honduras" in note for note in table.footnotes)
    assert any("No data for any country on: Accommodation" in note for note in table.footnotes)


def test_prosecution_and_repatriation(region: Any) -> None:
    report = regional_report(YEAR)
    prosecution = report.table("prosecution")
    assert values(prosecution, "open") == {"gt": "no data", "hn": "no data", "mx": 1, "coalition": 1}
    assert values(prosecution, "convictions")["mx"] == 1
    assert values(prosecution, "sentenced")["mx"] == 1
    acquittals = prosecution.row("mx").cells["acquittals"]
    assert (acquittals.value, acquittals.no_data) == (0, 1)  # an acquittal without a date: counted apart
    repatriation = report.table("repatriation")
    assert values(repatriation, "repatriated") == {"gt": "no data", "hn": "no data", "mx": 1, "coalition": 1}


def test_prevention(region: Any) -> None:
    report = regional_report(YEAR)
    prevention = report.table("prevention")
    assert values(prevention, "direct_activities") == {"gt": "no data", "hn": "no data", "mx": 1, "coalition": 1}
    assert values(prevention, "direct_people")["mx"] == 40  # Costa Rica's 900 are not counted
    indirect = prevention.row("mx").cells["indirect_people"]
    assert (indirect.value, indirect.no_data) == (0, 1)  # the campaign's audience was not recorded
    profile = report.table("prevention_profile")
    assert values(profile, "women")["mx"] == 40
    assert values(profile, "men")["mx"] == "no data"  # nobody in Mexico ever recorded men
    assert values(profile, "sex_not_recorded")["mx"] == 0


def test_exports_say_no_data(region: Any) -> None:
    report = regional_report(YEAR)
    parsed = tables.parse_csv(tables.to_csv(report))
    assert parsed[("identification", "hn", "total")] == "no data"
    assert parsed[("identification", "gt", "total")] == "0"
    assert parsed[("identification", "coalition", "total")] == "2"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(tables.to_xlsx(report)))
    sheet = book["identification"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[[r[0] for r in cells].index("Honduras")][:2] == ["Honduras", "no data"]
    assert any(str(r[0]).startswith("(1) No data for Honduras") for r in cells)
    assert tables.to_pdf(report).startswith(b"%PDF")
    as_json = tables.to_json(report)
    first = as_json["tables"][0]
    assert first["rows"][1]["cells"]["total"]["value"] == "no data"


def test_no_organisation_no_rows(db: Any) -> None:
    report = regional_report(YEAR)
    table = report.table("identification")
    assert [row.key for row in table.rows] == ["coalition"]
    assert isinstance(table.rows[0].cells["total"], NoDataCell)


def test_recording_counts_only_up_to_the_end_of_the_year(region: Any) -> None:
    """In 2024 Mexico had assessed v2 (reported 2024-11-01) but started no proceeding and ran no activity yet."""
    report = regional_report(2024)
    assert values(report.table("identification"), "total")["mx"] == 0
    assert values(report.table("prosecution"), "open")["mx"] == "no data"
    assert values(report.table("prevention"), "direct_activities")["mx"] == "no data"
    assert values(report.table("identification"), "total")["gt"] == 0


def test_open_proceedings_are_no_data_where_no_case_has_a_trafficking_status(
    region: Any, build: Any, coordinator: Any, make_user: Any
) -> None:
    """Issue 14: Honduras records a proceeding (with a lawyer, under way in 2025) in a consenting case whose
    trafficking status was never recorded, and one "not assessed yet". Open proceedings count victims'
    cases only, so Honduras cannot answer the figure: "no data", never 0. The outcomes of its accused likewise."""
    org_h = Organisation.objects.get(code="HON")
    lawyer = make_user(org_h, "lawyer")
    for status in (None, "unknown"):
        case = build.case(date(2025, 1, 20), org=org_h)
        record_consent(case, Purpose.STATISTICS, coordinator, on=date(2025, 1, 21))
        if status is not None:
            TraffickingFacts.objects.create(case=case, trafficking_status=status, updated_by=coordinator)
        record_consent(case, Purpose.LEGAL_REPRESENTATION, coordinator, on=date(2025, 1, 21))
        proceeding = open_proceeding(case, actor=coordinator, complaint_filed_on=date(2025, 2, 1), lawyer=lawyer)
        Accused.objects.create(proceeding=proceeding, outcome="convicted", outcome_on=date(2025, 9, 1))
    prosecution = regional_report(YEAR).table("prosecution")
    assert values(prosecution, "open") == {"gt": "no data", "hn": "no data", "mx": 1, "coalition": 1}
    assert values(prosecution, "convictions")["hn"] == "no data"
    assert values(prosecution, "sentenced")["hn"] == "no data"
    assert values(prosecution, "convictions")["mx"] == 1
