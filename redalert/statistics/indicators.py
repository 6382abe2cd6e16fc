"""The yearly report's indicators: the one place each definition lives.

Every function takes the cases a report counts (a queryset, from redalert.statistics.scope) and a year, and
returns plain sets of case ids or report tables (redalert.statistics.tables). Dates are local dates in the
installation's time zone (settings.TIME_ZONE): a report received at 23:59 on 31 December, local time, belongs to
that year. The report-wide definitions are `definitions(year)`, printed on the report itself.

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
import secrets
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import Min, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from redalert.cases.choices import CaseStatus, Sex, YesNoUnknown
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.lib.text import fold
from redalert.places.models import Place, PlaceKind
from redalert.places.names import country_name
from redalert.statistics.scope import Scope
from redalert.statistics.tables import Cell, Column, Report, Row, Table, count_cell

LOCATED_STATUSES = (CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED)
ADULT_AGE = 18
# CTDC's age bins (open data): lower bound, upper bound (inclusive; None = and over).
CTDC_AGE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 8),
    (9, 17),
    (18, 20),
    (21, 23),
    (24, 26),
    (27, 29),
    (30, 38),
    (39, 47),
    (48, None),
)
TOP_PLACES = 10
SUBDIVISION, LOCALITY = PlaceKind.SUBDIVISION.value, PlaceKind.LOCALITY.value
NO_DATA = "no-data"
ID_CHUNK = 2000  # ids per IN (...) list: well under SQLite's limit on query parameters


# ---------------------------------------------------------------------------------------------------------------
# The year and the cases worked in it
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year in the installation's time zone."""

    year: int

    @cached_property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @cached_property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    @cached_property
    def start(self) -> datetime:
        return timezone.make_aware(datetime(self.year, 1, 1), timezone.get_default_timezone())

    @cached_property
    def end(self) -> datetime:
        """The first instant after the year (exclusive bound)."""
        return timezone.make_aware(datetime(self.year + 1, 1, 1), timezone.get_default_timezone())

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day


