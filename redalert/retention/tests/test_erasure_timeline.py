"""Erasing a case's identity keeps, of each timeline line's summary, only the keys known to say what kind of thing
happened (codes, counts, references); free text (a status change's reason) and unknown keys go; another case's
lines are untouched."""

from __future__ import annotations

from typing import Any

from redalert.cases.models import TimelineEvent, TimelineKind
from redalert.retention.erasure import erase_case_identity


def test_erasure_keeps_only_the_known_keys_of_the_timeline(
    case: Any, coordinator: Any, make_case: Any, org_a: Any
) -> None:
    mine = TimelineEvent.objects.create(
        case=case,
        kind=TimelineKind.STATUS,
        summary_data={"from": "reported", "to": "closed", "on": "2026-05-01", "reason": "La encontró su tía Rosa"},
    )
    odd = TimelineEvent.objects.create(
        case=case, kind=TimelineKind.ALERT, summary_data={"event": "issued", "number": 3, "contact": "Rosa, 55 1234"}
    )
    other_case = make_case(org_a, coordinator, given_names="Ana")
    theirs = TimelineEvent.objects.create(
        case=other_case, kind=TimelineKind.STATUS, summary_data={"from": "reported", "to": "closed", "reason": "Ana"}
    )

    assert erase_case_identity(case, coordinator) is True

    kept = {"from": "reported", "to": "closed", "on": "2026-05-01"}
    assert TimelineEvent.objects.get(pk=mine.pk).summary_data == kept
    assert TimelineEvent.objects.get(pk=odd.pk).summary_data == {"event": "issued", "number": 3}
    assert TimelineEvent.objects.get(pk=theirs.pk).summary_data["reason"] == "Ana"
    assert TimelineEvent.objects.get(pk=mine.pk).describe()  # the line still reads
