"""Helpers of the import tests: files built from rows, and a job run the way the worker runs it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

BASE_ROW = {
    "case_reference": "H-001",
    "reported_on": "2019-03-05",
    "last_seen_on": "2019-03-04",
    "last_seen_place": "MX-QUE",
    "status": "not_located",
}


def csv_bytes(
    rows: list[dict[str, Any]], *, delimiter: str = ",", bom: bool = False, header: list[str] | None = None
) -> bytes:
    names = header or list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row.get(n) for n in names])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    names = header or list(dict.fromkeys(name for row in rows for name in row))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(n) for n in names])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**values: Any) -> dict[str, Any]:
    return {**BASE_ROW, **values}


@pytest.fixture
def importer(org_a: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(org_a, "coordinator", username="importadora")


@pytest.fixture
def run_import(org_a: Any, importer: Any, places: Any) -> Callable[..., Any]:
    """Store a job as an upload would, then run it with the worker's function; returns the finished job."""
    from redalert.imports.jobs import create_job, run_job

    def run(data: bytes, mode: str = "all_or_nothing", *, user: Any = None, name: str = "cases.csv") -> Any:
        job = create_job(organisation=org_a, user=user or importer, file_name=name, data=data, mode=mode)
        run_job(job.pk)
        job.refresh_from_db()
        return job

    return run