def local_date(moment: datetime) -> date:
    """The day of a moment in the installation's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def open_periods(opened_on: date, changes: Iterable[tuple[date, str, str]]) -> list[tuple[date, date | None]]:
    """The periods a case was open: from the report to its closure, then from each reopening to the next closure.

    `changes` are status changes (on, from, to) in the order they happened; the end of a period is the day of the
    closure (inclusive), None while still open.
    """
    periods: list[tuple[date, date | None]] = []
    start: date | None = opened_on
    for on, from_status, to_status in changes:
        if to_status == CaseStatus.CLOSED and start is not None:
            periods.append((start, on))
            start = None
        elif from_status == CaseStatus.CLOSED and start is None:
            start = on
    if start is not None:
        periods.append((start, None))
    return periods


def open_during(periods: list[tuple[date, date | None]], period: Period) -> bool:
    return any(s <= period.last_day and (e is None or e >= period.first_day) for s, e in periods)


def open_at_end(periods: list[tuple[date, date | None]], period: Period) -> bool:
    return any(s <= period.last_day and (e is None or e > period.last_day) for s, e in periods)


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
    from redalert.investigation.models import Outcome

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


# ---------------------------------------------------------------------------------------------------------------
# The data of one report
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteStop:
    event_type: str
    place_key: str | None  # the subdivision's (or, when only the country is known, the country's) key


class YearData:
    """Everything a yearly report reads, loaded once and only when a table asks for it.

    Used as a context manager (`with YearData(...) as data:`), it also keeps the ids of the cases that may be worked
    in a temporary table while the tables are built, so that each related table is matched against that small
    table instead of filtering the case table again (one scan of the cases per report instead of one per table).
    """

    def __init__(self, scope: Scope, year: int, today: date | None = None) -> None:
        self.scope = scope
        self.period = Period(year)
        self.year = year
        self.today = today or timezone.localdate()
        self.cases = scope.cases()
        self._keep_ids = False
        self._temporary_table = ""

    def __enter__(self) -> YearData:
        self._keep_ids = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._temporary_table:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {self._temporary_table}")
            except DatabaseError:  # an aborted transaction drops it on rollback
                pass
            self._temporary_table = ""

    @cached_property
    def worked(self) -> WorkedCases:
        worked = cases_worked_in(self.cases, self.year)
        if self._keep_ids:
            worked.case_ids_sql = self._keep_case_ids(worked.ids)
        return worked

    def _keep_case_ids(self, ids: frozenset[int]) -> RawSQL:
        # Only a generated name goes into these statements; the ids are parameters.
        name = f"statistics_cases_{secrets.token_hex(6)}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint PRIMARY KEY)")
            self._temporary_table = name
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {name} (id) SELECT unnest(%s::bigint[])", [sorted(ids)])
                cursor.execute(f"ANALYZE {name}")
            else:
                cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in ids])  # noqa: S608
        return RawSQL(f"SELECT id FROM {name}", ())  # noqa: S608, S611

    @property
    def worked_total(self) -> int:
        return len(self.worked.ids)

    @cached_property
    def located_results(self) -> dict[int, str | None]:
        return located_results(self.worked)

    @cached_property
    def facts(self) -> dict[int, tuple[list[str], str]]:
        """Per worked case with trafficking facts: (exploitation types, organised crime)."""
        from redalert.investigation.models import TraffickingFacts

        ids = self.worked.ids
        rows = list(
            self.worked.of_cases(TraffickingFacts.objects.all())
            .annotate(types_json=Cast("exploitation_types", TextField()))
            .order_by()
            .values_list("case_id", "types_json", "organised_crime")
        )
        types = json_lists(types_json for _c, types_json, _crime in rows)
        return {c: (t, crime) for (c, _json, crime), t in zip(rows, types, strict=True) if c in ids}

    @cached_property
    def route(self) -> dict[int, list[RouteStop]]:
        from redalert.investigation.models import TraffickingEvent

        ids = self.worked.ids
        rows = [
            row
            for row in self.worked.of_cases(TraffickingEvent.objects.all())
            .order_by()
            .values_list("case_id", "event_type", "place_id")
            if row[0] in ids
        ]
        keys = place_keys({place_id for _c, _e, place_id in rows if place_id is not None})
        stops: dict[int, list[RouteStop]] = defaultdict(list)
        for case_id, event_type, place_id in rows:
            stops[case_id].append(RouteStop(event_type, keys.get(place_id) if place_id is not None else None))
        return stops

    @cached_property
    def legal(self) -> LegalFacts:
        return legal_facts(self.worked, self.today)

    def place_labels(self, keys: Iterable[str]) -> dict[str, str]:
        return place_labels(keys)


def place_key(kind: str | None, place_id: int | None, subdivision_id: int | None, country: str | None) -> str | None:
    """The subdivision a place lies in ("s<id>"), or its country ("c<code>") when the subdivision is not known."""
    if place_id is None:
        return None
    if kind == SUBDIVISION:
        return f"s{place_id}"
    if kind == LOCALITY and subdivision_id is not None:
        return f"s{subdivision_id}"
    return f"c{country}" if country else None


def place_keys(place_ids: Iterable[int]) -> dict[int, str | None]:
    """place_key of each place id, read in one query."""
    ids = sorted(place_ids)
    keys: dict[int, str | None] = {}
    for start in range(0, len(ids), ID_CHUNK):
        rows = Place.objects.filter(pk__in=ids[start : start + ID_CHUNK]).values_list(
            "id", "kind", "subdivision_id", "country_code"
        )
        keys.update({pk: place_key(kind, pk, subdivision_id, country) for pk, kind, subdivision_id, country in rows})
    return keys


def place_labels(keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    ids = [int(k[1:]) for k in keys if k.startswith("s")]
    places = Place.objects.in_bulk(ids)
    labels: dict[str, str] = {}
    for key in keys:
        if key.startswith("s"):
            place = places.get(int(key[1:]))
            labels[key] = (
                f"{place.name}, {country_name(place.country_code)}" if place else _("Place %(id)s") % {"id": key}
            )
        else:
            labels[key] = _("%(country)s (state not known)") % {"country": country_name(key[1:])}
    return labels


# ---------------------------------------------------------------------------------------------------------------
# Legal facts
# ---------------------------------------------------------------------------------------------------------------

OPEN_PROCEEDING_STATUSES = frozenset({"investigation", "charged", "trial", "appeal"})


@dataclass
class ProceedingFacts:
    id: int
    case_id: int
    has_lawyer: bool
    complaint_filed_on: date | None
    periods: list[tuple[date, date | None]]


@dataclass
class LegalFacts:
    proceedings: list[ProceedingFacts] = field(default_factory=list)
    # (case id, outcome date or None) of every accused person convicted, as of the report date.
    convictions: list[tuple[int, date | None]] = field(default_factory=list)


def proceeding_periods(start: date, changes: Iterable[tuple[date, str]]) -> list[tuple[date, date | None]]:
    """When a proceeding was under way: from its start until a sentence or a decline, again from an appeal."""
    periods: list[tuple[date, date | None]] = []
    opened: date | None = start
    for on, to_status in changes:
        if to_status in OPEN_PROCEEDING_STATUSES:
            if opened is None:
                opened = on
        elif opened is not None:
            periods.append((opened, max(on, opened)))
            opened = None
    if opened is not None:
        periods.append((opened, None))
    return periods


def legal_facts(worked: WorkedCases, today: date) -> LegalFacts:
    from redalert.legal.choices import AccusedOutcome
    from redalert.legal.models import Accused, Proceeding, StatusChange

    ids = worked.ids
    proceedings = {
        pk: (case_id, lawyer_id, filed, recorded_on)
        for pk, case_id, lawyer_id, filed, recorded_on in worked.of_cases(Proceeding.objects.all())
        .order_by()
        .annotate(recorded_on=Cast(TruncDate("created_at", tzinfo=timezone.get_default_timezone()), TextField()))
        .values_list("id", "case_id", "lawyer_id", "complaint_filed_on", "recorded_on")
        if case_id in ids
    }
    changes: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    for proceeding_id, to_status, on, pk in (
        worked.of_cases(StatusChange.objects.all(), "proceeding__case")
        .order_by()
        .values_list("proceeding_id", "to_status", "changed_on", "id")
    ):
        changes[proceeding_id].append((on, pk, to_status))
    facts = LegalFacts()
    for pk, (case_id, lawyer_id, filed, recorded_on) in proceedings.items():
        history = sorted(changes.get(pk, []))
        if filed is not None:
            start = filed
        elif history:
            start = history[0][0]
        else:
            start = date.fromisoformat(recorded_on)
        periods = proceeding_periods(start, [(on, to) for on, _pk, to in history])
        facts.proceedings.append(ProceedingFacts(pk, case_id, lawyer_id is not None, filed, periods))
    for case_id, convicted_on in (
        worked.of_cases(Accused.objects.filter(outcome=AccusedOutcome.CONVICTED), "proceeding__case")
        .order_by()
        .values_list("proceeding__case_id", "outcome_on")
    ):
        if case_id in ids and (convicted_on is None or convicted_on <= today):
            facts.convictions.append((case_id, convicted_on))
    return facts


# ---------------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------------


def _cases_column() -> list[Column]:
    return [Column("cases", _("Cases"), percent=True)]


def _no_data_row(label: str, ids: Iterable[int], denominator: int) -> Row:
    return Row(NO_DATA, label, {"cases": count_cell(ids, denominator)}, kind="no_data")


def _category_table(
    key: str,
    title: str,
    definition: str,
    groups: Sequence[tuple[str, str, Iterable[int]]],
    no_data: tuple[str, Iterable[int]] | None,
    denominator: int,
    *,
    chart: bool = True,
    footnotes: list[str] | None = None,
    case_section: str = "general",
) -> Table:
    no_data_ids = frozenset(no_data[1]) if no_data else frozenset()
    rows = [
        Row(row_key, label, {"cases": count_cell(ids, denominator, len(no_data_ids) if no_data else None)})
        for row_key, label, ids in groups
    ]
    if no_data is not None:
        rows.append(_no_data_row(no_data[0], no_data_ids, denominator))
    return Table(
        key,
        title,
        _cases_column(),
        rows,
        definition=definition,
        footnotes=footnotes or [],
        chart="cases" if chart else None,
        case_section=case_section,
    )


def worked_table(data: YearData) -> Table:
    w = data.worked
    total = data.worked_total
    y = data.year
    rows = [
        Row("worked", _("Cases worked in %(year)s") % {"year": y}, {"cases": count_cell(w.ids, total)}, kind="total"),
        Row("new", _("New (reported in %(year)s)") % {"year": y}, {"cases": count_cell(w.new, total)}),
        Row(
            "carried_over",
            _("Carried over (reported before %(year)s)") % {"year": y},
            {"cases": count_cell(w.carried_over, total)},
        ),
    ]
    return Table(
        "worked",
        _("Cases worked"),
        _cases_column(),
        rows,
        definition=_(
            "Cases reported on or before 31 December %(year)s that were still open on 1 January %(year)s or were "
            "opened during %(year)s. Percentages are of the cases worked."
        )
        % {"year": y},
    )


def outcome_table(data: YearData) -> Table:
    w = data.worked
    total = data.worked_total
    y = data.year
    rows = [
        Row("located", _("Located in %(year)s") % {"year": y}, {"cases": count_cell(w.located, total)}),
        Row(
            "not_located",
            _("Not located at the end of %(year)s") % {"year": y},
            {"cases": count_cell(w.not_located_at_end, total)},
        ),
    ]
    return Table(
        "outcome",
        _("Located and not located"),
        _cases_column(),
        rows,
        definition=_(
            "Located in %(year)s: cases worked whose date located is in %(year)s. Not located at the end of "
            "%(year)s: cases worked that were neither located nor closed by 31 December %(year)s; they are carried "
            "into %(next)s. Percentages are of the cases worked."
        )
        % {"year": y, "next": y + 1},
        footnotes=[
            _(
                "The two rows do not add up to the cases worked: the rest were located in an earlier year (and "
                "followed up) or closed without being located."
            )
        ],
    )


def located_result_table(data: YearData) -> Table:
    results = data.located_results
    located = len(results)
    alive = [c for c, r in results.items() if r == CaseStatus.LOCATED_ALIVE]
    deceased = [c for c, r in results.items() if r == CaseStatus.LOCATED_DECEASED]
    unknown = [c for c, r in results.items() if r is None]
    return _category_table(
        "located_result",
        _("Located alive or deceased"),
        _(
            "Of the cases located in %(year)s: alive or deceased, from the outcome recorded in the investigation, "
            "else the status she was located with. Percentages are of the cases located."
        )
        % {"year": data.year},
        [
            ("alive", str(CaseStatus.LOCATED_ALIVE.label), alive),
            ("deceased", str(CaseStatus.LOCATED_DECEASED.label), deceased),
        ],
        (_("No data: result not recorded"), unknown),
        located,
        chart=False,
    )


def sex_table(data: YearData) -> Table:
    rows = data.worked.rows
    by_sex: dict[str, list[int]] = defaultdict(list)
    for pk, row in rows.items():
        by_sex[row.sex].append(pk)
    groups = [(s.value, str(s.label), by_sex.get(s.value, [])) for s in Sex if s != Sex.UNKNOWN]
    known = {s.value for s in Sex if s != Sex.UNKNOWN}
    unknown = [pk for pk, row in rows.items() if row.sex not in known]
    return _category_table(
        "sex",
        _("Sex"),
        _("Cases worked in %(year)s by the sex of the missing person. Percentages are of the cases worked.")
        % {"year": data.year},
        groups,
        (_("No data: sex not known or not recorded"), unknown),
        data.worked_total,
    )


def age_group_table(data: YearData) -> Table:
    rows = data.worked.rows
    minors = [pk for pk, r in rows.items() if r.age is not None and r.age < ADULT_AGE]
    adults = [pk for pk, r in rows.items() if r.age is not None and r.age >= ADULT_AGE]
    unknown = [pk for pk, r in rows.items() if r.age is None]
    return _category_table(
        "age_group",
        _("Minors and adults"),
        _(
            "Age at disappearance (from the date of birth on the day last seen, else the estimated age): minors "
            "are under 18. Percentages are of the cases worked."
        ),
        [("minors", _("Minors (0–17)"), minors), ("adults", _("Adults (18 and over)"), adults)],
        (_("No data: age not known"), unknown),
        data.worked_total,
    )


def age_bin_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


def age_bins_table(data: YearData) -> Table:
    lows = [low for low, _high in CTDC_AGE_BINS]
    members: list[list[int]] = [[] for _bin in CTDC_AGE_BINS]
    unknown = []
    for pk, row in data.worked.rows.items():
        if row.age is None:
            unknown.append(pk)
        else:
            members[bisect_right(lows, row.age) - 1].append(pk)
    groups = [
        (f"{low}-{high}" if high is not None else f"{low}-plus", age_bin_label(low, high), ids)
        for (low, high), ids in zip(CTDC_AGE_BINS, members, strict=True)
    ]
    return _category_table(
        "age_bins",
        _("Age at disappearance (CTDC bins)"),
        _("Age at disappearance in the age bins of CTDC open data. Percentages are of the cases worked."),
        groups,
        (_("No data: age not known"), unknown),
        data.worked_total,
    )


def nationality_table(data: YearData) -> Table:
    by_country: dict[str, list[int]] = defaultdict(list)
    unknown = []
    for pk, row in data.worked.rows.items():
        codes = {n.upper() for n in row.nationalities if isinstance(n, str) and n}
        if not codes:
            unknown.append(pk)
        for code in codes:
            by_country[code].append(pk)
    ordered = sorted(by_country.items(), key=lambda item: (-len(item[1]), item[0]))
    return _category_table(
        "nationality",
        _("Nationality"),
        _("Cases worked in %(year)s by nationality (ISO 3166-1). Percentages are of the cases worked.")
        % {"year": data.year},
        [(code, country_name(code), ids) for code, ids in ordered],
        (_("No data: nationality not known"), unknown),
        data.worked_total,
        footnotes=[_("A person with more than one nationality counts once in each: the rows may add up to more.")],
    )


def indigenous_table(data: YearData) -> Table:
    rows = data.worked.rows
    yes = [pk for pk, r in rows.items() if r.indigenous == YesNoUnknown.YES]
    no = [pk for pk, r in rows.items() if r.indigenous == YesNoUnknown.NO]
    unknown = [pk for pk, r in rows.items() if r.indigenous not in (YesNoUnknown.YES, YesNoUnknown.NO)]
    return _category_table(
        "indigenous",
        _("Indigenous peoples"),
        _("Whether the missing person belongs to an indigenous people. Percentages are of the cases worked."),
        [("yes", _("Belongs to an indigenous people"), yes), ("no", _("Does not"), no)],
        (_("No data: not known"), unknown),
        data.worked_total,
        chart=False,
    )


def _usual_spelling(spellings: Counter[str]) -> str:
    """The most frequent spelling; among equals, the first in code-point order (capitals first)."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]


