"""The public statistics page of an organisation: which cases it counts, which tables it publishes, and the
small-cell suppression that makes them safe to publish. The page shows only what `public_statistics` returns:
published numbers, never a case, an id or a hidden value.

The rules, one sentence each:
- Cases counted: the organisation's cases whose current consent to "use in statistics" is granted
  (`consent.rules.cases_consenting_to`, through a statistics `Scope`); a withdrawal renews the cache key, so it
  counts at the next request.
- Years: the last `PUBLIC_STATISTICS_YEARS` (default 5) complete calendar years, in the installation's time zone.
- Definitions: those of the yearly report (`redalert.statistics.figures`): cases worked in the year, new and carried
  over, located alive / deceased / result not recorded, not located at the end of the year, sex, minors and
  adults; the state is where she was last seen, counted by the maps (`maps.aggregates.counts_by_subdivision`).
- A year is published only if at least k cases were worked in it (k = DISCLOSURE_K, at least 11); otherwise
  nothing of that year is published, not even how few.
- Every table of a published year is suppressed with `opendata.suppression.suppress` (primary and secondary).

Tables of one published year (every one is a partition of the cases worked in the year, W):
- `origin`: new, carried over (one row; its total W).
- `sex`: female, male, intersex, not recorded (one row; W).
- `outcome_by_age`: rows = what happened in the year (located alive, located deceased, located with the result
  not recorded, not located at the end of the year, other cases worked), columns = minors, adults, age not
  recorded, with every row and column total and the grand total W. The "by outcome" and "by age group" figures are
  its totals, so the two share their margins inside one table and are suppressed together.
- `states`: one column per state (first-level subdivision) where she was last seen, and "state not recorded"
  (one row; W).

Why one table's suppression cannot be undone by another: the tables of a year share one number only, W, and W is
published in all of them (a year whose W would be hidden in any table is not published at all). An attacker who
combines the tables therefore has, besides each table's own equations, nothing but a known constant in common:
any combination of the tables' cells with the same W is the margin of some set of cases (a multi-way table with
given one-way or two-way-within-one-table margins of equal total always exists), so the possible values of a hidden
cell are exactly those its own table allows, and `suppress` leaves at least three for each. Totals across years
are never published (a case worked in two years counts in both, so such a sum would not describe people anyway).
Across years the figures are linked by inequalities only (a case not located at the end of Y is carried over into
Y+1 if it keeps its consent), which can narrow a hidden cell to a range but not pin it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.cases.choices import Sex
from redalert.lib.text import fold
from redalert.maps.aggregates import counts_by_subdivision
from redalert.maps.facts import sync_new_cases
from redalert.maps.models import CaseMapFact
from redalert.opendata.config import publication_k
from redalert.opendata.models import PublishedStatisticsVersion
from redalert.opendata.suppression import SuppressedTable, suppress
from redalert.statistics.figures.cases import located_result_table, outcome_table, worked_table
from redalert.statistics.figures.layout import NO_DATA
from redalert.statistics.figures.people import age_group_table, sex_table
from redalert.statistics.loading import YearData
from redalert.statistics.scope import ORGANISATION, Scope
from redalert.statistics.tables import Table

DEFAULT_YEARS = 5
DEFAULT_CACHE_SECONDS = 300

# Keys of the categories, in the order the page shows them (labels live in public_views).
ORIGINS = ("new", "carried_over")
SEXES = ("female", "male", "intersex", "not_recorded")
OUTCOMES = ("alive", "deceased", "located_not_recorded", "not_located", "other")
AGE_GROUPS = ("minors", "adults", "not_recorded")
STATE_NOT_RECORDED = "not_recorded"


def years_published() -> int:
    """How many complete years the page covers (setting PUBLIC_STATISTICS_YEARS, 1 to 20)."""
    return max(1, min(20, int(getattr(settings, "PUBLIC_STATISTICS_YEARS", DEFAULT_YEARS))))


def cache_seconds() -> int:
    return max(0, int(getattr(settings, "PUBLIC_STATISTICS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)))


def public_scope(organisation: Organisation) -> Scope:
    """The cases the public page of an organisation counts: its own, with a current consent to statistics."""
    return Scope(ORGANISATION, (organisation.pk,), organisation.code, organisation.name, statistics_consent_only=True)


def complete_years(today: date, count: int | None = None) -> list[int]:
    """The last `count` complete calendar years before `today`, oldest first."""
    count = count or years_published()
    return list(range(today.year - count, today.year))


# ---------------------------------------------------------------------------------------------------------------
# Counting one year (true numbers: never leave this module unsuppressed)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A column of the states table: a first-level subdivision (public gazetteer name and ISO 3166-2 code)."""

    key: str  # ISO 3166-2 code ("MX-QUE"), or STATE_NOT_RECORDED
    name: str
    country_code: str


