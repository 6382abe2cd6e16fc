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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db import connections, transaction
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from redalert.cases.choices import CaseStatus, Sex, YesNoUnknown
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.investigation.models import Outcome
from redalert.statistics.models import CaseFact
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


def load_rows(candidates: QuerySet[Case]) -> tuple[dict[int, CaseRow], dict[int, date | None]]:
    """What the general indicators need to know about these cases, and their closing dates."""
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
    return rows, closed_on


def cases_worked_in(cases: QuerySet[Case], year: int) -> WorkedCases:
    """Cases searched for (worked) in `year`, carried over and into next year, and in follow-up (see module doc).

    Every case loaded into Python: the reference the report's database counts (YearCases) are tested against, and
    what the public statistics (redalert.opendata) read."""
    period = Period(year)
    before = date(year - 1, 12, 31)
    # The current closing date is the latest closure: a case closed before the year (and not reopened since) was
    # neither searched for nor followed up in it.
    candidates = year_candidates(cases, period)
    rows, closed_on = load_rows(candidates)
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


# -----------------------------------------------------------------------------------------------------------------
# The same definitions, counted by the database (issue 14: the report at a million cases).
#
# Each case gets one class: a bit set of the flags below, which says every set of the report it belongs to (the
# predicates under it, one per set). For a case never reopened (no status change from "closed"), the class is a
# SQL expression (`class_expression`): search_periods and follow_up_periods without a history are one period
# each, so "searched for during the year" and "under way at the end of a day" are comparisons of its dates. For a
# case reopened (rare), the class is computed in Python from its status history (`class_of`, with the functions
# above). The property test checks, on random histories, that the SQL class equals `class_of` for every case.
# -----------------------------------------------------------------------------------------------------------------

WORKED = 1  # searched for on at least one day of the year
CARRIED_IN = 2  # searched for on 31 December of the year before, and after it
CARRIED_OUT = 4  # searched for on 31 December of the year, and after it
FOLLOW_UP = 8  # located by the end of the year and in follow-up at some time in it
LOCATED_IN_YEAR = 16  # the date located is in the year
REPORTED_BEFORE = 32  # reported before the year


def is_worked(c: int) -> bool:
    return bool(c & WORKED)


def is_carried_over(c: int) -> bool:
    return bool(c & WORKED and c & CARRIED_IN)


def is_new(c: int) -> bool:
    return bool(c & WORKED and not c & CARRIED_IN)


def is_reopened(c: int) -> bool:
    return is_new(c) and bool(c & REPORTED_BEFORE)


def is_located(c: int) -> bool:
    return bool(c & WORKED and c & LOCATED_IN_YEAR)


def is_not_located_at_end(c: int) -> bool:
    return bool(c & WORKED and not c & LOCATED_IN_YEAR)


def is_carried_into_next(c: int) -> bool:
    return is_not_located_at_end(c) and bool(c & CARRIED_OUT)


def is_search_closed(c: int) -> bool:
    return is_not_located_at_end(c) and not c & CARRIED_OUT


def is_follow_up(c: int) -> bool:
    return bool(c & FOLLOW_UP)


def is_located_earlier(c: int) -> bool:
    return is_follow_up(c) and not is_located(c)


def is_served(c: int) -> bool:
    """Searched for or in follow-up during the year: what the care and legal figures count."""
    return bool(c & (WORKED | FOLLOW_UP))


def class_of(
    period: Period,
    reported_on: date,
    located_on: date | None,
    closed_on: date | None,
    changes: list[tuple[date, str, str]] | None,
) -> int:
    """The class of one case in the year, from its periods (the reference: the SQL expression must equal it)."""
    c = 0
    if reported_on > period.last_day:
        return c
    search = search_periods(reported_on, located_on, closed_on, changes)
    if during(search, period):
        c |= WORKED
    if after(search, date(period.year - 1, 12, 31)):
        c |= CARRIED_IN
    if after(search, period.last_day):
        c |= CARRIED_OUT
    located_by_end = located_on is not None and located_on <= period.last_day
    if located_by_end and during(follow_up_periods(located_on, closed_on, changes), period):
        c |= FOLLOW_UP
    if located_on in period:
        c |= LOCATED_IN_YEAR
    if reported_on < period.first_day:
        c |= REPORTED_BEFORE
    return c


def reopened_filter() -> Exists:
    """Whether a case was ever reopened (a status change from "closed"): its class needs its status history."""
    return Exists(status_events().filter(case=OuterRef("pk"), summary_data__from=CaseStatus.CLOSED))