def indigenous_people_table(data: YearData) -> Table:
    members = {pk: r for pk, r in data.worked.rows.items() if r.indigenous == YesNoUnknown.YES}
    groups: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    unknown = []
    for pk, row in members.items():
        if not row.indigenous_people:
            unknown.append(pk)
            continue
        key = slugify(fold(row.indigenous_people)) or "other"
        groups[key].append(pk)
        spellings[key][row.indigenous_people] += 1
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return _category_table(
        "indigenous_people",
        _("Indigenous peoples, by people"),
        _(
            "Of the cases worked whose missing person belongs to an indigenous people: which people (names written "
            "the same way apart from accents and capitals are counted together). Percentages are of those cases."
        ),
        [(key, _usual_spelling(spellings[key]), ids) for key, ids in ordered],
        (_("No data: people not recorded"), unknown),
        len(members),
        chart=False,
    )


def legal_table(data: YearData) -> Table:
    period = data.period
    legal = data.legal
    total = data.worked_total
    active = [p for p in legal.proceedings if open_during(p.periods, period)]
    filed = [p for p in legal.proceedings if p.complaint_filed_on in period]
    dated_cases = {p.case_id for p in filed}
    undated = {p.case_id for p in legal.proceedings if p.complaint_filed_on is None} - dated_cases
    convicted = [(c, on) for c, on in legal.convictions if on in period]
    convicted_cases = {c for c, _on in convicted}
    undated_convictions = {c for c, on in legal.convictions if on is None} - convicted_cases
    without_lawyer = sum(1 for p in active if not p.has_lawyer)
    rows = [
        Row(
            "representation",
            _("Legal representation active in %(year)s") % {"year": data.year},
            {
                "cases": count_cell({p.case_id for p in active}, total),
                "records": Cell(len(active)),
            },
        ),
        Row(
            "complaints",
            _("Complaints filed in %(year)s") % {"year": data.year},
            {"cases": count_cell(dated_cases, total, len(undated)), "records": Cell(len(filed))},
        ),
        Row(
            "convictions",
            _("Convictions in %(year)s") % {"year": data.year},
            {
                "cases": count_cell(convicted_cases, total, len(undated_convictions)),
                "records": Cell(len(convicted)),
            },
        ),
    ]
    return Table(
        "legal",
        _("Legal assistance"),
        [Column("cases", _("Cases"), percent=True), Column("records", _("Proceedings / complaints / persons"))],
        rows,
        definition=_(
            "Of the cases worked in %(year)s. Legal representation: a proceeding the organisation accompanies "
            "(recorded with the family's consent to legal representation) was under way at some time in %(year)s: "
            "from the complaint until a sentence or a decline, again from an appeal. Complaints: proceedings whose "
            "complaint is dated in %(year)s. Convictions: accused persons convicted with a date in %(year)s. "
            "Percentages are of the cases worked; “no data” counts cases whose complaint or conviction date is not "
            "recorded."
        )
        % {"year": data.year},
        footnotes=[
            _("%(n)s of the proceedings under way have no responsible lawyer recorded.") % {"n": without_lawyer}
        ],
        case_section="legal",
    )