@dataclass
class YearCounts:
    year: int
    worked: int
    origin: list[int]  # ORIGINS
    sex: list[int]  # SEXES
    outcome_by_age: list[list[int]]  # OUTCOMES × AGE_GROUPS
    states: list[State]
    state_counts: list[int]


def _ids(table: Table, row_key: str) -> frozenset[int]:
    row = table.row(row_key)
    cell = row.cells.get("cases") if row is not None else None
    if cell is None or cell.cases is None:
        return frozenset()
    return frozenset(cell.cases)  # the report loads the ids behind a count only when asked for


def count_year(organisation: Organisation, year: int, *, today: date | None = None) -> YearCounts:
    """The true counts of one year for the organisation's public page, from the yearly report's own tables."""
    data = YearData(public_scope(organisation), year, today)
    worked = data.worked
    worked_rows = worked_table(data)
    results = located_result_table(data)
    outcomes = outcome_table(data)
    sexes = sex_table(data)
    ages = age_group_table(data)

    alive, deceased = _ids(results, "alive"), _ids(results, "deceased")
    located_not_recorded = _ids(results, NO_DATA)
    not_located = _ids(outcomes, "not_located")
    other = worked.ids - _ids(outcomes, "located") - not_located
    outcome_sets = [alive, deceased, located_not_recorded, not_located, other]
    age_sets = [_ids(ages, "minors"), _ids(ages, "adults"), _ids(ages, NO_DATA)]

    states, state_counts = _count_states(data, organisation.country)
    return YearCounts(
        year=year,
        worked=len(worked.ids),
        origin=[len(_ids(worked_rows, "new")), len(_ids(worked_rows, "carried_over"))],
        sex=[len(_ids(sexes, key)) for key in (Sex.FEMALE, Sex.MALE, Sex.INTERSEX, NO_DATA)],
        outcome_by_age=[[len(o & a) for a in age_sets] for o in outcome_sets],
        states=states,
        state_counts=state_counts,
    )


def _count_states(data: YearData, home: str) -> tuple[list[State], list[int]]:
    """Cases worked in the year per state where she was last seen (the maps' count), and those with no state."""
    worked = data.worked
    facts = CaseMapFact.objects.filter(case__in=worked.candidates)
    outside = set(worked.candidates.values_list("pk", flat=True)) - worked.ids
    if outside:  # candidates is a superset of the cases worked (reopened cases closed all year)
        facts = facts.exclude(case_id__in=outside)
    counts = counts_by_subdivision(facts)
    # In a fixed order (the organisation's country first, then by country and name), never by count: the order of a
    # published list must not rank hidden cells.
    areas = sorted(counts.areas, key=lambda a: (a.country_code != home, a.country_code, fold(a.name), a.code))
    states = [State(area.code, area.name, area.country_code) for area in areas]
    values = [area.cases for area in areas]
    # Known only as a country, or (briefly) no map row yet: the state is not recorded.
    states.append(State(STATE_NOT_RECORDED, "", ""))
    values.append(len(worked.ids) - sum(values))
    return states, values


# ---------------------------------------------------------------------------------------------------------------
# Suppression of one year
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class YearTables:
    """The suppressed tables of one year (they still hold the true numbers: for this module and the tests)."""

    year: int
    worked: int
    origin: SuppressedTable
    sex: SuppressedTable
    outcome_by_age: SuppressedTable
    states: SuppressedTable
    state_columns: list[State]

    @property
    def tables(self) -> dict[str, SuppressedTable]:
        return {"origin": self.origin, "sex": self.sex, "outcome_by_age": self.outcome_by_age, "states": self.states}

    def total_published_everywhere(self) -> bool:
        """The year total is the one number the tables share: it must be published in every one of them."""
        return all(table.grand_total == self.worked for table in self.tables.values()) and all(
            t.row_totals[0] == self.worked for t in (self.origin, self.sex, self.states)
        )


def _one_row(counts: Sequence[int], k: int) -> SuppressedTable:
    """A partition of the year's cases: one row, its total published, no column totals (nothing else to add to)."""
    return suppress([list(counts)], k=k, column_totals=False)