def year_candidates(cases: QuerySet[Any], period: Period) -> QuerySet[Any]:
    """A superset of the cases searched for or followed up in the year: reported by its end, not closed before it
    (the current closing date is the latest closure)."""
    return cases.filter(reported_at__lt=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.first_day)
    )


def _ended_after(day: date) -> Q:
    """A single search period (never reopened) still under way after `day`, given it started by then: neither
    located nor closed on or before `day`."""
    return (Q(located_on__isnull=True) | Q(located_on__gt=day)) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def class_conditions(period: Period) -> dict[int, Q]:
    """For a case never reopened (reported by the end of the year): the condition of each flag, in SQL. The search
    is one period, from the report until located or closed (the earlier), so: searched for during the year = not
    ended before it, or reported in it; under way after a day = reported by then and ended after it. Reported dates
    are local dates: compared as instants against the year's bounds."""
    before = date(period.year - 1, 12, 31)
    return {
        WORKED: Q(reported_at__lt=period.end) & (_ended_after(before) | Q(reported_at__gte=period.start)),
        CARRIED_IN: Q(reported_at__lt=period.start) & _ended_after(before),
        CARRIED_OUT: Q(reported_at__lt=period.end) & _ended_after(period.last_day),
        FOLLOW_UP: Q(located_on__isnull=False, located_on__lte=period.last_day)
        & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.first_day) | Q(located_on__gte=period.first_day)),
        LOCATED_IN_YEAR: Q(located_on__gte=period.first_day, located_on__lte=period.last_day),
        REPORTED_BEFORE: Q(reported_at__lt=period.start),
    }


def class_expression(period: Period) -> Any:
    """The class of a case never reopened, as one SQL integer expression."""
    conditions = class_conditions(period).items()
    flags = [SqlCase(When(condition, then=Value(bit)), default=Value(0)) for bit, condition in conditions]
    expression: Any = flags[0]
    for flag in flags[1:]:
        expression = expression + flag
    return ExpressionWrapper(expression, output_field=IntegerField())


# The case-level columns the report's tables group by (dimension → column of the case's row in
# redalert.statistics.models.CaseFact, which copies them from the case file and its person record).
DIMENSIONS: dict[str, Any] = {
    "sex": F("sex"),
    "age": F("age"),
    "nationalities": F("nationalities"),
    "indigenous": F("indigenous"),
    "indigenous_people": F("indigenous_people"),
    "last_seen_place": F("last_seen_place_id"),
    "outcome": F("outcome"),
    "status": F("status"),
}
# The groupings the tables ask for (the class is always grouped on), and the few counted by the database: each a
# GROUP BY over the cases, so as few as possible; a grouping asked for is summed from the first counted one that
# holds its dimensions.
GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("sex",),
    ("age",),
    ("nationalities",),
    ("indigenous", "indigenous_people"),
    ("last_seen_place",),
    ("outcome", "status"),
)
COUNTED: tuple[tuple[str, ...], ...] = (
    ("sex", "age", "indigenous"),
    ("nationalities", "indigenous", "indigenous_people"),
    ("last_seen_place",),
    ("outcome", "status"),  # counted for the cases located in the year only: what the alive/deceased table reads
)
LOCATED_ONLY = ("outcome", "status")
Group = tuple[Any, ...]  # the values of a grouping's dimensions
ClassPredicate = Callable[[int], bool]


def _dimension_values(row: CaseRow, outcome: str | None, grouping: tuple[str, ...]) -> Group:
    """A reopened case's values for a grouping, as the database would give them."""
    values = {
        "sex": row.sex,
        "age": row.age,
        "nationalities": json.dumps(row.nationalities),
        "indigenous": row.indigenous,
        "indigenous_people": row.indigenous_people,
        "last_seen_place": row.last_seen_place_id,
        "outcome": outcome,
        "status": row.status,
    }
    return tuple(values[d] for d in grouping)