def impunity_table(data: YearData) -> Table:
    last = data.period.last_day
    legal = data.legal
    complaint_cases = {
        p.case_id for p in legal.proceedings if p.complaint_filed_on is not None and p.complaint_filed_on <= last
    }
    undated = {p.case_id for p in legal.proceedings if p.complaint_filed_on is None} - complaint_cases
    convicted = {c for c, _on in legal.convictions}
    with_conviction = complaint_cases & convicted
    without = complaint_cases - convicted
    n = len(complaint_cases)
    rows = [
        Row(
            "complaints",
            _("Cases with a complaint filed by 31 December %(year)s") % {"year": data.year},
            {"cases": count_cell(complaint_cases, data.worked_total)},
            kind="total",
        ),
        Row("impunity", _("No conviction (impunity)"), {"cases": count_cell(without, n, len(undated))}),
        Row("convicted", _("At least one conviction"), {"cases": count_cell(with_conviction, n, len(undated))}),
        _no_data_row(_("No data: complaint date not recorded"), undated, data.worked_total),
    ]
    return Table(
        "impunity",
        _("Impunity"),
        _cases_column(),
        rows,
        definition=_(
            "Of the cases worked in %(year)s with a complaint filed on or before 31 December %(year)s: the share "
            "with no accused person convicted as of the date this report was produced (%(today)s). The first row "
            "is a percentage of the cases worked, the next two of the cases with a complaint."
        )
        % {"year": data.year, "today": data.today.isoformat()},
        case_section="legal",
    )


