"""Legal representation imported as a history (issue 14): the columns write a proceeding with its status history as
redalert.legal.services writes it, so the yearly report's legal figures come out of an import."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from redalert.imports.models import ImportProblem
from redalert.imports.problems import reason
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.legal.models import Proceeding, StatusChange
from redalert.statistics.report import yearly_report
from redalert.statistics.scope import organisation_scope

HISTORY = [
    # Represented from 2014 until the prosecutor declined in 2016; no complaint date known.
    row(
        case_reference="L-1",
        reported_on="2014-02-10",
        last_seen_on="2014-02-09",
        legal_representation="yes",
        legal_representation_from="2014-05-01",
        legal_representation_until="2016-03-01",
        legal_representation_end="declined",
        investigation_file="FEVIMTRA/123/2014",
    ),
    # Complaint in 2015, a conviction (the sentence) in 2017.
    row(
        case_reference="L-2",
        reported_on="2014-06-10",
        last_seen_on="2014-06-01",
        legal_representation="yes",
        complaint_filed_on="2015-02-01",
        conviction_on="2017-06-01",
    ),
]


def legal_counts(org, year: int) -> dict[str, int | None]:
    table = yearly_report(organisation_scope(org), year).table("legal")
    assert table is not None
    return {r.key: r.cells["cases"].value for r in table.rows}


def test_the_yearly_legal_figures_come_out_of_an_import(run_import, org_a):
    job = run_import(csv_bytes(HISTORY))
    assert job.status == "done", list(ImportProblem.objects.filter(job=job).values_list("column", "code"))
    assert legal_counts(org_a, 2014) == {"representation": 1, "complaints": 0, "convictions": 0}
    assert legal_counts(org_a, 2015) == {"representation": 2, "complaints": 1, "convictions": 0}
    assert legal_counts(org_a, 2016) == {"representation": 2, "complaints": 0, "convictions": 0}
    assert legal_counts(org_a, 2017) == {"representation": 1, "complaints": 0, "convictions": 1}
    assert legal_counts(org_a, 2018)["representation"] == 0


def test_the_proceeding_has_the_history_legal_services_would_write(run_import):
    run_import(csv_bytes(HISTORY[:1]))
    proceeding = Proceeding.objects.get()
    assert (proceeding.status, proceeding.status_changed_on, proceeding.decline_reason) == (
        "declined",
        date(2016, 3, 1),
        "unknown",
    )
    assert proceeding.investigation_file == "FEVIMTRA/123/2014"
    changes = list(
        StatusChange.objects.order_by("changed_on").values_list("from_status", "to_status", "changed_on", "reason")
    )
    assert changes == [
        ("", "investigation", date(2014, 5, 1), ""),
        ("investigation", "declined", date(2016, 3, 1), "unknown"),
    ]


RULES = [
    (
        {"legal_representation_from": "2015-01-01", "legal_representation_until": "2014-01-01"},
        "legal_representation_until",
        "Cannot be before legal_representation_from (2015-01-01).",
    ),
    (
        {"legal_representation_from": "2015-01-01", "legal_representation_until": "2016-01-01"},
        "legal_representation_end",
        "Say how the representation ended: sentenced or declined",
    ),
    (
        {"legal_representation_end": "declined", "sentence_on": "2016-01-01"},
        "legal_representation_end",
        "Does not agree with sentence_on (2016-01-01).",
    ),
    (
        {"legal_representation_until": "2016-01-01", "conviction_on": "2017-01-01"},
        "legal_representation_until",
        "Does not agree with conviction_on (2017-01-01).",
    ),
    (
        {"legal_representation": "no", "legal_representation_from": "2015-01-01"},
        "legal_representation_from",
        "legal representation was refused",
    ),
    ({"legal_representation_end": "acquitted"}, "legal_representation_end", "Not one of the accepted values"),
]


@pytest.mark.parametrize(("values", "column", "expected"), RULES)
def test_a_legal_history_that_does_not_hold_together_is_refused(run_import, values, column, expected):
    job = run_import(csv_bytes([row(case_reference="OK"), row(case_reference="BAD", **values)]))
    assert job.status == "rejected"
    with translation.override("en"):
        found = [(p.line, p.column, reason(p.code, p.params)) for p in ImportProblem.objects.filter(job=job)]
    assert any(line == 3 and col == column and expected in text for line, col, text in found), found
    assert not Proceeding.objects.exists()


def test_a_case_located_years_ago_ends_its_search_without_a_closing_date(run_import):
    from redalert.cases.models import Case, TimelineEvent

    located = row(case_reference="S-1", status="located_alive", located_on="2010-06-01")
    located.update(reported_on="2010-03-05", last_seen_on="2010-03-04")
    job = run_import(csv_bytes([located]))
    assert job.status == "done"
    case = Case.objects.get()
    assert (case.status, case.located_on, case.closed_on) == ("located_alive", date(2010, 6, 1), None)
    last = TimelineEvent.objects.filter(case=case, kind="status").order_by("at").last()
    assert last.summary_data["to"] == "located_alive" and last.summary_data["on"] == "2010-06-01"


def test_a_closed_located_case_without_its_closing_date_says_how_to_import_it(run_import):
    job = run_import(csv_bytes([row(status="closed", outcome="alive", located_on="2019-04-01")]))
    assert job.status == "rejected"
    problem = ImportProblem.objects.get(job=job)
    with translation.override("en"):
        assert problem.column == "closed_on"
        assert "give the status located_alive or located_deceased with located_on" in reason(
            problem.code, problem.params
        )
