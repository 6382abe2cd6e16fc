"""Importing the same file again updates the cases by reference: no duplicates, changed values applied, the child
rows the import wrote replaced, what staff did in the system since left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from redalert.audit.models import AuditAction, AuditEntry
from redalert.care.models import Expense, Service
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.models import Case, MissingPerson, TimelineEvent
from redalert.cases.services import save_changes
from redalert.consent.models import ConsentRecord
from redalert.imports.models import ImportedCase, ImportedObject, ImportProblem
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.investigation.models import Outcome, TraffickingEvent, TraffickingFacts
from redalert.legal.models import Accused, Proceeding, StatusChange

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "import-sample.csv"
CHILD_MODELS = (
    Case,
    MissingPerson,
    TimelineEvent,
    Outcome,
    TraffickingFacts,
    TraffickingEvent,
    Proceeding,
    StatusChange,
    Accused,
    Service,
    Expense,
    ConsentRecord,
    ImportedCase,
    ImportedObject,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CHILD_MODELS}


def test_the_same_file_twice_gives_the_same_cases_and_rows(run_import):
    first = run_import(SAMPLE.read_bytes())
    assert first.status == "done" and first.created_count == 5
    after_first = counts()
    second = run_import(SAMPLE.read_bytes())
    assert second.status == "done"
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert counts() == after_first


def test_the_same_file_in_valid_rows_mode_and_as_xlsx_too(run_import):
    run_import(SAMPLE.read_bytes(), mode="valid_rows")
    after_first = counts()
    from redalert.imports.views import sample_xlsx

    again = run_import(sample_xlsx(SAMPLE.read_bytes()), mode="valid_rows", name="sample.xlsx")
    assert again.status == "done", list(ImportProblem.objects.values_list("line", "column", "code"))
    assert again.unchanged_count == 5
    assert counts() == after_first


def test_changed_values_are_updated_and_child_rows_replaced(run_import, importer):
    original = row(
        case_reference="R-1",
        sex="female",
        given_names="Ana",
        status="located_alive",
        located_on="2019-04-01",
        recruitment_places="MX-QUE",
        transit_places="MX-TLA",
        complaint_filed_on="2019-03-06",
        service_1_type="medical",
        service_1_on="2019-04-02",
        service_1_cost="100",
        service_1_currency="MXN",
        expense_1_category="food",
        expense_1_on="2019-04-02",
        expense_1_amount="50",
        expense_1_currency="MXN",
        consent_statistics="granted",
    )
    run_import(csv_bytes([original]))
    case = Case.objects.get()
    before = counts()
    changed = {
        **original,
        "given_names": "Ana María",
        "status": "closed",
        "outcome": "alive",
        "closed_on": "2020-01-15",
        "closure_reason": "Reintegrada",
        "recruitment_places": "MX-TLA",
        "complaint_filed_on": "2019-03-07",
        "conviction_on": "2020-01-10",
        "service_1_cost": "120",
        "consent_statistics": "refused",
    }
    job = run_import(csv_bytes([changed]))
    assert (job.created_count, job.updated_count) == (0, 1)
    case.refresh_from_db()
    assert Case.objects.count() == 1
    assert case.person.given_names == "Ana María"
    assert (case.status, case.located_on, case.closed_on, case.closure_reason) == (
        "closed",
        date(2019, 4, 1),
        date(2020, 1, 15),
        "Reintegrada",
    )
    steps = [e.summary_data["to"] for e in TimelineEvent.objects.filter(case=case, kind="status").order_by("at")]
    assert steps == ["verification", "active_search", "located_alive", "closed"]
    assert list(
        TraffickingEvent.objects.filter(case=case, event_type="Recruitment").values_list("place__code", flat=True)
    ) == ["MX-TLA"]
    assert list(
        TraffickingEvent.objects.filter(case=case, event_type="Transit").values_list("place__code", flat=True)
    ) == ["MX-TLA"]
    proceeding = Proceeding.objects.get(case=case)
    assert (proceeding.complaint_filed_on, proceeding.status) == (date(2019, 3, 7), "sentenced")
    assert Accused.objects.get(proceeding=proceeding).outcome_on == date(2020, 1, 10)
    assert Service.objects.get(case=case).cost == 120
    assert Expense.objects.filter(case=case).count() == 1
    # consent records are history: the refusal is a new record after the grant
    assert list(ConsentRecord.objects.filter(case=case).order_by("id").values_list("decision", flat=True)) == [
        "granted",
        "refused",
    ]
    after = counts()
    assert after["Case"] == before["Case"] and after["Service"] == before["Service"]
    assert after["ConsentRecord"] == before["ConsentRecord"] + 1
    # the update is audited for the importing user, with what changed
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE, case_id=case.pk).latest("id")
    assert entry.actor == importer
    assert entry.detail["import"] == job.pk and entry.detail["line"] == 2
    assert entry.detail["changes"]["missingperson.given_names"] == {"from": "Ana", "to": "Ana María"}


def test_every_created_case_is_audited_for_the_importing_user(run_import, importer):
    job = run_import(SAMPLE.read_bytes())
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.case")
    assert created.count() == 5
    assert set(created.values_list("actor", flat=True)) == {importer.pk}
    assert {e.detail["import"] for e in created} == {job.pk}


def test_staff_edits_of_columns_the_file_did_not_change_are_kept(run_import, importer):
    run_import(csv_bytes([row(case_reference="R-1", sex="female", ethnicity="")]))
    case = Case.objects.get()
    person = case.person
    person.ethnicity = "Otomí"  # recorded by staff in the system after the import
    save_changes(case, [person], actor=importer)
    job = run_import(csv_bytes([row(case_reference="R-1", sex="intersex", ethnicity="")]))
    assert job.updated_count == 1
    person.refresh_from_db()
    assert person.sex == "intersex"
    assert person.ethnicity == "Otomí"


def test_a_status_changed_in_the_system_is_not_overwritten(run_import, importer):
    from redalert.testing import record_consent

    run_import(csv_bytes([row(case_reference="R-1", status="not_located")]))
    case = Case.objects.get()
    transition(case, TransitionRequest("closed", on=date(2024, 1, 1), reason="Cerrado en el sistema"), importer)
    record_consent(case, "open_file", importer)
    job = run_import(
        csv_bytes([row(case_reference="R-1", status="located_alive", located_on="2019-05-01")]), mode="valid_rows"
    )
    assert job.rejected_count == 1
    problem = ImportProblem.objects.get(job=job)
    assert (problem.line, problem.column, problem.code) == (2, "status", "status_changed_in_system")
    case.refresh_from_db()
    assert case.status == "closed" and case.located_on is None


def test_columns_missing_from_a_later_file_are_left_alone(run_import):
    run_import(csv_bytes([row(case_reference="R-1", sex="female", organised_crime="yes")]))
    job = run_import(csv_bytes([row(case_reference="R-1")]))  # without the sex and organised_crime columns
    assert job.unchanged_count == 1
    case = Case.objects.get()
    assert case.person.sex == "female"
    assert case.trafficking_facts.organised_crime == "yes"


def test_a_changed_date_last_seen_updates_the_age_at_disappearance(run_import):
    run_import(csv_bytes([row(case_reference="R-1", birth_date="2001-06-01", last_seen_on="2019-03-04")]))
    assert Case.objects.get().person.age_at_disappearance == 17
    job = run_import(csv_bytes([row(case_reference="R-1", birth_date="2001-06-01", last_seen_on="2019-03-05")]))
    assert job.updated_count == 1
    run_import(
        csv_bytes(
            [row(case_reference="R-1", birth_date="2001-06-01", last_seen_on="2018-06-02", reported_on="2019-03-05")]
        )
    )
    case = Case.objects.get()
    assert case.last_seen_on == date(2018, 6, 2)
    assert case.person.age_at_disappearance == 17
    run_import(csv_bytes([row(case_reference="R-1", birth_date="2000-06-01", last_seen_on="2018-06-02")]))
    assert Case.objects.get().person.age_at_disappearance == 18  # both changed