def _fact_lists(data: YearData) -> tuple[dict[int, list[str]], list[int], list[int]]:
    """Exploitation types per worked case with data; cases with nothing recorded; cases recorded "not known"."""
    from redalert.investigation.choices import NOT_KNOWN

    known: dict[int, list[str]] = {}
    not_recorded, not_known = [], []
    for pk in data.worked.ids:
        types = data.facts.get(pk, ([], ""))[0]
        values = [t for t in types if t != NOT_KNOWN]
        if values:
            known[pk] = values
        elif types:
            not_known.append(pk)
        else:
            not_recorded.append(pk)
    return known, not_recorded, not_known


def exploitation_table(data: YearData) -> Table:
    from redalert.investigation.choices import TypeOfExploitation

    known, not_recorded, not_known = _fact_lists(data)
    by_type: dict[str, list[int]] = defaultdict(list)
    for pk, types in known.items():
        for value in dict.fromkeys(types):
            by_type[value].append(pk)
    labels = dict(TypeOfExploitation.choices)
    ordered = sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0]))
    return _category_table(
        "exploitation",
        _("Types of exploitation"),
        _(
            "Cases worked in %(year)s by the type of exploitation recorded in the trafficking facts (HTCDS). A case "
            "counts once in each type recorded. Percentages are of the cases worked."
        )
        % {"year": data.year},
        [(value, str(labels.get(value, value)), ids) for value, ids in ordered],
        (_("No data: not recorded or not known"), [*not_recorded, *not_known]),
        data.worked_total,
        footnotes=[
            _("No data: %(none)s cases with nothing recorded, %(unknown)s recorded as not known.")
            % {"none": len(not_recorded), "unknown": len(not_known)}
        ],
        case_section="investigation",
    )


