"""The batched writing (issue 14's speed) gives the same cases as writing the rows one at a time: references,
people, status history, outcome, proceeding, consent, services, audit entries; duplicates, problems and places
are decided as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from redalert.audit.log import verify_chain
from redalert.audit.models import AuditEntry
from redalert.care.models import Expense, Service
from redalert.cases.models import Case, CaseCounter, TimelineEvent
from redalert.consent.models import ConsentRecord, CurrentConsent
from redalert.imports.models import ImportedCase, ImportedObject, ImportProblem
from redalert.imports.reading import open_table
from redalert.imports.rows import Header, RowChecker
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.imports.values import PlaceResolver
from redalert.imports.writing import WriteContext, save_row
from redalert.investigation.models import Outcome, TraffickingEvent, TraffickingFacts
from redalert.legal.models import Accused, Proceeding, StatusChange


def history_rows() -> list[dict[str, Any]]:
    """Rows of every kind a history has, over two report years, places by code, label and name."""
    return [
        row(case_reference="A-1", given_names="Ana", sex="female", birth_date="2001-02-03", consent_statistics="yes"),
        row(
            case_reference="A-2",
            reported_on="2018-07-01",
            last_seen_on="2018-06-30",
            last_seen_place="Santiago de Querétaro",
            status="located_alive",
            located_on="2019-01-10",
            located_place="Tlaxcala de Xicohténcatl",
            legal_representation="yes",
            legal_representation_from="2018-08-01",
            complaint_filed_on="2018-08-02",
            investigation_file="FED/123/2018",
            sentence_on="2020-03-03",
            service_1_type="psychological",
            service_1_on="2018-12-01",
            service_1_cost="100",
            service_1_currency="MXN",
            expense_1_category="travel_fares",
            expense_1_on="2019-01-11",
            expense_1_amount="250.50",
            expense_1_currency="MXN",
        ),
        row(
            case_reference="A-3",
            status="follow_up",
            outcome="deceased",
            located_on="2019-04-01",
            last_seen_place="santiago de queretaro",
            recruitment_places="MX-TLA; Santiago de Querétaro",
            type_of_exploitation="SexualExploitation; ForcedLabour",
        ),
        row(
            case_reference="A-4",
            reported_on="2018-01-05",
            last_seen_on="2018-01-04",
            status="closed",
            outcome="alive",
            located_on="2018-03-01",
            closed_on="2018-06-01",
            closure_reason="Concluido",
            legal_representation="yes",
            legal_representation_from="2018-02-01",
            legal_representation_until="2018-05-01",
            legal_representation_end="declined",
            consent_statistics="no",
        ),
        row(case_reference="A-5", status="closed", closed_on="2019-09-09", legal_representation="no"),
    ]


def snapshot(organisation: Any) -> list[dict[str, Any]]:
    """What the import wrote for an organisation's cases, without ids, times or the organisation's code."""
    code = organisation.code + "-"
    result = []
    for case in Case.objects.filter(organisation=organisation).select_related("person").order_by("reference"):
        person = case.person
        result.append(
            {
                "reference": case.reference.removeprefix(code),
                "source": ImportedCase.objects.get(case=case).source_reference,
                "case": (case.status, case.located_on, case.closed_on, case.closure_reason, case.last_seen_place_id),
                "status_changed_at": case.status_changed_at,
                "person": (person.given_names, person.sex, person.birth_date, person.age_at_disappearance),
                "search_name": person.search_name,
                "timeline": [
                    (e.kind, e.summary_data) for e in TimelineEvent.objects.filter(case=case).order_by("at", "pk")
                ],
                "outcome": list(Outcome.objects.filter(case=case).values_list("result", "on", "place", "how")),
                "facts": list(TraffickingFacts.objects.filter(case=case).values_list("exploitation_types")),
                "route": sorted(TraffickingEvent.objects.filter(case=case).values_list("event_type", "place")),
                "proceedings": [
                    (
                        p.status,
                        p.complaint_filed_on,
                        p.investigation_file,
                        p.status_changed_on,
                        list(
                            StatusChange.objects.filter(proceeding=p)
                            .order_by("pk")
                            .values_list("from_status", "to_status", "changed_on")
                        ),
                        list(Accused.objects.filter(proceeding=p).values_list("outcome", "outcome_on")),
                    )
                    for p in Proceeding.objects.filter(case=case).order_by("pk")
                ],
                "consent": sorted(ConsentRecord.objects.filter(case=case).values_list("purpose", "decision")),
                "current": sorted(CurrentConsent.objects.filter(case=case).values_list("purpose", "decision")),
                "services": list(Service.objects.filter(case=case).values_list("service_type", "phase", "cost")),
                "expenses": list(Expense.objects.filter(case=case).values_list("category", "amount")),
                "owned": sorted(ImportedObject.objects.filter(imported_case__case=case).values_list("group", "model")),
                "audit": [
                    {k: v.removeprefix(code) if k == "reference" else v for k, v in e.detail.items() if k != "import"}
                    for e in AuditEntry.objects.filter(case_id=case.pk, object_type="cases.case").order_by("pk")
                ],
            }
        )
    return result


@pytest.fixture
def importer_b(org_b: Any, make_user: Any) -> Any:
    return make_user(org_b, "coordinator", username="importadora-b")


def one_at_a_time(organisation: Any, user: Any, data: bytes) -> None:
    """Each row checked and saved by itself, as the fallback of a failed batch saves it."""
    table = open_table(data)
    checker = RowChecker(organisation, Header(table.header), PlaceResolver([organisation.country, "MX"]))
    context = WriteContext(organisation=organisation, actor=user)
    with transaction.atomic():
        for line, cells in table.rows():
            parsed = checker.check(line, cells)
            assert parsed.valid, parsed.problems
            save_row(context, parsed, None)


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_rows"])
def test_a_batch_writes_what_rows_written_one_at_a_time_write(
    run_import, org_a, org_b, importer_b, places, mode: str
) -> None:
    data = csv_bytes(history_rows())
    job = run_import(data, mode=mode)
    assert (job.status, job.created_count, job.rejected_count) == ("done", 5, 0)
    one_at_a_time(org_b, importer_b, data)
    batched, single = snapshot(org_a), snapshot(org_b)
    assert [c["reference"] for c in batched] == ["2018-0001", "2018-0002", "2019-0001", "2019-0002", "2019-0003"]
    assert [c["source"] for c in batched] == ["A-2", "A-4", "A-1", "A-3", "A-5"]  # numbered in the order of rows
    assert len(batched) == len(single) == 5
    for ours, theirs in zip(batched, single, strict=True):
        for key, value in ours.items():
            assert value == theirs[key], (ours["source"], key)
    by_source = {c["source"]: c for c in batched}
    assert by_source["A-2"]["proceedings"][0][0] == "sentenced"
    assert by_source["A-4"]["proceedings"][0][0] == "declined"
    assert by_source["A-3"]["outcome"][0][0] == "located_deceased"
    assert ("statistics", "granted") in by_source["A-1"]["current"]
    assert verify_chain() == []  # the entries written at once are chained as entries written one by one


def test_a_reference_twice_in_one_file_is_a_problem_of_the_second_row(run_import) -> None:
    rows = [row(case_reference="D-1"), row(case_reference="D-2"), row(case_reference="D-1", given_names="Eva")]
    job = run_import(csv_bytes(rows), mode="valid_rows")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert list(ImportProblem.objects.filter(job=job).values_list("line", "column", "code")) == [
        (4, "case_reference", "duplicate_reference")
    ]
    assert Case.objects.count() == 2
    assert not Case.objects.filter(person__given_names="Eva").exists()


def test_a_reference_in_a_second_file_updates_its_case_and_an_unchanged_row_writes_nothing(run_import) -> None:
    first = run_import(csv_bytes([row(case_reference="R-1", given_names="Ana"), row(case_reference="R-2")]))
    assert first.created_count == 2
    case = ImportedCase.objects.get(source_reference="R-1").case
    audit_before, timeline_before = AuditEntry.objects.count(), TimelineEvent.objects.count()
    again = run_import(csv_bytes([row(case_reference="R-1", given_names="Ana"), row(case_reference="R-2")]))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert AuditEntry.objects.count() == audit_before + 1  # the job's own entry; nothing for the cases
    assert TimelineEvent.objects.count() == timeline_before
    changed = run_import(csv_bytes([row(case_reference="R-1", given_names="Rosa"), row(case_reference="R-2")]))
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (0, 1, 1)
    assert Case.objects.count() == 2 and CaseCounter.objects.get().last_number == 2
    case.person.refresh_from_db()
    assert case.person.given_names == "Rosa"


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_rows"])
def test_rows_with_problems_among_valid_rows(run_import, mode: str) -> None:
    rows = [
        row(case_reference="M-1"),
        row(case_reference="M-2", sex="robot"),
        row(case_reference="M-3", status="located_alive", located_on="2019-05-01"),
        row(case_reference="M-4", last_seen_place="Atlántida"),
        row(case_reference="M-5", status="closed"),  # no closing date
        row(case_reference="M-6"),
    ]
    job = run_import(csv_bytes(rows), mode=mode)
    problems = sorted(ImportProblem.objects.filter(job=job).values_list("line", "column", "code"))
    assert problems == [
        (3, "sex", "invalid_choice"),
        (5, "last_seen_place", "unknown_place"),
        (6, "closed_on", "closed_date_needed"),
    ]
    if mode == "all_or_nothing":
        assert (job.status, job.created_count, job.rejected_count) == ("rejected", 0, 3)
        assert not Case.objects.exists() and not CaseCounter.objects.exists()
    else:
        assert (job.status, job.created_count, job.rejected_count) == ("done", 3, 3)
        assert sorted(ImportedCase.objects.values_list("source_reference", flat=True)) == ["M-1", "M-3", "M-6"]
        # References only for the rows saved, without gaps.
        assert sorted(Case.objects.values_list("reference", flat=True)) == [f"RBA-2019-000{n}" for n in (1, 2, 3)]


def test_a_place_named_in_many_rows_is_looked_up_once(run_import, org_a, places) -> None:
    names = ["Santiago de Querétaro", "santiago de queretaro", "SANTIAGO DE QUERÉTARO"]
    rows = [row(case_reference=f"P-{n}", last_seen_place=names[n % 3]) for n in range(30)]
    rows += [row(case_reference=f"X-{n}", last_seen_place="Atlántida") for n in range(2)]
    table = open_table(csv_bytes(rows))
    checker = RowChecker(org_a, Header(table.header))
    with CaptureQueriesContext(connection) as queries:
        checked = [checker.check(line, cells) for line, cells in table.rows()]
    place_queries = [q for q in queries.captured_queries if "places_place" in q["sql"]]
    # the gazetteer's names read once, then one query by id per distinct text (two spellings fold alike)
    assert len(place_queries) <= 4, [q["sql"][:120] for q in place_queries]
    assert {r.values["last_seen_place"] for r in checked[:30]} == {places["qro_city"]}
    with translation.override("en"):
        assert [[p.code for p in r.problems] for r in checked[30:]] == [["unknown_place"], ["unknown_place"]]
    job = run_import(csv_bytes(rows), mode="valid_rows")
    assert (job.created_count, job.rejected_count) == (30, 2)
    assert set(Case.objects.values_list("last_seen_place", flat=True)) == {places["qro_city"].pk}
