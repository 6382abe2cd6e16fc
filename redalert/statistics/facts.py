"""Deriving the yearly report's per-case rows (CaseFact) from the case files: the only place that does.

Each row copies, as the database holds them, the columns the report's case counts read: the organisation, whether
the case was merged into another, the date reported, located and closed, the status, whether it was ever reopened
from "closed" (a status change in its timeline), the person's sex, age at disappearance, nationalities (the JSON
list as text), indigenous people, the place last seen and the recorded outcome's result.

How they are kept current: an in-transaction follower of the changes the services announce (redalert.statistics.
followers: intake, edits, status, outcome, imports, merges) re-derives the cases changed, in the same commit.
Cases written past the services (seed_demo's bulk load, the benchmarks' SQL loader) are derived by whoever wrote
them, with `refresh_facts`; `rebuild_statistics_facts` re-derives everything and says how many rows it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from redalert.cases.models import Case
from redalert.statistics.models import CaseFact
from redalert.statistics.worked import ID_CHUNK, reopened_filter

FIELDS = [
    "organisation_id",
    "merged",
    "reported_at",
    "located_on",
    "closed_on",
    "status",
    "reopened",
    "sex",
    "age",
    "nationalities",
    "indigenous",
    "indigenous_people",
    "last_seen_place_id",
    "outcome",
]
UPDATE_FIELDS = [name.removesuffix("_id") if name == "organisation_id" else name for name in FIELDS]


def derive(case_ids: Iterable[int]) -> list[CaseFact]:
    """The rows of these cases, from the case files as they are now (cases that no longer exist: none)."""
    ids = sorted(set(case_ids))
    facts: list[CaseFact] = []
    for start in range(0, len(ids), ID_CHUNK):
        rows = (
            Case.objects.filter(pk__in=ids[start : start + ID_CHUNK])
            .annotate(nationalities_text=Cast("person__nationalities", TextField()), was_reopened=reopened_filter())
            .order_by()
            .values_list(
                "pk",
                "organisation_id",
                "merged_into_id",
                "reported_at",
                "located_on",
                "closed_on",
                "status",
                "was_reopened",
                "person__sex",
                "person__age_at_disappearance",
                "nationalities_text",
                "person__indigenous",
                "person__indigenous_people",
                "last_seen_place_id",
                "outcome__result",
            )
        )
        for pk, organisation_id, merged_into_id, *values in rows:
            fields = dict(zip(FIELDS[2:], values, strict=True))
            facts.append(
                CaseFact(case_id=pk, organisation_id=organisation_id, merged=merged_into_id is not None, **fields)
            )
    return facts


def _write(case_ids: Iterable[int], facts: list[CaseFact]) -> None:
    with transaction.atomic():
        CaseFact.objects.filter(case_id__in=set(case_ids) - {f.case_id for f in facts}).delete()
        CaseFact.objects.bulk_create(
            facts, update_conflicts=True, unique_fields=["case"], update_fields=UPDATE_FIELDS, batch_size=2000
        )


def refresh_facts(case_ids: Iterable[int]) -> None:
    """Re-derive these cases' rows (the follower of announced changes; cases that no longer exist lose theirs)."""
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        _write(chunk, derive(chunk))


def _signature(fact: CaseFact) -> tuple[Any, ...]:
    return tuple(getattr(fact, name) for name in FIELDS)


def rebuild_facts(progress: Callable[[int], None] | None = None) -> int:
    """Re-derive the rows of every case; returns how many rows were added, changed or removed."""
    changed = 0
    last = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:ID_CHUNK])
        if not ids:
            break
        derived = {fact.case_id: fact for fact in derive(ids)}
        stored = {fact.case_id: fact for fact in CaseFact.objects.filter(case_id__in=ids)}
        stale = [fact for pk, fact in derived.items() if pk not in stored or _signature(stored[pk]) != _signature(fact)]
        if stale:
            _write([fact.case_id for fact in stale], stale)
            changed += len(stale)
        last = ids[-1]
        if progress is not None:
            progress(last)
    return changed  # rows of deleted cases went with them (ON DELETE CASCADE)