def organised_crime_table(data: YearData) -> Table:
    yes: list[int] = []
    no: list[int] = []
    unknown: list[int] = []
    for pk in data.worked.ids:
        answer = data.facts.get(pk, ([], YesNoUnknown.UNKNOWN))[1]
        (yes if answer == YesNoUnknown.YES else no if answer == YesNoUnknown.NO else unknown).append(pk)
    return _category_table(
        "organised_crime",
        _("Organised-crime involvement"),
        _("Whether organised crime was involved, from the trafficking facts. Percentages are of the cases worked."),
        [("yes", _("Involved"), yes), ("no", _("Not involved"), no)],
        (_("No data: not known or not recorded"), unknown),
        data.worked_total,
        chart=False,
        case_section="investigation",
    )


def _places_table(
    key: str, title: str, definition: str, by_place: dict[str, set[int]], data: YearData, case_section: str
) -> Table:
    """The top places (each with the cases that have one there), the rest as "other", and the cases with none."""
    ordered = sorted(by_place.items(), key=lambda item: (-len(item[1]), item[0]))
    top, rest = ordered[:TOP_PLACES], ordered[TOP_PLACES:]
    labels = data.place_labels(k for k, _ids in top)
    groups: list[tuple[str, str, Iterable[int]]] = [(k, labels[k], ids) for k, ids in top]
    if rest:
        other: set[int] = set().union(*(ids for _k, ids in rest))
        groups.append(("other", _("%(n)s other places") % {"n": len(rest)}, other))
    unknown = data.worked.ids.difference(*by_place.values())
    return _category_table(
        key,
        title,
        definition,
        groups,
        (_("No data: no place recorded"), unknown),
        data.worked_total,
        footnotes=[
            _("Top %(n)s states or departments; a case counts once in each place recorded.") % {"n": TOP_PLACES}
        ],
        case_section=case_section,
    )


def route_table(data: YearData, event_type: str) -> Table:
    from redalert.investigation.choices import EventType

    by_place: dict[str, set[int]] = defaultdict(set)
    for pk, stops in data.route.items():
        for stop in stops:
            if stop.event_type == event_type and stop.place_key:
                by_place[stop.place_key].add(pk)
    titles = {
        EventType.RECRUITMENT: (
            "origin",
            _("Places of origin (recruitment)"),
            _("Where she was recruited (trafficking route, recruitment events), by state or department."),
        ),
        EventType.TRANSIT: (
            "transit",
            _("Places of transit"),
            _("Where she was moved through (trafficking route, transit events), by state or department."),
        ),
        EventType.EXPLOITATION: (
            "destination",
            _("Places of destination (exploitation)"),
            _("Where she was exploited (trafficking route, exploitation events), by state or department."),
        ),
    }
    key, title, definition = titles[EventType(event_type)]
    definition += " " + _("Of the cases worked in %(year)s; percentages are of the cases worked.") % {"year": data.year}
    return _places_table(f"places_{key}", title, definition, by_place, data, "investigation")


def origin_table(data: YearData) -> Table:
    return route_table(data, "Recruitment")


def transit_table(data: YearData) -> Table:
    return route_table(data, "Transit")


def destination_table(data: YearData) -> Table:
    return route_table(data, "Exploitation")


def last_seen_table(data: YearData) -> Table:
    by_place_id: dict[int, set[int]] = defaultdict(set)
    for pk, row in data.worked.rows.items():
        if row.last_seen_place_id is not None:
            by_place_id[row.last_seen_place_id].add(pk)
    keys = place_keys(by_place_id)
    by_place: dict[str, set[int]] = defaultdict(set)
    for place_id, cases in by_place_id.items():
        key = keys.get(place_id)
        if key:
            by_place[key] |= cases
    return _places_table(
        "places_last_seen",
        _("Where she was last seen"),
        _("The place she was last seen (the case file's gazetteer place), by state or department.")
        + " "
        + _("Of the cases worked in %(year)s; percentages are of the cases worked.") % {"year": data.year},
        by_place,
        data,
        "general",
    )


def services_table(data: YearData) -> Table:
    from redalert.care.choices import HEALTH_SERVICE_TYPES, Recipient, ServiceType
    from redalert.care.models import Service

    period = data.period
    ids = data.worked.ids
    rows_by_type: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for case_id, service_type, recipient in (
        data.worked.of_cases(Service.objects.filter(given_on__gte=period.first_day, given_on__lte=period.last_day))
        .order_by()
        .values_list("case_id", "service_type", "recipient")
    ):
        if case_id in ids:
            rows_by_type[service_type].append((case_id, recipient))

    def cells(items: list[tuple[int, str]]) -> dict[str, Cell]:
        return {
            "services": Cell(len(items), cases=frozenset(c for c, _r in items)),
            "victims": count_cell({c for c, r in items if r == Recipient.VICTIM}),
            "families": count_cell({c for c, r in items if r == Recipient.FAMILY}),
        }

    rows = [
        Row(
            t.value,
            str(t.label),
            cells(rows_by_type[t.value]),
            case_section="health" if t in HEALTH_SERVICE_TYPES else "care",
        )
        for t in ServiceType
        if rows_by_type.get(t.value)
    ]
    everything = [item for items in rows_by_type.values() for item in items]
    rows.append(Row("total", _("All services"), cells(everything), kind="total"))
    return Table(
        "services",
        _("Services given"),
        [
            Column("services", _("Services")),
            Column("victims", _("Victims served")),
            Column("families", _("Families served")),
        ],
        rows,
        definition=_(
            "Services dated in %(year)s to the cases worked in %(year)s, to the victim or to her family. People "
            "served: victims are counted once "
            "per case; the records do not identify each family member, so families are counted once per case."
        )
        % {"year": data.year},
        chart="services",
        case_section="care",
    )


