"""docs/import.md describes every column the import reads, and the sample file it points to imports cleanly."""

from __future__ import annotations

from pathlib import Path

from redalert.cases.models import Case
from redalert.imports.columns import COLUMNS, column_for, documented_names
from redalert.legal.models import Proceeding

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "import.md"
SAMPLE = ROOT / "redalert" / "imports" / "samples" / "import-sample.csv"


def test_every_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in documented_names() if f"`{name}`" not in text and name not in text]
    assert not missing
    for column in COLUMNS:
        if column.htcds:
            assert column.htcds in text
            assert column_for(column.htcds) == column


def test_the_documented_sample_imports_without_a_problem(run_import):
    assert "redalert/imports/samples/import-sample.csv" in DOC.read_text(encoding="utf-8")
    job = run_import(SAMPLE.read_bytes())
    assert (job.status, job.created_count, job.rejected_count) == ("done", 5, 0)
    assert Case.objects.count() == 5
    # the sample shows the legal columns that feed the yearly report's legal figures
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
    for name in ("legal_representation_from", "legal_representation_until", "legal_representation_end", "outcome"):
        assert name in header
    statuses = dict(Proceeding.objects.values_list("investigation_file", "status"))
    assert statuses == {"CI/QRO/FIDAT/0457/2017": "sentenced", "CI/QRO/0112/2016": "declined"}
