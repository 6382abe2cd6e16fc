"""The status history an import writes is the one the lifecycle would have written, with the file's dates: the
yearly report derives "open on day D" from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from redalert.cases.lifecycle import TRANSITIONS
from redalert.cases.models import Case, TimelineEvent
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.investigation.models import Outcome

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "import-sample.csv"


def steps(case: Case) -> list[dict]:
    return [e.summary_data for e in TimelineEvent.objects.filter(case=case, kind="status").order_by("at", "id")]


def test_every_imported_history_follows_the_lifecycle_with_the_files_dates(run_import):
    rows = [
        row(case_reference="REP", status="reported"),
        row(case_reference="VER", status="verification", status_on="2019-03-07"),
        row(case_reference="ACT", status="active_search", status_on="2019-03-06"),
    ]
    run_import(SAMPLE.read_bytes())
    run_import(csv_bytes(rows))
    today = timezone.localdate().isoformat()
    for case in Case.objects.all():
        history = steps(case)
        previous = "reported"
        for step in history:
            assert step["from"] == previous
            assert step["to"] in TRANSITIONS[previous], (case.reference, step)
            assert step["on"] != today
            previous = step["to"]
        assert previous == case.status
        days = [step["on"] for step in history]
        assert days == sorted(days)
        assert all(day >= timezone.localtime(case.reported_at).date().isoformat() for day in days)
        located = [s["on"] for s in history if s["to"] in ("located_alive", "located_deceased")]
        assert (case.located_on.isoformat() if case.located_on else None) == (located[0] if located else None)
        closed = [s["on"] for s in history if s["to"] == "closed"]
        assert (case.closed_on.isoformat() if case.closed_on else None) == (closed[-1] if closed else None)
        last = history[-1]["on"] if history else timezone.localtime(case.reported_at).date().isoformat()
        assert timezone.localtime(case.status_changed_at).date().isoformat() == last
        reported = TimelineEvent.objects.get(case=case, kind="reported")
        assert reported.at == case.reported_at


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"status": "reported"}, []),
        ({"status": "verification"}, [("verification", "2019-03-05")]),
        ({"status": "not_located"}, [("verification", "2019-03-05"), ("active_search", "2019-03-05")]),
        (
            {"status": "active_search", "status_on": "2019-03-08"},
            [("verification", "2019-03-05"), ("active_search", "2019-03-08")],
        ),
        (
            {"status": "located_deceased", "status_on": "2019-06-01"},
            [("verification", "2019-03-05"), ("active_search", "2019-03-05"), ("located_deceased", "2019-06-01")],
        ),
        (
            {"status": "follow_up", "located_on": "2019-06-01", "outcome": "alive"},
            [
                ("verification", "2019-03-05"),
                ("active_search", "2019-03-05"),
                ("located_alive", "2019-06-01"),
                ("follow_up", "2019-06-01"),
            ],
        ),
        (
            {"status": "closed", "closed_on": "2020-02-02", "closure_reason": "Sin noticias"},
            [("verification", "2019-03-05"), ("active_search", "2019-03-05"), ("closed", "2020-02-02")],
        ),
        (
            {"status": "closed", "status_on": "2020-02-02", "located_on": "2019-06-01", "outcome": "deceased"},
            [
                ("verification", "2019-03-05"),
                ("active_search", "2019-03-05"),
                ("located_deceased", "2019-06-01"),
                ("closed", "2020-02-02"),
            ],
        ),
    ],
)
def test_the_steps_for_each_status(run_import, values, expected):
    job = run_import(csv_bytes([row(**values)]))
    assert job.status == "done"
    case = Case.objects.get()
    assert [(s["to"], s["on"]) for s in steps(case)] == expected


def test_the_outcome_of_a_located_case(run_import, places):
    run_import(
        csv_bytes(
            [
                row(
                    status="located_alive",
                    located_on="2019-06-01",
                    located_place="Tlaxcala de Xicohténcatl, Tlaxcala, México",
                    how_located="Rescued in an operation",
                )
            ]
        )
    )
    outcome = Outcome.objects.get()
    assert (outcome.result, outcome.on, outcome.place, outcome.how) == (
        "located_alive",
        date(2019, 6, 1),
        places["tlax_city"],
        "rescue_operation",
    )