def expenses_table(data: YearData) -> Table:
    from redalert.care.choices import ExpenseCategory
    from redalert.care.models import Expense

    period = data.period
    entries: dict[str, list[int]] = defaultdict(list)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    cases_by: dict[tuple[str, str], set[int]] = defaultdict(set)
    currencies: set[str] = set()
    ids = data.worked.ids
    for case_id, category, amount, currency in (
        data.worked.of_cases(Expense.objects.filter(spent_on__gte=period.first_day, spent_on__lte=period.last_day))
        .order_by()
        .values_list("case_id", "category", "amount", "currency")
    ):
        if case_id not in ids:
            continue
        entries[category].append(case_id)
        amounts[(category, currency)] += amount
        cases_by[(category, currency)].add(case_id)
        currencies.add(currency)
    ordered_currencies = sorted(currencies)

    def row_cells(categories: list[str]) -> dict[str, Cell]:
        cells = {
            "entries": Cell(
                sum(len(entries[c]) for c in categories), cases=frozenset(i for c in categories for i in entries[c])
            )
        }
        for currency in ordered_currencies:
            keys = [(c, currency) for c in categories if (c, currency) in amounts]
            if keys:
                cells[currency] = Cell(
                    sum((amounts[k] for k in keys), Decimal("0.00")),
                    unit=currency,
                    cases=frozenset(i for k in keys for i in cases_by[k]),
                )
        return cells

    rows = [Row(c.value, str(c.label), row_cells([c.value])) for c in ExpenseCategory if entries.get(c.value)]
    rows.append(Row("total", _("Total"), row_cells(list(entries)), kind="total"))
    return Table(
        "expenses",
        _("Humanitarian expenses"),
        [Column("entries", _("Entries"))] + [Column(c, c) for c in ordered_currencies],
        rows,
        definition=_(
            "Humanitarian expenses dated in %(year)s for the cases worked in %(year)s, by category, in each "
            "currency as recorded: amounts in "
            "different currencies are never added together or converted."
        )
        % {"year": data.year},
        case_section="care",
    )


def alerts_table(data: YearData) -> Table:
    from redalert.alerts.models import Alert, AlertKind

    period = data.period
    by_kind: dict[str, set[int]] = defaultdict(set)
    counts: Counter[str] = Counter()
    ids = data.worked.ids
    for case_id, kind in (
        data.worked.of_cases(Alert.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end))
        .order_by()
        .values_list("case_id", "kind")
    ):
        if case_id not in ids:
            continue
        by_kind[kind].add(case_id)
        counts[kind] += 1
    rows = [
        Row(k.value, str(k.label), {"alerts": Cell(counts[k.value], cases=frozenset(by_kind[k.value]))})
        for k in AlertKind
    ]
    return Table(
        "alerts",
        _("Red Alerts issued"),
        [Column("alerts", _("Messages"))],
        rows,
        definition=_("Red Alerts, updates and cancellations issued in %(year)s about the cases worked in %(year)s.")
        % {"year": data.year},
    )


