"""k-anonymity: the builder's output passes the verifier for k=11, the verifier fails a file with a class of 3 and
says k=3, and the open-data file holds only cases with consent to use in statistics, reduced to quasi-identifiers."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import Case
from redalert.consent.choices import Decision
from redalert.opendata.ctdc import CTDC_COLUMNS, HIERARCHIES, age_band, build_open_data
from redalert.opendata.kanon import Hierarchy, anonymise, verify
from redalert.opendata.tests.helpers import EN, SECRETS, add_facts, statistics_consent

K = 11


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# -- The verifier.


def test_the_verifier_fails_a_file_with_a_class_of_three_and_reports_k_3(tmp_path: Path) -> None:
    rows = [["Female", "9--17", "MX"]] * 12 + [["Male", "18--20", "GT"]] * 3
    path = write(tmp_path / "small.csv", ["gender", "ageBroad", "citizenship"], rows)
    out = io.StringIO()
    with pytest.raises(CommandError, match="k=3") as raised:
        call_command("verify_k_anonymity", str(path), stdout=out)
    assert raised.value.returncode == 1
    assert "NOT 11-anonymous (it is only 3-anonymous)" in out.getvalue()
    assert "15 records in 2 classes" in out.getvalue()


def test_the_verifier_passes_a_k_anonymous_file_and_says_which_k(tmp_path: Path) -> None:
    rows = [["Female", "9--17"]] * 12 + [["Male", "18--20"]] * 14
    path = write(tmp_path / "ok.csv", ["gender", "ageBroad"], rows)
    assert "11-anonymous (it is 12-anonymous)" in run("verify_k_anonymity", str(path))


def test_the_verifier_groups_by_the_quasi_identifiers_asked_for(tmp_path: Path) -> None:
    rows = [["Female", "9--17", "a"]] * 12 + [["Female", "18--20", "b"]] * 3
    path = write(tmp_path / "q.csv", ["gender", "ageBroad", "note"], rows)
    with pytest.raises(CommandError):
        run("verify_k_anonymity", str(path))
    assert "it is 15-anonymous" in run("verify_k_anonymity", str(path), "--quasi-identifiers", "gender")
    with pytest.raises(CommandError, match="k=3"):
        run("verify_k_anonymity", str(path), "--quasi-identifiers", "gender,ageBroad")
    assert "it is 3-anonymous" in run("verify_k_anonymity", str(path), "--quasi-identifiers", "ageBroad", "--k", "3")


def test_the_verifier_explains_bad_input(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("verify_k_anonymity", str(tmp_path / "missing.csv"))
    path = write(tmp_path / "x.csv", ["gender"], [["Female"]])
    with pytest.raises(CommandError, match="No such column: age"):
        run("verify_k_anonymity", str(path), "--quasi-identifiers", "age")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("gender,age\nFemale\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        run("verify_k_anonymity", str(ragged))
    empty = write(tmp_path / "empty.csv", ["gender"], [])
    assert "no records" in run("verify_k_anonymity", str(empty))


# -- The anonymiser on its own.


def _synthetic(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "year": rng.choice([2019, 2020, 2021, 2022, 2023, 2024, 2025, None]),
            "gender": rng.choices(["Female", "Male", "Trans/Transgender/NonConforming", None], [85, 8, 2, 5])[0],
            "age": rng.choice([None, *range(3, 60)]),
            "citizenship": rng.choices(["MX", "GT", "HN", "SV", "CO", "US", "ES", None], [40, 15, 15, 10, 5, 3, 2, 10])[
                0
            ],
            "exploitation_country": rng.choice(["MX", "US", "GT", None, None]),
            "exploitation": rng.choice(
                [
                    (None, None),
                    (frozenset({"SexualExploitation"}), frozenset({"Prostitution"})),
                    (frozenset({"ForcedLabour"}), None),
                    (frozenset({"ForcedMarriage", "SexualExploitation"}), None),
                ]
            ),
            "means": rng.choice([None, frozenset({"PhysicalThreats"}), frozenset({"DebtBondage", "SexualAbuse"})]),
            "recruiter": rng.choice([None, "Familial", "Acquainted", "Unacquainted"]),
        }
        for _ in range(n)
    ]


@pytest.mark.parametrize(("n", "seed"), [(40, 1), (300, 2), (2000, 3)])
def test_every_published_class_has_at_least_k_records(n: int, seed: int) -> None:
    result = anonymise(_synthetic(n, seed), HIERARCHIES, k=K, max_suppressed_share=0.05)
    assert len(result.kept) + len(result.suppressed) == n
    assert len(result.suppressed) <= 0.05 * n or len(result.kept) == 0
    verdict = verify((tuple(row.values()) for row in result.rows), k=K)
    assert verdict.passes and (verdict.records == 0 or verdict.smallest_class >= K)


def test_fewer_records_than_k_publish_nothing() -> None:
    result = anonymise(_synthetic(10, 4), HIERARCHIES, k=K)
    assert result.kept == [] and len(result.suppressed) == 10


def test_identical_records_need_no_generalisation() -> None:
    raw = _synthetic(1, 5) * 11
    result = anonymise(raw, HIERARCHIES, k=K)
    assert set(result.levels.values()) == {0} and len(result.kept) == 11


def test_the_cheapest_generalisation_is_chosen() -> None:
    colour = Hierarchy("colour", 2, lambda v, level: (v if level == 0 else "",), weight=1.0)
    size = Hierarchy("size", 2, lambda v, level: (v if level == 0 else "",), weight=5.0)
    raw = [{"colour": c, "size": "big"} for c in "abcdefghijk"]
    result = anonymise(raw, [colour, size], k=K, max_suppressed_share=0)
    assert result.levels == {"colour": 1, "size": 0}
    assert result.generalised == {"colour": 11, "size": 0}


# -- The CTDC layout and its hierarchies.


def test_the_layout_is_ctdcs() -> None:
    assert len(CTDC_COLUMNS) == 63
    assert CTDC_COLUMNS[:8] == (
        "yearOfRegistration",
        "Datasource",
        "gender",
        "ageBroad",
        "majorityStatus",
        "majorityStatusAtExploit",
        "majorityEntry",
        "citizenship",
    )
    assert CTDC_COLUMNS[-6:] == (
        "CountryOfExploitation",
        "recruiterRelationIntimatePartner",
        "recruiterRelationFriend",
        "recruiterRelationFamily",
        "recruiterRelationOther",
        "recruiterRelationUnknown",
    )
    assert [age_band(a) for a in (0, 8, 9, 17, 18, 29, 30, 47, 48, None)] == [
        "0--8", "0--8", "9--17", "9--17", "18--20", "27--29", "30--38", "39--47", "48+", None,
    ]  # fmt: skip


def test_the_hierarchies_generalise_step_by_step() -> None:
    by_name = {h.name: h for h in HIERARCHIES}
    assert [by_name["year"].generalise(2025, level) for level in range(4)] == [
        ("2025",), ("2024--2025",), ("2025--2029",), ("",),
    ]  # fmt: skip
    assert [by_name["citizenship"].generalise("HN", level) for level in range(3)] == [
        ("HN",), ("Central America",), ("",),
    ]  # fmt: skip
    assert [by_name["age"].generalise(16, level)[:2] for level in range(3)] == [
        ("9--17", "Minor"), ("", "Minor"), ("", ""),
    ]  # fmt: skip


# -- Building the file from case files.


@pytest.fixture
def victims(make_case: Any, org_a: Any, coordinator: Any, places: dict[str, Any]) -> list[Case]:
    """24 girls with the same profile (12 with facts recorded, 12 without) and two unusual cases."""
    cases = []
    for index in range(24):
        case = make_case(org_a, coordinator, nationalities=["MX"], given_names=f"Niña {index}")
        if index < 12:
            add_facts(case, coordinator, places)
        statistics_consent(case, coordinator)
        cases.append(case)
    unusual = ({"sex": "male", "gender": "Masculine"}, {"birth_date": date(1970, 1, 1), "nationalities": ["CO"]})
    for overrides in unusual:
        case = make_case(org_a, coordinator, **{"nationalities": ["MX"], **overrides})
        statistics_consent(case, coordinator)
        cases.append(case)
    return cases


@pytest.mark.django_db
def test_the_builders_file_passes_the_verifier_for_k_11(victims: list[Case], org_a: Any, tmp_path: Path) -> None:
    out = tmp_path / "open.csv"
    summary = run("export_open_data", "--organisation", org_a.code, "--out", str(out))
    assert "of 26 records published with k=11" in summary
    assert "11-anonymous" in run("verify_k_anonymity", str(out))
    text = out.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, secret
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(list(row) == list(CTDC_COLUMNS) for row in rows)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.actor_label == "system:export_open_data"
    assert entry.detail["records_published"] == len(rows) and entry.detail["k"] == 11


@pytest.mark.django_db
def test_unknown_facts_are_never_written_as_no(victims: list[Case], org_a: Any) -> None:
    built = build_open_data(Case.objects.filter(organisation=org_a), k=K, max_suppressed_share=0.05)
    rows = [dict(zip(CTDC_COLUMNS, row, strict=True)) for row in built.rows]
    without_facts = [r for r in rows if r["meansOfControlNotSpecified"] == "1"]
    assert without_facts, "the cases without facts are published"
    for row in without_facts:
        assert row["meansOfControlThreats"] == "" and row["isSexualExploit"] == ""
        assert row["recruiterRelationUnknown"] in ("1", "")
    with_facts = [r for r in rows if r["meansOfControlNotSpecified"] == "0"]
    for row in with_facts:
        assert row["meansOfControlThreats"] in ("1", "")
        assert row["meansOfControlRestrictsMovement"] == ""  # not in the case file's vocabulary: unknown, not no


@pytest.mark.django_db
def test_only_cases_with_consent_to_statistics_and_a_withdrawal_counts_at_the_next_build(
    victims: list[Case], make_case: Any, org_a: Any, coordinator: Any
) -> None:
    make_case(org_a, coordinator, given_names="Sin consentimiento")
    cases = Case.objects.filter(organisation=org_a)
    assert build_open_data(cases, k=K, max_suppressed_share=0.05).records_considered == 26
    statistics_consent(victims[0], coordinator, Decision.WITHDRAWN)
    assert build_open_data(cases, k=K, max_suppressed_share=0.05).records_considered == 25


@pytest.mark.django_db
def test_cases_assessed_not_victims_are_left_out(victims: list[Case], coordinator: Any, org_a: Any) -> None:
    facts = victims[0].trafficking_facts
    facts.trafficking_status = "NotAVictimOfTrafficking"
    facts.save()
    built = build_open_data(Case.objects.filter(organisation=org_a), k=K, max_suppressed_share=0.05)
    assert built.records_considered == 25


@pytest.mark.django_db
def test_publication_never_goes_below_11(victims: list[Case], org_a: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="at least 11"):
        run("export_open_data", "--organisation", org_a.code, "--out", str(tmp_path / "x.csv"), "--k", "5")
    with pytest.raises(CommandError, match="No organisation"):
        run("export_open_data", "--organisation", "NOPE", "--out", str(tmp_path / "x.csv"))


@pytest.mark.django_db
def test_the_coalition_file_joins_the_members(
    victims: list[Case], make_case: Any, org_b: Any, make_user: Any, tmp_path: Path
) -> None:
    other = make_user(org_b, "coordinator")
    for _ in range(3):
        statistics_consent(make_case(org_b, other), other)
    out = tmp_path / "coalition.csv"
    assert "of 29 records" in run("export_open_data", "--coalition", "--out", str(out))
    assert "11-anonymous" in run("verify_k_anonymity", str(out))


@pytest.mark.django_db
def test_staff_see_and_download_the_open_data_file(
    victims: list[Case], make_user: Any, org_a: Any, client_for: Any
) -> None:
    analyst = make_user(org_a, "analyst")
    client = client_for(analyst)
    page = client.get(reverse("opendata:open_data"), **EN)
    assert page.status_code == 200
    assert "Records considered" in page.content.decode()
    response = client.get(reverse("opendata:open_data_download"), **EN)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(rows[0]) == CTDC_COLUMNS
    assert verify(rows[1:], k=K).passes
    actions = list(AuditEntry.objects.filter(actor=analyst).values_list("action", flat=True))
    assert AuditAction.VIEW in actions and AuditAction.EXPORT in actions
