"""manage.py import_cases: the same job as the page, run in the command, the report printed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from redalert.cases.models import Case
from redalert.imports.models import ImportJob
from redalert.imports.tests.conftest import csv_bytes, row

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "import-sample.csv"


@pytest.fixture
def english_importer(importer):
    importer.language = "en"
    importer.save(update_fields=["language"])
    return importer


def test_imports_the_sample_and_prints_the_summary(english_importer, places):
    out = StringIO()
    call_command("import_cases", str(SAMPLE), organisation="rba", user="importadora", stdout=out)
    assert Case.objects.count() == 5
    assert "created 5, updated 0, unchanged 0, rejected 0" in out.getvalue()
    job = ImportJob.objects.get()
    assert (job.status, job.created_by) == ("done", english_importer)


def test_prints_each_problem_and_writes_the_rejected_rows(english_importer, places, tmp_path):
    source = tmp_path / "cases.csv"
    source.write_bytes(csv_bytes([row(case_reference="G-1"), row(case_reference="B-1", sex="robot")]))
    rejects = tmp_path / "rejected.csv"
    out = StringIO()
    with pytest.raises(CommandError, match="Not every row was imported"):
        call_command(
            "import_cases",
            str(source),
            organisation="RBA",
            user="importadora",
            mode="valid-rows",
            rejects=str(rejects),
            stdout=out,
        )
    printed = out.getvalue()
    assert "Line 3, column sex, value “robot”: Not one of the accepted values" in printed
    assert "created 1, updated 0, unchanged 0, rejected 1" in printed
    assert Case.objects.count() == 1
    content = rejects.read_text(encoding="utf-8-sig")
    assert "B-1" in content and "G-1" not in content and "problems" in content.splitlines()[0]


def test_all_or_nothing_is_the_default(english_importer, places, tmp_path):
    source = tmp_path / "cases.csv"
    source.write_bytes(csv_bytes([row(case_reference="G-1"), row(case_reference="B-1", sex="robot")]))
    with pytest.raises(CommandError):
        call_command("import_cases", str(source), organisation="RBA", user="importadora", stdout=StringIO())
    assert not Case.objects.exists()


def test_refuses_a_user_without_the_role_or_of_another_organisation(org_a, org_b, make_user, places):
    make_user(org_a, "caseworker", username="trabajadora")
    make_user(org_b, "coordinator", username="otra")
    for username in ("trabajadora", "otra", "nadie"):
        with pytest.raises(CommandError, match="is not a coordinator or administrator"):
            call_command("import_cases", str(SAMPLE), organisation="RBA", user=username)
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_cases", str(SAMPLE), organisation="XYZ", user="otra")
    assert not ImportJob.objects.exists()


def test_a_file_that_is_not_csv_is_refused(english_importer, tmp_path):
    source = tmp_path / "photo.csv"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CommandError, match="not in UTF-8"):
        call_command("import_cases", str(source), organisation="RBA", user="importadora")