def alert_authorities_table(data: YearData) -> Table:
    """Per authority, for alerts and updates issued in the year (the due-diligence definitions of
    redalert.alerts.diligence): addressed, received (a message accepted), acknowledged, median hours from the
    first accepted message to the first acknowledgement."""
    from redalert.alerts.diligence import median
    from redalert.alerts.models import Acknowledgement, AlertKind, Authority, Delivery, Recipient

    period = data.period
    recipients = data.worked.of_cases(
        Recipient.objects.filter(
            alert__issued_at__gte=period.start,
            alert__issued_at__lt=period.end,
            alert__kind__in=[AlertKind.ALERT, AlertKind.UPDATE],
        ),
        "alert__case",
    )
    addressed: dict[tuple[int, int], int] = {}
    for authority_id, alert_id, case_id in recipients.order_by().values_list(
        "authority_id", "alert_id", "alert__case_id"
    ):
        if case_id in data.worked.ids:
            addressed[(authority_id, alert_id)] = case_id
    received = {
        (r["recipient__authority_id"], r["recipient__alert_id"]): r["first_sent"]
        for r in Delivery.objects.filter(recipient__in=recipients.values("pk"), message__sent_at__isnull=False)
        .order_by()
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_sent=Min("message__sent_at"))
    }
    acknowledged = {
        (a["recipient__authority_id"], a["recipient__alert_id"]): a["first_ack"]
        for a in Acknowledgement.objects.filter(recipient__in=recipients.values("pk"))
        .order_by()
        .values("recipient__authority_id", "recipient__alert_id")
        .annotate(first_ack=Min("at"))
    }
    authorities = Authority.objects.select_related("organisation").in_bulk({a for a, _alert in addressed})
    per_authority: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in addressed:
        per_authority[pair[0]].append(pair)

    def cells(pairs: list[tuple[int, int]]) -> dict[str, Cell]:
        got = [p for p in pairs if p in received]
        acked = [p for p in got if p in acknowledged]
        hours = [max((acknowledged[p] - received[p]).total_seconds(), 0) / 3600 for p in acked]
        waiting = len(got) - len(acked)
        return {
            "addressed": Cell(len(pairs), cases=frozenset(addressed[p] for p in pairs)),
            "received": Cell(len(got), cases=frozenset(addressed[p] for p in got)),
            "acknowledged": Cell(len(acked), denominator=len(got), cases=frozenset(addressed[p] for p in acked)),
            "median_hours": Cell(median(hours), no_data=waiting, unit="h"),
        }

    def label(authority: Authority) -> str:
        if data.scope.is_coalition:
            return f"{authority.name} ({authority.organisation.code})"
        return authority.name

    ordered = sorted(per_authority.items(), key=lambda item: label(authorities[item[0]]))
    rows = [Row(str(pk), label(authorities[pk]), cells(pairs)) for pk, pairs in ordered]
    if rows:
        rows.append(Row("total", _("All authorities"), cells(list(addressed)), kind="total"))
    return Table(
        "alert_authorities",
        _("Alert accountability, by authority"),
        [
            Column("addressed", _("Alerts addressed")),
            Column("received", _("Received")),
            Column("acknowledged", _("Acknowledged"), percent=True),
            Column("median_hours", _("Median time to acknowledge")),
        ],
        rows,
        definition=_(
            "Red Alerts and updates issued in %(year)s, per authority: addressed to it; received (a message to "
            "one of its contacts was accepted); acknowledged through the personal link, as of the date of this "
            "report; median hours from the first accepted message to the first acknowledgement. Percentages are of "
            "the alerts received; “no data” next to the median counts alerts received and not acknowledged."
        )
        % {"year": data.year},
    )


TableBuilder = Callable[[YearData], Table]
# The report, in order: key → builder. The key is the table's key (exports, links).
TABLES: dict[str, TableBuilder] = {
    "worked": worked_table,
    "outcome": outcome_table,
    "located_result": located_result_table,
    "sex": sex_table,
    "age_group": age_group_table,
    "age_bins": age_bins_table,
    "nationality": nationality_table,
    "indigenous": indigenous_table,
    "indigenous_people": indigenous_people_table,
    "places_last_seen": last_seen_table,
    "legal": legal_table,
    "impunity": impunity_table,
    "exploitation": exploitation_table,
    "organised_crime": organised_crime_table,
    "places_origin": origin_table,
    "places_transit": transit_table,
    "places_destination": destination_table,
    "services": services_table,
    "expenses": expenses_table,
    "alerts": alerts_table,
    "alert_authorities": alert_authorities_table,
}


def definitions(year: int) -> list[str]:
    """The report-wide definitions, as printed on the report."""
    return [
        _(
            "Cases worked in %(year)s: cases reported on or before 31 December %(year)s that were still open on "
            "1 January %(year)s or were opened during %(year)s; new cases were reported in %(year)s, cases carried "
            "over were reported before. A closed case that was reopened counts only for the years it was open."
        )
        % {"year": year},
        _(
            "Located in %(year)s: the date located is in %(year)s. Not located at the end of %(year)s: cases worked "
            "that were neither located nor closed by 31 December %(year)s, carried into %(next)s."
        )
        % {"year": year, "next": year + 1},
        _(
            "Dates are local dates in the time zone of this installation (%(tz)s): a report received at 23:59 on "
            "31 December counts in that year."
        )
        % {"tz": timezone.get_default_timezone_name()},
        _(
            "Every percentage says what it is of. “No data” rows count the cases with nothing recorded, or "
            "recorded as not known, for the question: they are never counted as zero or as a category."
        ),
    ]


def build_table(data: YearData, key: str) -> Table:
    return TABLES[key](data)


def yearly_report(scope: Scope, year: int, *, today: date | None = None) -> Report:
    """The yearly report of a scope: every table of TABLES, with the meta and definitions printed on it."""
    with YearData(scope, year, today) as data:
        tables = [builder(data) for builder in TABLES.values()]
    meta = [
        (_("Scope"), scope.name),
        (_("Year"), str(year)),
        (_("Produced on"), data.today.isoformat()),
        (_("Cases counted"), scope.consent_rule()),
    ]
    if year >= data.today.year:
        meta.append((_("Note"), _("The year is not over: figures up to %(today)s.") % {"today": data.today}))
    title = _("Yearly report %(year)s: %(scope)s") % {"year": year, "scope": scope.name}
    return Report(title, tables, meta=meta, definitions=definitions(year))
