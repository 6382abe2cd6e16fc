"""The cases worked in a year, read from the case files, and what became of those located.

- Cases worked in Y: reported on or before 31 Dec Y and open at some time in Y: open on 1 Jan Y (a case closed
  during Y, even on 1 January, was worked in Y) or opened during Y. A closed case that was reopened is open again
  from the date of the reopening (status history: TimelineEvent kind "status", {"from", "to", "on"}); it is not
  counted in the years it spent closed. New = reported in Y; carried over = reported before Y.
- Located in Y: worked in Y with the date located in Y; alive or deceased from the recorded outcome
  (investigation), else the status she was located with (status history), else "no data".
- Not located at the end of Y: worked in Y, not located on or before 31 Dec Y and not closed on 31 Dec Y
  (the cases carried into Y+1).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from redalert.cases.choices import CaseStatus, Sex, YesNoUnknown
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.investigation.models import Outcome
from redalert.statistics.periods import Period, open_at_end, open_during, open_periods

LOCATED_STATUSES = (CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED)
ID_CHUNK = 2000  # ids per IN (...) list: well under SQLite's limit on query parameters


@dataclass(slots=True)
class CaseRow:
    """What the general indicators need to know about one case."""

    id: int
    reported_on: date
    located_on: date | None
    status: str
    sex: str
    age: int | None
    nationalities: list[str]
    indigenous: str
    indigenous_people: str
    last_seen_place_id: int | None


@dataclass
class WorkedCases:
    """The cases worked in a year, and the sets the report splits them into."""

    period: Period
    rows: dict[int, CaseRow]
    closed_at_end: frozenset[int]
    candidates: QuerySet[Case]  # a superset of the worked cases, for subqueries of related tables
    # While a YearData keeps the worked cases' ids in a temporary table: "SELECT id FROM <it>" (see YearData).
    case_ids_sql: RawSQL | None = None

    def of_cases(self, queryset: QuerySet[Any], path: str = "case") -> QuerySet[Any]:
        """The rows of a related table whose case (reached through `path`) may be worked in the year: a superset;
        callers keep the rows whose case id is in `ids`."""
        source = self.case_ids_sql if self.case_ids_sql is not None else self.candidates
        return queryset.filter(**{f"{path}__in": source})

    @cached_property
    def ids(self) -> frozenset[int]:
        return frozenset(self.rows)

    @cached_property
    def new(self) -> frozenset[int]:
        return frozenset(i for i, r in self.rows.items() if r.reported_on >= self.period.first_day)

    @cached_property
    def carried_over(self) -> frozenset[int]:
        return self.ids - self.new

    @cached_property
    def located(self) -> frozenset[int]:
        return frozenset(i for i, r in self.rows.items() if r.located_on in self.period)

    @cached_property
    def not_located_at_end(self) -> frozenset[int]:
        last = self.period.last_day
        return frozenset(
            i
            for i, r in self.rows.items()
            if (r.located_on is None or r.located_on > last) and i not in self.closed_at_end
        )


def status_events(*, to: Iterable[str] | None = None) -> QuerySet[TimelineEvent]:
    """Status changes of the timeline (only those to some statuses, when asked)."""
    events = TimelineEvent.objects.filter(kind=TimelineKind.STATUS)
    if to is not None:
        events = events.filter(summary_data__to__in=list(to))
    return events


def status_changes(events: QuerySet[TimelineEvent]) -> dict[int, list[tuple[date, str, str]]]:
    """Status history per case, in the order it happened: (on, from, to). "on" is the date given to the
    transition; where it is missing, the local date it was recorded."""
    history: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
    # Ordered as recorded in SQL, then (stable) by the date given: changes on the same day keep their order.
    # Dates travel as ISO text: parsing them in Python is far cheaper than loading timestamps row by row.
    rows = (
        events.annotate(
            on_text=KT("summary_data__on"),
            recorded_on=Cast(TruncDate("at", tzinfo=timezone.get_default_timezone()), TextField()),
            from_text=KT("summary_data__from"),
            to_text=KT("summary_data__to"),
        )
        .order_by("at", "id")
        .values_list("case_id", "on_text", "recorded_on", "from_text", "to_text")
    )
    for case_id, on_text, recorded_on, from_status, to_status in rows:
        try:
            on = date.fromisoformat(on_text)
        except (TypeError, ValueError):
            on = date.fromisoformat(recorded_on)
        history[case_id].append((on, from_status or "", to_status or ""))
    return {case_id: sorted(changes, key=lambda change: change[0]) for case_id, changes in history.items()}


def status_changes_of(
    case_ids: Iterable[int], to: Iterable[str] | None = None
) -> dict[int, list[tuple[date, str, str]]]:
    """The status history of these cases (only the changes to some statuses, when asked)."""
    ids = sorted(case_ids)
    events = status_events(to=to)
    history: dict[int, list[tuple[date, str, str]]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        history.update(status_changes(events.filter(case_id__in=ids[start : start + ID_CHUNK])))
    return history


def json_lists(texts: Iterable[str | None]) -> list[list[Any]]:
    """JSON lists as read from the database as text, parsed in one go (one parse per row costs more than the
    query on large reports); None or anything but a list becomes []."""
    parsed = json.loads("[" + ",".join(text or "[]" for text in texts) + "]")
    return [value if isinstance(value, list) else [] for value in parsed]


def cases_worked_in(cases: QuerySet[Case], year: int) -> WorkedCases:
    """Cases worked in `year`: reported on or before 31 Dec and open at some time in the year (see module doc)."""
    period = Period(year)
    candidates = cases.filter(reported_at__lt=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.first_day)
    )
    rows: dict[int, CaseRow] = {}
    closed_on: dict[int, date | None] = {}
    values = list(
        candidates.annotate(
            reported_on=TruncDate("reported_at", tzinfo=timezone.get_default_timezone()),
            nationalities_json=Cast("person__nationalities", TextField()),
        )
        .order_by()
        .values_list(
            "id",
            "reported_on",
            "located_on",
            "closed_on",
            "status",
            "person__sex",
            "person__age_at_disappearance",
            "nationalities_json",
            "person__indigenous",
            "person__indigenous_people",
            "last_seen_place_id",
        )
    )
    all_nationalities = json_lists(v[7] for v in values)
    for value, nationalities in zip(values, all_nationalities, strict=True):
        (pk, reported_on, located_on, closed, status, sex, age, _json, indigenous, people, place_id) = value
        rows[pk] = CaseRow(
            id=pk,
            reported_on=reported_on,
            located_on=located_on,
            status=status,
            sex=sex or Sex.UNKNOWN,
            age=age,
            nationalities=nationalities,
            indigenous=indigenous or YesNoUnknown.UNKNOWN,
            indigenous_people=(people or "").strip(),
            last_seen_place_id=place_id,
        )
        closed_on[pk] = closed
    # The current closing date answers for every case never reopened. A reopened case is wrong only when a closed
    # gap covers the whole year, which needs a reopening dated after the year; such a reopening was recorded after
    # the year too (a transition's date is never in the future), so only those events are read.
    reopenings = status_events().filter(at__gte=period.end, summary_data__from=CaseStatus.CLOSED)
    reopened = set(reopenings.order_by().values_list("case_id", flat=True)) & rows.keys()
    closed_at_end = {pk for pk, day in closed_on.items() if day is not None and day <= period.last_day}
    if reopened:
        for pk, changes in status_changes_of(reopened).items():
            if pk not in rows:
                continue
            periods = open_periods(rows[pk].reported_on, changes)
            if not open_during(periods, period):
                del rows[pk]
                closed_at_end.discard(pk)
            elif open_at_end(periods, period):
                closed_at_end.discard(pk)
            else:
                closed_at_end.add(pk)
    worked = {pk: row for pk, row in rows.items() if row.reported_on <= period.last_day}
    return WorkedCases(period, worked, frozenset(closed_at_end & worked.keys()), candidates)


def located_results(worked: WorkedCases) -> dict[int, str | None]:
    """Alive or deceased for each case located in the year: the recorded outcome (investigation), else the status
    she was located with (current status, else status history), else None (no data)."""
    located = worked.located
    results: dict[int, str | None] = dict.fromkeys(located)
    for case_id, result in worked.of_cases(Outcome.objects.all()).order_by().values_list("case_id", "result"):
        if case_id in results:
            results[case_id] = result
    unresolved = []
    for case_id in located:
        if results[case_id] is None:
            status = worked.rows[case_id].status
            if status in LOCATED_STATUSES:
                results[case_id] = status
            else:
                unresolved.append(case_id)
    if unresolved:
        for case_id, changes in status_changes_of(unresolved, to=LOCATED_STATUSES).items():
            if case_id in results and results[case_id] is None:
                found = [to for _on, _from, to in changes if to in LOCATED_STATUSES]
                results[case_id] = found[-1] if found else None
    return results
