"""The two modes, the rejected rows given back as a file, CSV and XLSX, and interrupted jobs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone, translation

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case, CaseCounter, TimelineEvent
from redalert.consent.models import ConsentRecord
from redalert.imports import jobs
from redalert.imports.models import ImportedCase, ImportJob, ImportProblem
from redalert.imports.tests.conftest import csv_bytes, row, xlsx_bytes


def mixed_rows() -> list[dict]:
    return [
        row(case_reference="G-1", consent_statistics="granted"),
        row(case_reference="B-1", sex="robot"),
        row(case_reference="G-2", status="located_alive", located_on="2019-05-01"),
        row(case_reference="B-2", reported_on="someday"),
    ]


def test_all_or_nothing_leaves_no_trace_of_a_file_with_one_bad_row(run_import):
    audit_before = AuditEntry.objects.filter(object_type="cases.case").count()
    job = run_import(csv_bytes(mixed_rows()))
    assert job.status == "rejected"
    assert (job.created_count, job.rejected_count, job.rows_total, job.rows_done) == (0, 2, 4, 4)
    assert not Case.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not ImportedCase.objects.exists()
    assert not CaseCounter.objects.exists()  # not even a reference number was used
    assert AuditEntry.objects.filter(object_type="cases.case").count() == audit_before
    assert sorted(ImportProblem.objects.filter(job=job).values_list("line", "column")) == [
        (3, "sex"),
        (5, "reported_on"),
    ]


def test_valid_rows_imports_the_good_ones_and_gives_the_rest_back_as_csv(run_import):
    data = csv_bytes(mixed_rows(), delimiter=";", bom=True)
    job = run_import(data, mode="valid_rows")
    assert job.status == "done"
    assert (job.created_count, job.rejected_count) == (2, 2)
    assert set(ImportedCase.objects.values_list("source_reference", flat=True)) == {"G-1", "G-2"}
    with translation.override("en"):
        content, content_type, name = jobs.rejects_file(job)
    assert content_type.startswith("text/csv") and name == "cases-rejected.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = list(dict.fromkeys(name for r in mixed_rows() for name in r))
    assert rows[0] == [*header, "problems"]
    assert [r[rows[0].index("case_reference")] for r in rows[1:]] == ["B-1", "B-2"]
    assert rows[1][-1].startswith("sex: Not one of the accepted values")
    assert rows[2][-1].startswith("reported_on: Not a date")
    # the rejected rows, corrected, import on their own
    fixed = content.decode("utf-8-sig").replace("robot", "female").replace("someday", "2019-03-05")
    fixed_rows = list(csv.DictReader(io.StringIO(fixed), delimiter=";"))
    for r in fixed_rows:
        r.pop("problems")
    again = run_import(csv_bytes(fixed_rows))
    assert again.status == "done" and again.created_count == 2
    assert Case.objects.count() == 4


def test_valid_rows_with_xlsx_gives_an_xlsx_back(run_import):
    from openpyxl import load_workbook

    job = run_import(xlsx_bytes(mixed_rows()), mode="valid_rows", name="casos.xlsx")
    assert (job.file_format, job.created_count, job.rejected_count) == ("xlsx", 2, 2)
    with translation.override("en"):
        content, content_type, name = jobs.rejects_file(job)
    assert name == "casos-rejected.xlsx" and "spreadsheetml" in content_type
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "problems"
    assert [v[0] for v in values[1:]] == ["B-1", "B-2"]


def test_xlsx_dates_and_numbers_are_read_as_such(run_import):
    from datetime import date, datetime

    data = xlsx_bytes(
        [
            row(
                reported_on=datetime(2019, 3, 5, 9, 30),
                last_seen_on=date(2019, 3, 4),
                age_at_disappearance=17,
                service_1_type="medical",
                service_1_on=date(2019, 3, 9),
                service_1_cost=99.5,
                service_1_currency="MXN",
            )
        ]
    )
    job = run_import(data, name="x.xlsx")
    assert job.status == "done", list(ImportProblem.objects.values_list("column", "code"))
    case = Case.objects.get()
    assert timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M") == "2019-03-05 09:30"
    assert case.person.estimated_age == 17
    assert str(case.services.get().cost) == "99.50"


def test_a_row_the_database_refuses_is_rejected_whole(run_import, monkeypatch):
    from redalert.imports import writing

    original = writing._Writer.services

    def failing(self):
        if self.row.reference == "G-2":
            raise DatabaseError("disk full")
        return original(self)

    monkeypatch.setattr(writing._Writer, "services", failing)
    rows = [row(case_reference="G-1"), row(case_reference="G-2"), row(case_reference="G-3")]
    rows = [{**r, "service_1_type": "medical", "service_1_on": "2019-03-10"} for r in rows]
    job = run_import(csv_bytes(rows), mode="valid_rows")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert set(ImportedCase.objects.values_list("source_reference", flat=True)) == {"G-1", "G-3"}
    assert Case.objects.count() == 2  # nothing of G-2, not even its case row
    problem = ImportProblem.objects.get(job=job)
    assert (problem.line, problem.code) == (3, "not_saved")


def test_an_interrupted_valid_rows_job_resumes_after_the_last_saved_batch(run_import, monkeypatch, org_a, importer):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    rows = [row(case_reference=f"R-{n}") for n in range(5)]
    job = jobs.create_job(organisation=org_a, user=importer, file_name="x.csv", data=csv_bytes(rows), mode="valid_rows")
    original = jobs._Run._save
    calls = {"n": 0}

    def dies_on_second_batch(self, checked, imported):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the worker is killed half-way through a batch
        return original(self, checked, imported)

    monkeypatch.setattr(jobs._Run, "_save", dies_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count) == ("running", 2, 2)
    assert Case.objects.count() == 2
    assert jobs.run_next() is None, "a running job with a fresh heartbeat is left to its worker"
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=jobs.STALE_SECONDS + 1))
    monkeypatch.setattr(jobs._Run, "_save", original)
    assert jobs.run_next().pk == job.pk
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created_count, job.attempts) == ("done", 5, 5, 2)
    assert Case.objects.count() == 5
    assert sorted(ImportedCase.objects.values_list("source_reference", flat=True)) == [f"R-{n}" for n in range(5)]


def test_an_interrupted_all_or_nothing_job_saves_nothing_then_starts_again(run_import, monkeypatch, org_a, importer):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    monkeypatch.setattr(jobs, "SAVE_BATCH_SIZE", 2)
    rows = [row(case_reference=f"R-{n}") for n in range(5)]
    job = jobs.create_job(
        organisation=org_a, user=importer, file_name="x.csv", data=csv_bytes(rows), mode="all_or_nothing"
    )
    original = jobs._Run._save
    calls = {"n": 0}

    def dies_while_saving(self, checked, imported):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, checked, imported)

    monkeypatch.setattr(jobs._Run, "_save", dies_while_saving)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(job.pk)
    assert not Case.objects.exists(), "the single transaction was rolled back"
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=jobs.STALE_SECONDS + 1))
    monkeypatch.setattr(jobs._Run, "_save", original)
    jobs.run_next()
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 5)
    assert Case.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        ("case_reference,reported_on\nR-1,día".encode("latin-1"), "not_utf8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "old_excel"),
        (b"PK\x03\x04 not really a workbook", "not_xlsx"),
        (b"just one line of text", "no_header"),
        (b'case_reference,reported_on,last_seen_on,last_seen_place,status\n"R-1,2019', "not_csv"),
        (b"case_reference,reported_on,last_seen_on,last_seen_place,status\n", "no_rows"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_before_being_stored(org_a, importer, data, code):
    from redalert.imports.reading import FileRejected

    with pytest.raises(FileRejected) as caught:
        jobs.create_job(organisation=org_a, user=importer, file_name="x.csv", data=data, mode="valid_rows")
    assert caught.value.code == code
    assert not ImportJob.objects.exists()


def test_a_file_over_the_row_limit_is_refused(run_import, org_a, importer, settings):
    from redalert.imports.reading import FileRejected

    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(FileRejected) as caught:
        jobs.create_job(
            organisation=org_a,
            user=importer,
            file_name="x.csv",
            data=csv_bytes([row(case_reference=f"R-{n}") for n in range(5)]),
            mode="valid_rows",
        )
    assert caught.value.code == "too_many_rows"
    job = run_import(xlsx_bytes([row(case_reference=f"R-{n}") for n in range(5)]), mode="valid_rows", name="x.xlsx")
    assert job.status == "failed"  # a workbook's rows are counted by the worker, before any is imported
    assert ImportProblem.objects.get(job=job).code == "too_many_rows"
    assert not Case.objects.exists()


def test_the_upload_is_stored_encrypted(run_import):
    from django.db import connection

    job = run_import(csv_bytes([row(given_names="Xochiquetzal")]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM imports_importupload WHERE job_id = %s", [job.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:")
    assert b"Xochiquetzal" in jobs.upload_bytes(job)


def test_the_rejects_file_name_is_safe_for_a_header(run_import):
    job = run_import(csv_bytes([row(sex="robot")]), mode="valid_rows", name='casos "2019"\r\nX-Bad: 1.csv')
    _content, _type, name = jobs.rejects_file(job)
    assert name == "casos-2019-X-Bad-1-rejected.csv"
