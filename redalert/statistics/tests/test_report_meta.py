"""What the report says about itself is written for its reader: dates in her language, not ISO."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from redalert.statistics.report import yearly_report
from redalert.statistics.scope import organisation_scope


def test_the_report_date_is_written_as_the_reader_writes_dates(org_a):
    with translation.override("es"):
        report = yearly_report(organisation_scope(org_a), 2026, today=date(2026, 12, 7))
    meta = {str(label): value for label, value in report.meta}
    assert meta["Elaborado el"] == "07/12/2026"
    assert "2026-12-07" not in " ".join(str(value) for value in meta.values())
