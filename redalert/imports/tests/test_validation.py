"""Every validation rule: the report gives line, column, value and reason (tested in English, shown in the user's
language), and a file with a bad row imports nothing in the all-or-nothing mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from redalert.cases.models import Case
from redalert.imports.models import ImportProblem
from redalert.imports.problems import reason
from redalert.imports.tests.conftest import csv_bytes, row

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()

RULES = [
    # (what the row says, column, value, reason in English)
    ({"case_reference": ""}, "case_reference", "", "A value is required."),
    ({"reported_on": ""}, "reported_on", "", "A value is required."),
    ({"reported_on": "2019-02-30"}, "reported_on", "2019-02-30", "Not a date: write it as YYYY-MM-DD"),
    ({"reported_on": "March 5th"}, "reported_on", "March 5th", "Not a date"),
    ({"reported_on": TOMORROW}, "reported_on", TOMORROW, "The date is in the future."),
    ({"reported_on": "2019-03-01"}, "reported_on", "2019-03-01", "Cannot be before last_seen_on (2019-03-04)."),
    ({"sex": "other"}, "sex", "other", "Not one of the accepted values: female, male, intersex, unknown."),
    ({"gender": "woman"}, "gender", "woman", "Not one of the accepted values: Feminine, Masculine"),
    ({"report_channel": "radio"}, "report_channel", "radio", "Not one of the accepted values: family, public"),
    ({"age_at_disappearance": "17 years"}, "age_at_disappearance", "17 years", "Not a whole number."),
    ({"age_at_disappearance": "130"}, "age_at_disappearance", "130", "Must be between 0 and 120."),
    (
        {"birth_date": "2000-01-01", "age_at_disappearance": "12"},
        "age_at_disappearance",
        "12",
        "Does not agree with the date of birth: she was 19 on the date last seen.",
    ),
    ({"birth_date": "2019-05-01"}, "birth_date", "2019-05-01", "Cannot be after last_seen_on (2019-03-04)."),
    ({"nationalities": "MX; Atlantis"}, "nationalities", "MX; Atlantis", "country name: Atlantis."),
    ({"indigenous": "maybe"}, "indigenous", "maybe", "Not one of the accepted values: yes, no, unknown."),
    ({"given_names": "x" * 151}, "given_names", "x" * 151, "At most 150 characters."),
    ({"last_seen_place": "Narnia"}, "last_seen_place", "Narnia", "No place of the gazetteer has this name or code."),
    ({"last_seen_place": ""}, "last_seen_place", "", "A value is required."),
    ({"status": "lost"}, "status", "lost", "Not one of the accepted values: reported, verification, active_search"),
    ({"status": "located_alive"}, "located_on", "", "A case that was located needs the date she was located."),
    (
        {"status": "located_alive", "located_on": "2019-03-01"},
        "located_on",
        "2019-03-01",
        "Cannot be before last_seen_on (2019-03-04).",
    ),
    (
        {"status": "located_alive", "located_on": "2019-04-01", "status_on": "2019-04-02"},
        "status_on",
        "2019-04-02",
        "Does not agree with located_on (2019-04-01).",
    ),
    (
        {"status": "located_alive", "located_on": "2019-04-01", "outcome": "deceased"},
        "outcome",
        "deceased",
        "Does not agree with status (located_alive).",
    ),
    (
        {"status": "follow_up", "located_on": "2019-04-01"},
        "outcome",
        "",
        "Say whether she was located alive or deceased.",
    ),
    (
        {"status": "follow_up", "located_on": "2019-04-01", "outcome": "alive", "status_on": "2019-03-20"},
        "status_on",
        "2019-03-20",
        "Cannot be before located_on (2019-04-01).",
    ),
    ({"status": "closed"}, "closed_on", "", "A closed case needs the date it was closed."),
    (
        {"status": "closed", "closed_on": "2019-03-01"},
        "closed_on",
        "2019-03-01",
        "Cannot be before reported_on (2019-03-05).",
    ),
    (
        {"status": "not_located", "located_on": "2019-04-01"},
        "located_on",
        "2019-04-01",
        "Only for a case whose status is located_alive, located_deceased, follow_up, closed.",
    ),
    ({"status": "not_located", "closed_on": "2019-04-01"}, "closed_on", "2019-04-01", "whose status is closed."),
    ({"status": "reported", "status_on": "2019-03-09"}, "status_on", "2019-03-09", "Does not agree with reported_on"),
    ({"type_of_exploitation": "Sexual; Cooking"}, "type_of_exploitation", "Sexual; Cooking", "accepted values"),
    ({"organised_crime": "perhaps"}, "organised_crime", "perhaps", "Not one of the accepted values: yes, no, unknown."),
    ({"recruitment_places": "MX-QUE; Nowhere"}, "recruitment_places", "MX-QUE; Nowhere", "No place of the gazetteer"),
    ({"legal_representation": "si claro"}, "legal_representation", "si claro", "Not one of the accepted values"),
    (
        {"complaint_filed_on": "2019-05-01", "conviction_on": "2019-04-01"},
        "conviction_on",
        "2019-04-01",
        "Cannot be before complaint_filed_on (2019-05-01).",
    ),
    (
        {"consent_statistics": "maybe"},
        "consent_statistics",
        "maybe",
        "Not one of the accepted values: granted, refused",
    ),
    ({"organisation": "COLB"}, "organisation", "COLB", "This file is being imported for organisation RBA."),
    ({"service_1_on": "2019-04-01"}, "service_1_type", "", "Give the type of service for this date or cost."),
    ({"service_1_type": "medical"}, "service_1_on", "", "Give the date the service was given."),
    ({"service_1_type": "massage", "service_1_on": "2019-04-01"}, "service_1_type", "massage", "accepted values"),
    (
        {"service_1_type": "medical", "service_1_on": "2019-04-01", "service_1_cost": "150"},
        "service_1_currency",
        "",
        "Give the currency of the cost.",
    ),
    (
        {"service_1_type": "medical", "service_1_on": "2019-04-01", "service_1_currency": "MXN"},
        "service_1_cost",
        "",
        "Give the cost, or leave the currency empty if the cost is not known.",
    ),
    (
        {
            "service_1_type": "medical",
            "service_1_on": "2019-04-01",
            "service_1_cost": "-5",
            "service_1_currency": "MXN",
        },
        "service_1_cost",
        "-5",
        "An amount cannot be negative.",
    ),
    (
        {"service_1_type": "medical", "service_1_on": "2019-04-01", "service_1_cost": "1,500.00"},
        "service_1_cost",
        "1,500.00",
        "Not an amount",
    ),
    (
        {
            "service_1_type": "medical",
            "service_1_on": "2019-04-01",
            "service_1_cost": "5",
            "service_1_currency": "PESOS",
        },
        "service_1_currency",
        "PESOS",
        "Not an ISO 4217 currency code",
    ),
    (
        {"service_1_type": "immigration_relief", "service_1_on": "2019-04-01"},
        "service_1_type",
        "immigration_relief",
        "Immigration relief cannot be imported",
    ),
    ({"expense_1_category": "food", "expense_1_on": "2019-04-01"}, "expense_1_amount", "", "Give the amount"),
    ({"expense_1_amount": "100", "expense_1_currency": "MXN"}, "expense_1_category", "", "Give the category"),
]


@pytest.mark.parametrize(("values", "column", "value", "expected"), RULES)
def test_each_rule_reports_line_column_value_and_reason(run_import, values, column, value, expected):
    good = row(case_reference="OK-1")
    bad = row(case_reference="BAD-1", **values) if "case_reference" not in values else row(**values)
    job = run_import(csv_bytes([good, bad]))
    assert job.status == "rejected"
    problems = list(ImportProblem.objects.filter(job=job))
    with translation.override("en"):
        found = [(p.line, p.column, p.value, reason(p.code, p.params)) for p in problems]
    assert any(line == 3 and col == column and val == value and expected in text for line, col, val, text in found), (
        found
    )
    assert {p.line for p in problems} == {3}, "only the bad row has problems"
    assert not Case.objects.exists(), "all or nothing: the good row was not imported either"


def test_reasons_are_stored_as_codes_and_shown_in_the_readers_language(run_import):
    data = csv_bytes(
        [row(service_1_type="medical", service_1_on="2019-04-01", service_1_cost="-1", service_1_currency="MXN")]
    )
    job = run_import(data)
    problem = ImportProblem.objects.get(job=job)
    assert problem.code == "negative_amount"
    with translation.override("es"):
        assert reason(problem.code, problem.params) == "Un monto no puede ser negativo."
    with translation.override("en"):
        assert reason(problem.code, problem.params) == "An amount cannot be negative."


def test_a_reference_twice_in_the_file(run_import):
    job = run_import(csv_bytes([row(case_reference="R-1"), row(case_reference="R-2"), row(case_reference="R-1")]))
    problem = ImportProblem.objects.get(job=job)
    with translation.override("en"):
        assert (problem.line, problem.column, problem.value) == (4, "case_reference", "R-1")
        assert problem.params == {"line": 2}
        assert "already on line 2" in reason(problem.code, problem.params)


def test_a_reference_of_a_case_opened_in_the_system_is_not_touched(run_import, make_case, org_a, importer):
    opened = make_case(org_a, importer)
    job = run_import(csv_bytes([row(case_reference=opened.reference, sex="male")]))
    problem = ImportProblem.objects.get(job=job)
    assert (problem.line, problem.column, problem.code) == (2, "case_reference", "reference_in_system")
    opened.person.refresh_from_db()
    assert opened.person.sex == "female"


def test_a_value_under_no_header(run_import):
    data = csv_bytes([row()]).replace(b"not_located\r\n", b"not_located,extra\r\n")
    job = run_import(data)
    problem = ImportProblem.objects.get(job=job)
    assert (problem.line, problem.column, problem.value, problem.code) == (2, "#6", "extra", "extra_cell")


@pytest.mark.parametrize(
    ("header", "column", "code"),
    [
        (
            ["case_reference", "reported_on", "last_seen_on", "last_seen_place", "status", "sexo"],
            "sexo",
            "unknown_column",
        ),
        (["case_reference", "reported_on", "last_seen_on", "last_seen_place"], "status", "missing_column"),
        (
            ["case_reference", "reported_on", "last_seen_on", "last_seen_place", "status", "Sex", "sex"],
            "sex",
            "duplicate_column",
        ),
    ],
)
def test_header_problems_refuse_the_file_before_it_is_stored(org_a, importer, header, column, code):
    from redalert.imports.jobs import HeaderRejected, create_job
    from redalert.imports.models import ImportJob

    with pytest.raises(HeaderRejected) as caught:
        create_job(
            organisation=org_a,
            user=importer,
            file_name="x.csv",
            data=csv_bytes([row()], header=header),
            mode="all_or_nothing",
        )
    assert [(p.line, p.column, p.code) for p in caught.value.problems] == [(1, column, code)]
    assert not ImportJob.objects.exists()


def test_columns_starting_with_hash_are_left_out(run_import):
    data = csv_bytes([{**row(), "# notes": "anything"}])
    job = run_import(data)
    assert job.status == "done"
    assert Case.objects.count() == 1


def test_hdtcs_and_alias_headers_are_accepted(run_import):
    data = csv_bytes(
        [
            {
                "Reference": "A-1",
                "date_reported": "2019-03-05",
                "date_of_disappearance": "2019-03-04",
                "place_of_disappearance": "MX-QUE",
                "Status": "not_located",
                "Gender": "TransgenderFeminine",
                "AgeWhenTrafficked": "15",
                "TypeOfExploitation": "ForcedBegging",
                "TraffickingStatus": "PossibleVictimOfTrafficking",
            }
        ]
    )
    job = run_import(data)
    assert job.status == "done", list(ImportProblem.objects.values_list("column", "code"))
    case = Case.objects.get()
    assert case.person.gender == "TransgenderFeminine"
    assert case.person.estimated_age == 15
    assert case.trafficking_facts.exploitation_types == ["ForcedBegging"]