def suppress_year(counts: YearCounts, k: int) -> YearTables | None:
    """The year's tables after suppression, or None when the year may not be published (fewer than k cases
    worked, or a table would have had to hide the year total)."""
    if counts.worked < k:
        return None
    tables = YearTables(
        year=counts.year,
        worked=counts.worked,
        origin=_one_row(counts.origin, k),
        sex=_one_row(counts.sex, k),
        outcome_by_age=suppress(counts.outcome_by_age, k=k),
        states=_one_row(counts.state_counts, k),
        state_columns=counts.states,
    )
    return tables if tables.total_published_everywhere() else None


# ---------------------------------------------------------------------------------------------------------------
# What the page may show
# ---------------------------------------------------------------------------------------------------------------

Published = int | None  # None: hidden


@dataclass(frozen=True)
class Figures:
    """A published table: rows × columns of published values (None where hidden), with its totals."""

    cells: tuple[tuple[Published, ...], ...]
    row_totals: tuple[Published, ...]
    column_totals: tuple[Published, ...] | None
    total: Published

    @classmethod
    def of(cls, table: SuppressedTable, *, column_totals: bool = True) -> Figures:
        return cls(
            cells=tuple(tuple(row) for row in table.cells),
            row_totals=tuple(table.row_totals),
            column_totals=tuple(table.column_totals) if column_totals else None,
            total=table.grand_total,
        )

    def row(self, index: int = 0) -> tuple[Published, ...]:
        return self.cells[index]


@dataclass(frozen=True)
class YearFigures:
    year: int
    published: bool  # False: fewer than k cases worked in the year, nothing else is shown
    worked: Published = None
    origin: Figures | None = None  # one row: ORIGINS
    sex: Figures | None = None  # one row: SEXES
    outcome_by_age: Figures | None = None  # OUTCOMES × AGE_GROUPS with every total
    states: tuple[State, ...] = ()
    state_figures: Figures | None = None  # one row: one column per state


@dataclass(frozen=True)
class PublicStatistics:
    organisation_id: int
    k: int
    produced_on: date
    years: tuple[YearFigures, ...]  # oldest first

    @property
    def published_years(self) -> list[YearFigures]:
        return [y for y in self.years if y.published]

    @property
    def enough(self) -> bool:
        """False when no year has enough cases: the page says so instead of showing tables."""
        return bool(self.published_years)

    def year(self, year: int) -> YearFigures | None:
        return next((y for y in self.years if y.year == year), None)


def publish_year(tables: YearTables | None, year: int) -> YearFigures:
    if tables is None:
        return YearFigures(year=year, published=False)
    return YearFigures(
        year=year,
        published=True,
        worked=tables.worked,
        origin=Figures.of(tables.origin, column_totals=False),
        sex=Figures.of(tables.sex, column_totals=False),
        outcome_by_age=Figures.of(tables.outcome_by_age),
        states=tuple(tables.state_columns),
        state_figures=Figures.of(tables.states, column_totals=False),
    )


def compute_public_statistics(
    organisation: Organisation, *, today: date | None = None, k: int | None = None
) -> PublicStatistics:
    """Count and suppress every year of the organisation's public page (no cache)."""
    today = today or timezone.localdate()
    k = publication_k(k)
    sync_new_cases()  # cases written in bulk since the last map request get their map rows first
    years = []
    for year in complete_years(today):
        counts = count_year(organisation, year, today=today)
        years.append(publish_year(suppress_year(counts, k), year))
    return PublicStatistics(organisation.pk, k, today, tuple(years))


def public_statistics(organisation: Organisation, *, today: date | None = None) -> PublicStatistics:
    """The page's figures, from the cache when computed less than PUBLIC_STATISTICS_CACHE_SECONDS ago.

    The cache holds published numbers only (what anyone may see), so sharing it between visitors is safe. Its key
    carries the organisation's PublishedStatisticsVersion, renewed in the transaction of every decision about
    "use in statistics": a withdrawal shows at the next request; other changes once the cached copy expires.
    """
    today = today or timezone.localdate()
    k = publication_k()
    version = PublishedStatisticsVersion.current(organisation.pk)
    key = f"public-statistics:{organisation.pk}:v{version}:{today.isoformat()}:{k}:{years_published()}"
    found = cache.get(key)
    if isinstance(found, PublicStatistics):
        return found
    statistics = compute_public_statistics(organisation, today=today, k=k)
    seconds = cache_seconds()
    if seconds:
        cache.set(key, statistics, seconds)
    return statistics
