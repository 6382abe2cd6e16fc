"""The import pages: who may use them (anyone else gets a 404), upload of CSV and XLSX, the job page and its
progress, the report, the rejected rows, the sample file, deleting a job; imported cases open in the case pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import Case
from redalert.imports import jobs
from redalert.imports.models import ImportJob, ImportUpload
from redalert.imports.tests.conftest import csv_bytes, row, xlsx_bytes

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "import-sample.csv"


def upload(client, data: bytes, name: str = "cases.csv", mode: str = "all_or_nothing"):
    return client.post(reverse("imports:index"), {"file": SimpleUploadedFile(name, data), "mode": mode}, **EN)


@pytest.fixture
def job(run_import):
    return run_import(csv_bytes([row(case_reference="G-1"), row(case_reference="B-1", sex="robot")]), mode="valid_rows")


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinators_and_administrators_upload_and_the_job_waits_for_a_worker(
    org_a, make_user, client_for, places, role
):
    user = make_user(org_a, role)
    client = client_for(user)
    assert client.get(reverse("imports:index"), **EN).status_code == 200
    response = upload(client, SAMPLE.read_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert (job.status, job.created_by, job.rows_total, job.file_format) == ("queued", user, 5, "csv")
    assert ImportUpload.objects.filter(job=job).exists()  # stored before the page returned
    assert not Case.objects.exists()  # nothing is imported inside the request
    page = client.get(reverse("imports:job", args=[job.pk]), **EN)
    assert b'http-equiv="refresh"' in page.content  # follows the job without JavaScript
    assert b"imports/progress.js" in page.content
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert (progress["status"], progress["percent"], progress["finished"]) == ("queued", 0, False)

    jobs.run_next()  # what run_worker and the Celery task do
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert (progress["status"], progress["percent"], progress["rows_done"], progress["finished"]) == (
        "done",
        100,
        5,
        True,
    )
    page = client.get(reverse("imports:job", args=[job.pk]), **EN)
    assert b'http-equiv="refresh"' not in page.content
    assert "Cases created" in page.content.decode()
    assert Case.objects.count() == 5


def test_an_xlsx_upload(coordinator, client_for, places):
    response = upload(client_for(coordinator), xlsx_bytes([row()]), name="casos.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.file_format, job.rows_total) == ("xlsx", None)
    jobs.run_next()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_total) == ("done", 1, 1)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv", "not in UTF-8"),
        (b"PK\x03\x04garbage", "cases.xlsx", "not an Excel workbook"),
        (csv_bytes([{"case_reference": "A", "sexo": "f"}]), "cases.csv", "Line 1, column “sexo”: Unknown column"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_clear_message(coordinator, client_for, data, name, message):
    response = upload(client_for(coordinator), data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(coordinator, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(client_for(coordinator), b"a,b\n" + b"x" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "lawyer", "analyst", "field_investigator", "public_editor"])
def test_other_roles_get_404(org_a, make_user, client_for, job, role):
    client = client_for(make_user(org_a, role))
    for url in (
        reverse("imports:index"),
        reverse("imports:job", args=[job.pk]),
        reverse("imports:progress", args=[job.pk]),
        reverse("imports:rejects", args=[job.pk]),
        reverse("imports:report", args=[job.pk]),
        reverse("imports:sample", args=["csv"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("imports:delete", args=[job.pk])).status_code == 404
    assert upload(client, csv_bytes([row()])).status_code == 404


def test_another_organisations_coordinator_gets_404(org_b, make_user, client_for, job):
    client = client_for(make_user(org_b, "coordinator", "administrator"))
    assert client.get(reverse("imports:index")).status_code == 200  # her own imports page, without this job
    for url in (
        reverse("imports:job", args=[job.pk]),
        reverse("imports:progress", args=[job.pk]),
        reverse("imports:rejects", args=[job.pk]),
        reverse("imports:report", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("imports:delete", args=[job.pk])).status_code == 404
    assert ImportJob.objects.filter(pk=job.pk).exists()
    assert str(job.file_name) not in client.get(reverse("imports:index")).content.decode()


def test_the_report_lists_line_column_value_and_reason(importer, client_for, job):
    client = client_for(importer)
    page = client.get(reverse("imports:job", args=[job.pk]), **EN).content.decode()
    assert '<td class="num">3</td><td><code>sex</code></td><td>robot</td><td>Not one of the accepted values' in page
    report = client.get(reverse("imports:report", args=[job.pk]), **EN)
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "line,column,value,reason"
    assert lines[1].startswith("3,sex,robot,Not one of the accepted values: female, male") or lines[1].startswith(
        '3,sex,robot,"Not one of the accepted values'
    )
    rejects = client.get(reverse("imports:rejects", args=[job.pk]), **EN)
    assert rejects["Content-Disposition"] == 'attachment; filename="cases-rejected.csv"'
    assert "B-1" in rejects.content.decode("utf-8-sig") and "G-1" not in rejects.content.decode("utf-8-sig")
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, object_type="imports.importjob")
    assert downloads.count() == 2 and set(downloads.values_list("actor", flat=True)) == {importer.pk}
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="imports.importjob").exists()


def test_the_report_in_spanish(importer, client_for, job):
    page = client_for(importer).get(reverse("imports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "es"


def test_deleting_a_job_erases_its_file_but_keeps_the_cases(importer, client_for, job):
    client = client_for(importer)
    response = client.post(reverse("imports:delete", args=[job.pk]))
    assert response.status_code == 302
    assert not ImportJob.objects.exists() and not ImportUpload.objects.exists()
    assert Case.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="imports.importjob").exists()


def test_the_sample_downloads_as_csv_and_xlsx(importer, client_for):
    from openpyxl import load_workbook

    client = client_for(importer)
    as_csv = client.get(reverse("imports:sample", args=["csv"]))
    assert as_csv.content == SAMPLE.read_bytes()
    as_xlsx = client.get(reverse("imports:sample", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[1] == "case_reference"
    assert client.get(reverse("imports:sample", args=["pdf"])).status_code == 404


def test_imported_cases_open_in_the_case_pages(run_import, importer, client_for):
    run_import(SAMPLE.read_bytes())
    client = client_for(importer)
    names = ("cases:detail", "cases:edit", "consent:page", "care:case", "legal:case", "investigation:overview")
    names += ("investigation:facts",)
    for case in Case.objects.all():
        for name in names:
            response = client.get(reverse(name, args=[case.pk]), **EN)
            assert response.status_code == 200, (name, case.reference)
