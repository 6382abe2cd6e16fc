"""The cases searched for in a year, read from the case files and their status history, and what became of those
located. Every definition of the yearly report's case counts lives here (issue 14: they must add up across years).

The organisation's arithmetic: worked = new in the year + carried over from previous years; located in the year =
alive + deceased; not located at the end of the year = worked − located; those still searched for are carried into
next year. The search ends when she is located; follow-up (services, legal accompaniment) is counted by its own
figures, never as a case still searched for.

- Searched for: a case is searched for from the day it was reported until the day she is located, or until the case
  is closed without her being located (the search leaves on its closing date). A closed case reopened to active
  search is searched for again from the day of the reopening (status history: TimelineEvent kind "status",
  {"from", "to", "on"}). The day a search ends still belongs to it.
- Worked in Y (= searched for during Y): searched for on at least one day of Y.
- Carried over into Y: searched for on 31 December Y-1 and still after it (so: worked in Y). Exactly the cases
  carried into Y by the report of Y-1.
- New in Y: worked in Y and not carried over: reported in Y, or reopened to active search in Y after a search that
  ended before Y ("of which reopened").
- Located in Y: worked in Y with the date located in Y; alive or deceased from the recorded outcome (investigation),
  else the status she was located with (status history), else "no data".
- Not located at the end of Y: worked in Y − located in Y. Of these, the cases still searched for after 31 December
  are carried into Y+1; the rest were closed without being located during Y (the search ended on the closing date).
- In follow-up during Y: located on or before 31 December Y and in follow-up at some time in Y: from the day she was
  located until the case is closed, again from a reopening for follow-up. Shown on its own, not part of worked.
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
from redalert.statistics.periods import Period

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
    """The cases searched for (worked) in a year, the sets the report splits them into, and the cases in follow-up."""

    period: Period
    rows: dict[int, CaseRow]  # the cases worked (searched for during the year)
    carried_in: frozenset[int]  # searched for on 31 December of the year before (carried over)
    carried_out: frozenset[int]  # searched for on 31 December of the year and after (carried into next year)
    follow_up: frozenset[int]  # located by the end of the year and in follow-up at some time in it
    candidates: QuerySet[Case]  # a superset of the worked and followed-up cases, for subqueries of related tables
    # While a YearData keeps the candidate cases' ids in a temporary table: "SELECT id FROM <it>" (see YearData).
    case_ids_sql: RawSQL | None = None

    def of_cases(self, queryset: QuerySet[Any], path: str = "case") -> QuerySet[Any]:
        """The rows of a related table whose case (reached through `path`) may be worked or followed up in the year:
        a superset; callers keep the rows whose case id is in `ids` (or `follow_up`)."""
        source = self.case_ids_sql if self.case_ids_sql is not None else self.candidates
        return queryset.filter(**{f"{path}__in": source})

    @cached_property
    def ids(self) -> frozenset[int]:
        return frozenset(self.rows)

    @cached_property
    def served(self) -> frozenset[int]:
        """The cases searched for or in follow-up during the year: what the care and legal figures count."""
        return self.ids | self.follow_up

    @cached_property
    def carried_over(self) -> frozenset[int]:
        return self.carried_in & self.ids

    @cached_property
    def new(self) -> frozenset[int]:
        return self.ids - self.carried_over

    @cached_property
    def reopened(self) -> frozenset[int]:
        """New cases reported before the year: reopened to active search during it."""
        return frozenset(i for i in self.new if self.rows[i].reported_on < self.period.first_day)

    @cached_property
    def located(self) -> frozenset[int]:
        return frozenset(i for i, r in self.rows.items() if r.located_on in self.period)

    @cached_property
    def not_located_at_end(self) -> frozenset[int]:
        return self.ids - self.located

    @cached_property
    def carried_into_next(self) -> frozenset[int]:
        return self.carried_out & self.not_located_at_end

    @cached_property
    def search_closed(self) -> frozenset[int]:
        """Not located, and the case closed during the year: the search ended without locating her."""
        return self.not_located_at_end - self.carried_into_next


Periods = list[tuple[date, date | None]]


def search_periods(
    reported_on: date, located_on: date | None, closed_on: date | None, changes: list[tuple[date, str, str]] | None
) -> Periods:
    """The periods a case was searched for (end day included, None while still searched for).

    Without a status history of reopenings (`changes` None) the case columns answer: from the report until located,
    else until closed. With it: a search ends when she is located, the case goes to follow-up or is closed; a
    reopening from "closed" to active search starts a new one. A date located on the case ends the last search even
    where the history does not record it (imported cases)."""
    if changes is None:
        ends = [d for d in (located_on, closed_on) if d is not None]
        end = min(ends) if ends else None
        return [(reported_on, max(end, reported_on) if end is not None else None)]
    periods: Periods = []
    start: date | None = reported_on
    for on, from_status, to_status in changes:
        if start is not None and to_status in (*LOCATED_STATUSES, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED):
            periods.append((start, max(on, start)))
            start = None
        elif start is None and from_status == CaseStatus.CLOSED and to_status == CaseStatus.ACTIVE_SEARCH:
            start = on
    if start is not None:
        end = located_on if located_on is not None and located_on >= start else None
        periods.append((start, end))
    return periods


def follow_up_periods(
    located_on: date | None, closed_on: date | None, changes: list[tuple[date, str, str]] | None
) -> Periods:
    """The periods a located case was in follow-up: from the day she was located until the case is closed, again
    from a reopening for follow-up (end day included, None while still open)."""
    if located_on is None:
        return []
    if changes is not None:
        periods: Periods = []
        start: date | None = None
        for on, _from, to_status in changes:
            if start is None and to_status in (*LOCATED_STATUSES, CaseStatus.FOLLOW_UP):
                start = max(on, located_on)
            elif start is not None and to_status == CaseStatus.CLOSED:
                periods.append((start, max(on, start)))
                start = None
        if start is not None:
            periods.append((start, None))
        if periods:
            return periods
    return [(located_on, max(closed_on, located_on) if closed_on is not None else None)]


def during(periods: Periods, period: Period) -> bool:
    return any(s <= period.last_day and (e is None or e >= period.first_day) for s, e in periods)


def after(periods: Periods, day: date) -> bool:
    """Under way at the end of `day` (and the next day)."""
    return any(s <= day and (e is None or e > day) for s, e in periods)


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
    """Cases searched for (worked) in `year`, carried over and into next year, and in follow-up (see module doc)."""
    period = Period(year)
    before = date(year - 1, 12, 31)
    # The current closing date is the latest closure: a case closed before the year (and not reopened since) was
    # neither searched for nor followed up in it.
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
    # The case columns answer for every case never reopened; the status history is read for those reopened.
    reopened_ids = set(
        status_events()
        .filter(summary_data__from=CaseStatus.CLOSED, case__in=candidates)
        .order_by()
        .values_list("case_id", flat=True)
    )
    histories = status_changes_of(reopened_ids & rows.keys()) if reopened_ids else {}
    worked: dict[int, CaseRow] = {}
    carried_in: set[int] = set()
    carried_out: set[int] = set()
    follow_up: set[int] = set()
    for pk, row in rows.items():
        if row.reported_on > period.last_day:
            continue
        changes = histories.get(pk) if pk in reopened_ids else None
        search = search_periods(row.reported_on, row.located_on, closed_on[pk], changes)
        if during(search, period):
            worked[pk] = row
            if after(search, before):
                carried_in.add(pk)
            if after(search, period.last_day):
                carried_out.add(pk)
        located_by_end = row.located_on is not None and row.located_on <= period.last_day
        if located_by_end and during(follow_up_periods(row.located_on, closed_on[pk], changes), period):
            follow_up.add(pk)
    return WorkedCases(period, worked, frozenset(carried_in), frozenset(carried_out), frozenset(follow_up), candidates)


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