class CaseIds(AbstractSet[int]):
    """The case ids behind a count, loaded from the database only when asked for (a list of cases behind a
    figure): the count is known without them."""

    def __init__(self, count: int, load: Callable[[], Iterable[int]]) -> None:
        self.count = count
        self._load = load
        self._ids: frozenset[int] | None = None

    @property
    def ids(self) -> frozenset[int]:
        if self._ids is None:
            self._ids = frozenset(self._load())
        return self._ids

    def __len__(self) -> int:
        return self.count if self._ids is None else len(self._ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    @classmethod
    def _from_iterable(cls, iterable: Iterable[Any]) -> frozenset[Any]:
        """What set operations (&, |, -) return: a plain frozenset."""
        return frozenset(iterable)

    def __hash__(self) -> int:
        return hash(self.ids)


class YearCases:
    """The cases of a report's year counted by the database: the class of every case (see the flags above) and the
    number of cases in each class and value of the report's groupings (one query), without loading the cases.
    Reopened cases (rare) are classed in Python from their status history and added to the counts.

    The counts read the cases' narrow rows (`facts`: redalert.statistics.models.CaseFact, kept by the change
    follower), not the case files: by default the rows of `cases`; a scope that can name its rows without the case
    files (one organisation, no consent filter) passes them, and the counts never touch the wide tables."""

    def __init__(self, cases: QuerySet[Case], year: int, facts: QuerySet[Any] | None = None) -> None:
        self.period = Period(year)
        if facts is None:
            facts = CaseFact.objects.filter(case__in=cases.values("pk"))
        self.candidates = year_candidates(cases, self.period)
        conditions = class_conditions(self.period)
        year_facts = year_candidates(facts, self.period)
        # Every case never reopened, with its class (0 for one neither searched for nor followed up in the year):
        # what the counts group, in one pass each, keeping the served classes in Python rather than testing the
        # class conditions twice per row in SQL.
        self._classed: QuerySet[Any] = year_facts.filter(reopened=False).annotate(
            case_class=class_expression(self.period)
        )
        self._simple: QuerySet[Any] = self._classed.filter(conditions[WORKED] | conditions[FOLLOW_UP])
        # Read through the partial index statistics_fact_reopened (a handful of rows), not a scan of the year.
        self._reopened_ids = year_facts.filter(reopened=True).values_list("pk", flat=True)

    # The reopened cases: classed in Python, with their rows and outcomes.
    @cached_property
    def _reopened_classes(self) -> dict[int, tuple[int, CaseRow, str | None]]:
        ids = sorted(self._reopened_ids)
        if not ids:
            return {}
        rows: dict[int, CaseRow] = {}
        closed_on: dict[int, date | None] = {}
        outcomes: dict[int, str] = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            chunk_rows, chunk_closed = load_rows(self.candidates.filter(pk__in=chunk))
            rows.update(chunk_rows)
            closed_on.update(chunk_closed)
            outcomes.update(Outcome.objects.filter(case__in=chunk).order_by().values_list("case_id", "result"))
        if not rows:
            return {}
        histories = status_changes_of(rows)
        classes: dict[int, tuple[int, CaseRow, str | None]] = {}
        for pk, row in rows.items():
            c = class_of(self.period, row.reported_on, row.located_on, closed_on[pk], histories.get(pk, []))
            if is_served(c):
                classes[pk] = (c, row, outcomes.get(pk))
        return classes

    @cached_property
    def groups(self) -> dict[tuple[str, ...], Counter[tuple[int, Group]]]:
        """For each grouping: (class, values) → number of cases searched for or followed up in the year."""
        counted = self._count_groups()
        for c, row, outcome in self._reopened_classes.values():
            for grouping in COUNTED:
                if grouping != LOCATED_ONLY or is_located(c):
                    counted[grouping][(c, _dimension_values(row, outcome, grouping))] += 1
        groups: dict[tuple[str, ...], Counter[tuple[int, Group]]] = {}
        for grouping in GROUPINGS:
            source = next(g for g in COUNTED if set(grouping) <= set(g))
            positions = [source.index(d) for d in grouping]
            summed: Counter[tuple[int, Group]] = Counter()
            for (c, values), n in counted[source].items():
                summed[(c, tuple(values[i] for i in positions))] += n
            groups[grouping] = summed
        return groups

    def _count_groups(self) -> dict[tuple[str, ...], Counter[tuple[int, Group]]]:
        """The counts of every grouping of COUNTED over the cases never reopened: on PostgreSQL in one scan when the
        planner can hash every grouping (`_count_grouping_sets`), else one GROUP BY for each."""
        counted = self._count_grouping_sets() if connections[self._classed.db].vendor == "postgresql" else None
        if counted is None:
            counted = self._count_groups_one_by_one()
        return {
            # The classes of no case searched for or followed up in the year are dropped here (the class says it),
            # and the alive/deceased grouping keeps the cases located in the year, all it is read for.
            grouping: Counter(
                {
                    (c, values): n
                    for (c, values), n in counts.items()
                    if (is_located(c) if grouping == LOCATED_ONLY else is_served(c))
                }
            )
            for grouping, counts in counted.items()
        }

    def _grouped_rows(self, grouping: tuple[str, ...]) -> QuerySet[Any]:
        """The class and the values of `grouping` of every case never reopened (a row per case)."""
        return (
            self._classed.annotate(**{f"d_{d}": DIMENSIONS[d] for d in grouping})
            .order_by()
            .values_list("case_class", *(f"d_{d}" for d in grouping))
        )

    def _count_groups_one_by_one(self) -> dict[tuple[str, ...], Counter[tuple[int, Group]]]:
        """One GROUP BY for each grouping of COUNTED (each computes the class of every row again)."""
        counted: dict[tuple[str, ...], Counter[tuple[int, Group]]] = {}
        conditions = class_conditions(self.period)
        for grouping in COUNTED:
            cases = self._classed
            if grouping == LOCATED_ONLY:  # what the alive/deceased table reads: the cases located in the year
                cases = cases.filter(conditions[WORKED] & conditions[LOCATED_IN_YEAR])
            rows = (
                cases.annotate(**{f"d_{d}": DIMENSIONS[d] for d in grouping})
                .order_by()
                .values("case_class", *(f"d_{d}" for d in grouping))
                .annotate(n=Count("*"))
                .values_list("case_class", *(f"d_{d}" for d in grouping), "n")
            )
            counted[grouping] = Counter({(c, tuple(values)): n for c, *values, n in rows})
        return counted

    def _count_grouping_sets(self) -> dict[tuple[str, ...], Counter[tuple[int, Group]]] | None:
        """Every grouping of COUNTED in one scan that computes each row's class once (PostgreSQL's GROUPING SETS),
        or None when the planner would sort for any of them: sorted grouping sets are slower than one GROUP BY for
        each. The class is computed below an OFFSET 0 so that the planner does not estimate its groups from the
        dates it is computed from (as many as the rows): with that estimate it never hashes."""
        dimensions = list(dict.fromkeys(d for grouping in COUNTED for d in grouping))
        sql, params = self._grouped_rows(tuple(dimensions)).query.sql_with_params()
        names = ["c", *(f"d{i}" for i in range(len(dimensions)))]
        columns = ", ".join(names)
        sets = ", ".join(
            "(" + ", ".join(["c", *(f"d{dimensions.index(d)}" for d in grouping)]) + ")" for grouping in COUNTED
        )
        query = (
            f"SELECT {columns}, GROUPING({columns}), COUNT(*) FROM ({sql} OFFSET 0) AS classed ({columns}) "  # noqa: S608
            f"GROUP BY GROUPING SETS ({sets})"
        )
        # GROUPING(...) has a bit set, the first column the highest, for each column a row's set does not group.
        masks = {
            sum(1 << (len(dimensions) - 1 - i) for i, d in enumerate(dimensions) if d not in grouping): grouping
            for grouping in COUNTED
        }
        counted: dict[tuple[str, ...], Counter[tuple[int, Group]]] = {grouping: Counter() for grouping in COUNTED}
        with transaction.atomic(using=self._classed.db), connections[self._classed.db].cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{GROUPING_SETS_WORK_MEM}'")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {query}", params)
            if _plan_sorts(cursor.fetchone()[0][0]["Plan"]):
                return None
            cursor.execute(query, params)
            for c, *values, mask, n in cursor.fetchall():
                grouping = masks[mask]
                counted[grouping][(c, tuple(values[dimensions.index(d)] for d in grouping))] += n
        return counted

    def count(self, predicate: ClassPredicate) -> int:
        return sum(n for (c, _v), n in self.groups[()].items() if predicate(c))

    def grouped(
        self, grouping: tuple[str, ...], predicate: ClassPredicate, key: Callable[[Group], Any]
    ) -> dict[Any, int]:
        """The cases of the classes `predicate` accepts, counted by `key` of their values for `grouping`."""
        counts: Counter[Any] = Counter()
        for (c, values), n in self.groups[grouping].items():
            if predicate(c):
                counts[key(values)] += n
        return dict(counts)

    def ids(
        self,
        predicate: ClassPredicate,
        grouping: tuple[str, ...] = (),
        where: Callable[[Group], bool] = lambda _values: True,
    ) -> frozenset[int]:
        """The ids of the cases of the classes `predicate` accepts whose values for `grouping` `where` accepts (a
        list of cases behind a figure: loaded from the database)."""
        rows = (
            self._simple.annotate(**{f"d_{d}": DIMENSIONS[d] for d in grouping})
            .order_by()
            .values_list("pk", "case_class", *(f"d_{d}" for d in grouping))
        )
        found = {pk for pk, c, *values in rows.iterator(chunk_size=20000) if predicate(c) and where(tuple(values))}
        for pk, (c, row, outcome) in self._reopened_classes.items():
            if predicate(c) and where(_dimension_values(row, outcome, grouping)):
                found.add(pk)
        return frozenset(found)

    def cases(
        self,
        predicate: ClassPredicate,
        grouping: tuple[str, ...] = (),
        where: Callable[[Group], bool] = lambda _values: True,
        *,
        count: int | None = None,
    ) -> CaseIds:
        """The lazy ids behind a count (counted from the groups unless `count` is given)."""
        if count is None:
            count = sum(n for (c, values), n in self.groups[grouping].items() if predicate(c) and where(values))
        return CaseIds(count, lambda: self.ids(predicate, grouping, where))

    @cached_property
    def located_by_history(self) -> dict[int, str | None]:
        """The cases located in the year with neither an outcome recorded nor a located status: the last located
        status of their history (None: no data)."""
        conditions = class_conditions(self.period)
        unresolved = (
            self._simple.filter(conditions[WORKED] & conditions[LOCATED_IN_YEAR], outcome__isnull=True)
            .exclude(status__in=LOCATED_STATUSES)
            .values("pk")
        )
        results: dict[int, str | None] = dict.fromkeys(unresolved.values_list("pk", flat=True))
        found = status_changes(status_events(to=LOCATED_STATUSES).filter(case__in=unresolved))
        reopened = [
            pk
            for pk, (c, row, outcome) in self._reopened_classes.items()
            if is_located(c) and direct_result(outcome, row.status) is None
        ]
        results.update(dict.fromkeys(reopened))
        found.update(status_changes_of(reopened, to=LOCATED_STATUSES))
        for case_id, changes in found.items():
            if case_id in results:
                located = [to for _on, _from, to in changes if to in LOCATED_STATUSES]
                results[case_id] = located[-1] if located else None
        return results

    def case_ids(self, *, served: bool = False) -> QuerySet[Case, Any]:
        """The ids of the cases searched for (or, with `served`, searched for or followed up) in the year, as a
        subquery for related tables (`case__in`): exact, in SQL."""
        conditions = class_conditions(self.period)
        condition = conditions[WORKED] | conditions[FOLLOW_UP] if served else conditions[WORKED]
        simple = self._simple.filter(condition).values("pk")
        predicate = is_served if served else is_worked
        reopened = [pk for pk, (c, _row, _outcome) in self._reopened_classes.items() if predicate(c)]
        return Case.objects.filter(Q(pk__in=simple) | Q(pk__in=reopened)).values("id")


# The memory PostgreSQL may give the hash tables of the grouping sets (SET LOCAL, for that query): the planner
# hashes them only if its estimate of their groups fits. A report's groups take a few MB.
GROUPING_SETS_WORK_MEM = "64MB"


def _plan_sorts(plan: dict[str, Any]) -> bool:
    """Whether a plan (EXPLAIN's JSON) sorts anywhere."""
    return plan.get("Node Type") == "Sort" or any(_plan_sorts(child) for child in plan.get("Plans", []))


def direct_result(outcome: str | None, status: str) -> str | None:
    """Alive or deceased from the recorded outcome, else from a located status; None: the history must answer."""
    if outcome is not None:
        return outcome
    return status if status in LOCATED_STATUSES else None


def located_results_of(year_cases: YearCases) -> tuple[dict[str | None, int], Callable[[str | None], frozenset[int]]]:
    """The cases located in the year by result (as located_results: the recorded outcome, else the status she was
    located with, else the last located status of her history, else None), counted by the database; and a loader
    of the ids of one result."""
    counts = year_cases.grouped(("outcome", "status"), is_located, lambda values: direct_result(*values))
    unresolved_count = counts.pop(None, 0)
    by_history = year_cases.located_by_history if unresolved_count else {}
    for result in by_history.values():
        counts[result] = counts.get(result, 0) + 1

    def load(result: str | None) -> frozenset[int]:
        found = {pk for pk, r in by_history.items() if r == result}
        if result is not None:
            found |= year_cases.ids(is_located, ("outcome", "status"), lambda values: direct_result(*values) == result)
        return frozenset(found)

    return counts, load
