"""The public statistics page's figures: which cases count (consent to statistics, one organisation), which years
are published, and suppression that an attacker cannot undo — neither inside one table nor by combining the tables
of a year, which all share the year total (tests/solver.py's attacker, given every table at once)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.opendata.public_stats import (
    AGE_GROUPS,
    OUTCOMES,
    SEXES,
    STATE_NOT_RECORDED,
    PublicStatistics,
    State,
    YearCounts,
    YearTables,
    compute_public_statistics,
    count_year,
    public_statistics,
    suppress_year,
)
from redalert.opendata.suppression import Reason, SuppressedTable
from redalert.opendata.tests.conftest import Cases
from redalert.opendata.tests.solver import Attacker, Position
from redalert.testing import follow_changes, record_consent

K = 11
TODAY = date(2026, 6, 1)  # the complete years are 2021 … 2025


# ---------------------------------------------------------------------------------------------------------------
# An attacker who holds every table of a year at once
# ---------------------------------------------------------------------------------------------------------------


class LinkedAttacker(Attacker):
    """tests/solver.py's attacker, given several tables that share the year total.

    The tables are laid out one under another in one sparse grid; each keeps its own row and column equations,
    and the year total — each table's grand total, and the row total of one-row tables — is one shared entry, so a
    solution must give it one value in every table. Counts are whole numbers from 0 to `bound`.
    """

    def __init__(self, tables: list[SuppressedTable], bound: int) -> None:
        self.bound = bound
        self.offsets: list[int] = []
        self.grid: list[list[int | None]] = []
        self.truth: dict[Position, int] = {}
        self.equations = []
        offset = 0
        shared = (tables[0].rows, tables[0].columns)  # the first table's grand total stands for the year total
        self.alias: dict[Position, Position] = {}
        self.limits: dict[Position, int] = {}
        for table in tables:
            self.offsets.append(offset)
            for r in range(table.rows + 1):
                self.grid.append([table.published(r, c) for c in range(table.columns + 1)])
                for c in range(table.columns + 1):
                    self.truth[(offset + r, c)] = table.values[r][c]
            year_total = [(table.rows, table.columns)] + ([(0, table.columns)] if table.rows == 1 else [])
            for r, c in year_total:
                self.alias[(offset + r, c)] = shared
            for r in range(table.rows + 1):
                parts = [self.at(offset, r, c) for c in range(table.columns)]
                self.equations.append((parts, self.at(offset, r, table.columns)))
            for c in range(table.columns + 1):
                parts = [self.at(offset, r, c) for r in range(table.rows)]
                self.equations.append((parts, self.at(offset, table.rows, c)))
            for r in range(table.rows):  # no entry exceeds a published total of its row or column
                for c in range(table.columns):
                    totals = (table.published(r, table.columns), table.published(table.rows, c))
                    self.limits[self.at(offset, r, c)] = min([bound, *(t for t in totals if t is not None)])
            offset += table.rows + 1
        self.rows = self.columns = 0  # not used: _limit is overridden
        positions = {self.at(0, r, c) for r in range(len(self.grid)) for c in range(len(self.grid[r]))}
        self.unknowns = sorted(p for p in positions if self.grid[p[0]][p[1]] is None)

    def at(self, offset: int, r: int, c: int) -> Position:
        position = (offset + r, c)
        return self.alias.get(position, position)

    def _limit(self, position: Position) -> int:
        return self.limits.get(position, self.bound)

    def _solve(self, values: dict[Position, int]) -> bool:
        """The solver's search, trying for each unknown the values nearest its true one first: the order changes
        how fast a solution is found when there is one, never whether the attacker finds one."""
        propagated = self._propagate(values)
        if propagated is None:
            return False
        free = [p for p in self.unknowns if p not in propagated]
        if not free:
            return self._check(propagated) is True
        target = free[0]
        order = sorted(range(self._limit(target) + 1), key=lambda v: abs(v - self.truth[target]))
        return any(self._solve({**propagated, target: v}) for v in order)

    def recovers(self, table_index: int, position: Position) -> bool:
        """Whether the attacker can work out this hidden entry of the table-th table."""
        target = self.at(self.offsets[table_index], *position)
        start = self.offsets[table_index]
        end = self.offsets[table_index + 1] if table_index + 1 < len(self.offsets) else len(self.grid)
        # The target's own table first: the others are independent of it, so a dead end shows there at once.
        self.unknowns.sort(key=lambda p: (not start <= p[0] < end, p))
        return self.other_value(target, self.truth[target]) is None


def assert_year_is_safe(tables: YearTables) -> None:
    """No published figure between 1 and k-1, the year total published everywhere, and no hidden figure of any
    table that the attacker, holding all the tables of the year, can work out."""
    assert tables.total_published_everywhere()
    ordered = list(tables.tables.values())
    for table in ordered:
        for r in range(table.rows + 1):
            for c in range(table.columns + 1):
                value = table.published(r, c)
                assert value is None or value == 0 or value >= table.k, (r, c, value)
    attacker = LinkedAttacker(ordered, bound=tables.worked)
    for index, table in enumerate(ordered):
        for position, reason in table.hidden.items():
            if reason == Reason.NOT_PUBLISHED:
                continue
            assert not attacker.recovers(index, position), f"table {index}: {position} ({reason}) recovered"


def test_the_linked_attacker_recovers_what_one_table_gives_away() -> None:
    """The attacker is not toothless: un-hide one of two hidden cells in a row and it finds the other."""
    counts = YearCounts(
        year=2025,
        worked=30,
        origin=[25, 5],
        sex=[30, 0, 0, 0],
        outcome_by_age=[[5, 25, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]],
        states=[State("MX-QUE", "Querétaro", "MX"), State(STATE_NOT_RECORDED, "", "")],
        state_counts=[30, 0],
    )
    tables = suppress_year(counts, K)
    assert tables is not None
    assert tables.origin.reason(0, 1) == Reason.PRIMARY and tables.origin.reason(0, 0) == Reason.SECONDARY
    assert_year_is_safe(tables)
    del tables.origin.hidden[(0, 0)]  # publish the 25 next to the year total of 30
    attacker = LinkedAttacker(list(tables.tables.values()), bound=30)
    assert attacker.recovers(0, (0, 1))


@pytest.mark.parametrize("seed", range(30))
def test_random_years_are_safe_across_their_tables(seed: int) -> None:
    """Years with large and small groups mixed: the 2-way table first, then other cuts of the same cases."""
    rng = random.Random(seed)
    sizes = (0, 0, 1, 3, 7, 12, 25)
    flat = [rng.choice(sizes) for _ in range(len(OUTCOMES) * len(AGE_GROUPS))]
    worked = sum(flat)
    if worked < K:
        flat[rng.randrange(len(flat))] += K
        worked = sum(flat)

    def split(parts: int) -> list[int]:
        """The same cases cut another way: a random partition of `worked` with uneven shares."""
        weights = [rng.choice((0, 1, 4, 15)) for _ in range(parts)]
        weights[rng.randrange(parts)] += 1
        drawn = rng.choices(range(parts), weights=weights, k=worked)
        return [drawn.count(i) for i in range(parts)]

    states = [State(f"MX-{i:03d}", f"State {i}", "MX") for i in range(rng.randint(1, 6))]
    counts = YearCounts(
        year=2025,
        worked=worked,
        origin=split(2),
        sex=split(len(SEXES)),
        outcome_by_age=[flat[i * 3 : i * 3 + 3] for i in range(len(OUTCOMES))],
        states=[*states, State(STATE_NOT_RECORDED, "", "")],
        state_counts=split(len(states) + 1),
    )
    tables = suppress_year(counts, K)
    assert tables is not None
    assert_year_is_safe(tables)


def test_a_year_with_fewer_than_k_cases_is_not_published_at_all() -> None:
    counts = YearCounts(2025, 10, [10, 0], [10, 0, 0, 0], [[0, 10, 0]] + [[0, 0, 0]] * 4, [], [10])
    assert suppress_year(counts, K) is None


# ---------------------------------------------------------------------------------------------------------------
# Cases in the database
# ---------------------------------------------------------------------------------------------------------------


def example(cases: Cases, org: Any) -> None:
    """25 cases worked in 2025 (6 of them also in 2024), with small groups in every table:

    - 15 women, 25 years old, reported in 2025, last seen in Querétaro, not located;
    - 4 girls of 15, reported in 2025, last seen in Tlaxcala, located alive in 2025;
    - 3 men of 30, reported in 2024, last seen in Querétaro, located deceased in 2025;
    - 3 women, age not known, reported in 2024, last seen in Guatemala (state not known), not located.
    """
    cases.add(org, 15, reported=date(2025, 2, 10))
    cases.add(org, 4, reported=date(2025, 3, 1), age=15, place="tlax_city", located=date(2025, 5, 1))
    cases.add(org, 3, reported=date(2024, 5, 1), sex="male", age=30, located=date(2025, 7, 1), alive=False)
    cases.add(org, 3, reported=date(2024, 6, 1), age=None, place="gt")
    follow_changes()  # the map rows (places by state) follow through the workers


def test_the_counts_follow_the_yearly_report_definitions(db: Any, cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    counts = count_year(org_a, 2025, today=TODAY)
    assert counts.worked == 25
    assert counts.origin == [19, 6]
    assert counts.sex == [22, 3, 0, 0]
    # alive, deceased, located (result not recorded), not located, other × minors, adults, age not recorded
    assert counts.outcome_by_age == [[4, 0, 0], [0, 3, 0], [0, 0, 0], [0, 15, 3], [0, 0, 0]]
    by_state = dict(zip((s.key for s in counts.states), counts.state_counts, strict=True))
    assert by_state == {"MX-QUE": 18, "MX-TLA": 4, STATE_NOT_RECORDED: 3}
    assert count_year(org_a, 2024, today=TODAY).worked == 6


def test_the_published_figures_hide_every_small_cell_and_the_attacker_recovers_none(
    db: Any, cases: Cases, org_a: Any
) -> None:
    example(cases, org_a)
    tables = suppress_year(count_year(org_a, 2025, today=TODAY), K)
    assert tables is not None
    assert_year_is_safe(tables)
    assert tables.origin.cells == [[None, None]]  # 6 carried over is small, so 19 new goes with it
    assert tables.sex.cells == [[None, None, 0, 0]]
    assert tables.states.cells[0][tables.state_columns.index(State("MX-QUE", "Querétaro", "MX"))] == 18

    statistics = compute_public_statistics(org_a, today=TODAY)
    assert [y.year for y in statistics.years] == [2021, 2022, 2023, 2024, 2025]
    assert [y.published for y in statistics.years] == [False, False, False, False, True]
    published = statistics.year(2025)
    assert published is not None and published.worked == 25
    assert statistics.year(2024) == type(published)(year=2024, published=False)  # 6 cases: not even the count
    for figures in (published.origin, published.sex, published.outcome_by_age, published.state_figures):
        assert figures is not None
        every = [*(v for row in figures.cells for v in row), *figures.row_totals]
        every += [*(figures.column_totals or ()), figures.total]
        assert all(v is None or v == 0 or v >= K for v in every)


def test_states_are_listed_in_a_fixed_order_not_by_count(db: Any, cases: Cases, org_a: Any) -> None:
    """A list sorted by count would rank the hidden states between the published ones."""
    example(cases, org_a)
    counts = count_year(org_a, 2025, today=TODAY)
    assert [s.key for s in counts.states] == ["MX-QUE", "MX-TLA", STATE_NOT_RECORDED]  # Querétaro has more
    cases.add(org_a, 12, reported=date(2025, 4, 1), place="tlax_city")
    counts = count_year(org_a, 2025, today=TODAY)
    assert [s.key for s in counts.states] == ["MX-QUE", "MX-TLA", STATE_NOT_RECORDED]  # now Tlaxcala has more


def test_a_case_without_consent_to_statistics_does_not_count(db: Any, cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    cases.add(org_a, 2, reported=date(2025, 2, 10), consent=False)
    refused = cases.add(org_a, 1, reported=date(2025, 2, 10), consent=False)[0]
    record_consent(refused, Purpose.STATISTICS, cases.user(org_a), Decision.REFUSED)
    other_purpose = cases.add(org_a, 1, reported=date(2025, 2, 10), consent=False)[0]
    record_consent(other_purpose, Purpose.PUBLISH, cases.user(org_a))
    statistics = compute_public_statistics(org_a, today=TODAY)
    assert statistics.year(2025).worked == 25  # type: ignore[union-attr]


def test_withdrawing_consent_changes_the_next_computation(db: Any, cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    extra = cases.add(org_a, 1, reported=date(2025, 2, 10))[0]
    assert compute_public_statistics(org_a, today=TODAY).year(2025).worked == 26  # type: ignore[union-attr]
    cases.withdraw(extra)
    assert compute_public_statistics(org_a, today=TODAY).year(2025).worked == 25  # type: ignore[union-attr]


def test_withdrawals_that_leave_fewer_than_k_unpublish_the_year(db: Any, cases: Cases, org_a: Any) -> None:
    made = cases.add(org_a, 11, reported=date(2025, 2, 10))
    assert compute_public_statistics(org_a, today=TODAY).enough
    cases.withdraw(made[0])
    statistics = compute_public_statistics(org_a, today=TODAY)
    assert not statistics.enough
    assert all(not y.published and y.worked is None for y in statistics.years)


def test_each_organisation_counts_only_its_own_cases(db: Any, cases: Cases, org_a: Any, org_b: Any) -> None:
    example(cases, org_a)
    cases.add(org_b, 12, reported=date(2025, 8, 1), place="tlax_city")
    a = compute_public_statistics(org_a, today=TODAY).year(2025)
    b = compute_public_statistics(org_b, today=TODAY).year(2025)
    assert a is not None and b is not None
    assert (a.worked, b.worked) == (25, 12)
    assert [s.key for s in b.states] == ["MX-TLA", STATE_NOT_RECORDED]
    assert b.state_figures is not None and b.state_figures.row() == (12, 0)


def test_the_cache_serves_the_same_figures_until_it_expires(
    db: Any, cases: Cases, org_a: Any, django_assert_num_queries: Any, settings: Any
) -> None:
    example(cases, org_a)
    first = public_statistics(org_a, today=TODAY)
    assert isinstance(first, PublicStatistics)
    with django_assert_num_queries(1):  # the organisation's version of the published figures, nothing else
        assert public_statistics(org_a, today=TODAY) == first
    settings.PUBLIC_STATISTICS_CACHE_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    cases.add(org_a, 1, reported=date(2025, 2, 10))
    assert public_statistics(org_a, today=TODAY).year(2025).worked == 26  # type: ignore[union-attr]


def test_a_withdrawal_of_consent_to_statistics_shows_at_the_next_request(db: Any, cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    first = public_statistics(org_a, today=TODAY)  # cached for PUBLIC_STATISTICS_CACHE_SECONDS
    assert first.year(2025).worked == 25  # type: ignore[union-attr]
    cases.withdraw(Case.objects.filter(organisation=org_a).order_by("pk").first())
    assert public_statistics(org_a, today=TODAY).year(2025).worked == 24  # type: ignore[union-attr]


def test_the_number_of_years_is_a_setting(db: Any, org_a: Any, settings: Any) -> None:
    settings.PUBLIC_STATISTICS_YEARS = 2
    assert [y.year for y in compute_public_statistics(org_a, today=TODAY).years] == [2024, 2025]


def test_k_below_eleven_is_refused(db: Any, org_a: Any) -> None:
    with pytest.raises(ValueError):
        compute_public_statistics(org_a, today=TODAY, k=5)
