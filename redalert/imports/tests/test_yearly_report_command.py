"""An imported history and its yearly report without a browser: `manage.py yearly_report` (docs/import.md)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from redalert.audit.models import AuditEntry
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.imports.tests.test_legal_history import HISTORY


def legal_cases(report: dict, year: int) -> int:
    [table] = [t for t in report["tables"] if t["key"] == "legal"]
    [representation] = [r for r in table["rows"] if r["key"] == "representation"]
    return representation["cells"]["cases"]["value"]


def test_the_report_of_an_imported_history_as_a_system_export(run_import, org_a, tmp_path):
    run_import(csv_bytes(HISTORY))
    out = tmp_path / "rba-2015.json"
    call_command("yearly_report", organisation="rba", year=2015, fmt="json", output=str(out))
    assert legal_cases(json.loads(out.read_text()), 2015) == 2
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.actor is None and entry.actor_label == "system: yearly_report command"
    assert entry.detail["scope"] == "RBA" and entry.detail["format"] == "json" and entry.detail["system"] is True
    assert entry.organisation_id == org_a.pk


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx"])
def test_every_format_of_the_page(run_import, tmp_path, fmt):
    run_import(csv_bytes([row()]))
    out = tmp_path / f"report.{fmt}"
    call_command("yearly_report", organisation="RBA", year=2019, fmt=fmt, output=str(out))
    assert out.stat().st_size > 0
    if fmt == "pdf":
        assert out.read_bytes().startswith(b"%PDF")


def test_as_a_user_with_her_permissions_and_her_audit_entry(run_import, importer, org_b, make_user, tmp_path):
    run_import(csv_bytes(HISTORY))
    out = tmp_path / "r.csv"
    call_command("yearly_report", organisation="RBA", year=2015, fmt="csv", output=str(out), user=importer.username)
    assert out.read_bytes()
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.actor == importer and entry.detail["scope"] == "RBA"
    outsider = make_user(org_b, "coordinator", username="ajena")
    with pytest.raises(CommandError, match="may not see this report"):
        call_command("yearly_report", organisation="RBA", year=2015, fmt="csv", output=str(out), user="ajena")
    assert outsider.pk


def test_bad_arguments_give_a_message(db, tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("yearly_report", organisation="NOPE", year=2015, fmt="csv", output=str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No report for 1800"):
        call_command("yearly_report", coalition=True, year=1800, fmt="csv", output=str(tmp_path / "x"))
