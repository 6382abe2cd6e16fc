"""Small-cell suppression: no published cell below k, and an attacker who knows every published number and the
row, column and grand totals cannot work out any hidden cell (tests/solver.py tries)."""

from __future__ import annotations

import random

import pytest
from django.test import override_settings

from redalert.opendata.suppression import Reason, SuppressedTable, suppress
from redalert.opendata.tests.solver import Attacker

K = 11


def published_grid(table: SuppressedTable) -> list[list[int | None]]:
    return [[table.published(r, c) for c in range(table.columns + 1)] for r in range(table.rows + 1)]


def assert_safe(table: SuppressedTable) -> None:
    """No published entry below k except zero, and every primary or secondary entry has another possible value."""
    grid = published_grid(table)
    for row in grid:
        for value in row:
            assert value is None or value == 0 or value >= table.k
    grand = table.values[table.rows][table.columns]
    attacker = Attacker(grid, bound=grand)
    for position, reason in table.hidden.items():
        if reason == Reason.NOT_PUBLISHED:
            continue
        true_value = table.values[position[0]][position[1]]
        assert attacker.other_value(position, true_value) is not None, f"{position} ({reason}) can be recovered"


def test_a_lone_small_cell_takes_three_others_with_it() -> None:
    table = suppress([[20, 3, 40], [15, 25, 30], [12, 18, 50]], k=K)
    assert table.reason(0, 1) == Reason.PRIMARY
    assert table.count(Reason.PRIMARY) == 1
    assert table.count(Reason.SECONDARY) == 3  # the smallest 4-cycle: two rows, two columns
    assert table.cells[1] == [15, 25, 30]  # untouched
    assert table.row_totals == [63, 70, 80] and table.grand_total == 213
    assert_safe(table)


def test_secondary_cells_are_the_smallest_that_protect() -> None:
    table = suppress([[20, 3, 40], [15, 25, 30], [12, 18, 50]], k=K)
    # Row 0 takes its smallest other cell (20), column 1 its smallest (18), and row 2 / column 0 close with 12.
    assert {p for p, r in table.hidden.items() if r == Reason.SECONDARY} == {(0, 0), (2, 1), (2, 0)}


def test_a_small_total_is_hidden_too() -> None:
    table = suppress([[4, 5], [30, 40], [25, 60]], k=K)
    assert table.reason(0, 0) == Reason.PRIMARY
    assert table.reason(0, 1) == Reason.PRIMARY
    assert table.reason(0, 2) == Reason.PRIMARY  # the row total of 9 describes 9 people
    assert_safe(table)


def test_two_small_cells_in_a_row_are_not_enough_on_their_own() -> None:
    # Row 0 has two hidden cells, but each of their columns has only one: both columns need a second.
    table = suppress([[2, 4, 30, 30], [20, 20, 20, 20], [30, 25, 40, 35]], k=K)
    assert table.count(Reason.PRIMARY) == 2
    assert table.count(Reason.SECONDARY) >= 2
    assert_safe(table)


def test_zeros_are_published_and_never_hidden_to_protect_others() -> None:
    table = suppress([[0, 5, 30], [0, 40, 20], [12, 0, 33]], k=K)
    for position, reason in table.hidden.items():
        assert table.values[position[0]][position[1]] > 0, (position, reason)
    assert table.published(0, 0) == 0 and table.published(1, 0) == 0
    assert_safe(table)


def test_a_bridge_between_two_protected_blocks_is_put_on_a_cycle() -> None:
    # Two blocks of small cells that protect each other, and one more small cell joining them: every row and column
    # then has two hidden cells, yet the joining cell is the only link between the blocks and could be worked out.
    counts = [
        [5, 6, 7, 50, 60],
        [6, 5, 40, 45, 55],
        [70, 65, 5, 6, 80],
        [75, 60, 6, 5, 85],
        [90, 95, 99, 98, 97],
    ]
    table = suppress(counts, k=K)
    assert table.reason(0, 2) == Reason.PRIMARY
    assert table.count(Reason.SECONDARY) >= 1
    assert_safe(table)


def test_unpublished_totals_count_as_unknown() -> None:
    # Without row totals only the columns constrain the cells: one more hidden cell per column is enough.
    table = suppress([[3, 40], [30, 50]], k=K, row_totals=False)
    assert table.row_totals == [None, None]
    assert table.reason(0, 2) == Reason.NOT_PUBLISHED
    assert table.reason(0, 0) == Reason.PRIMARY
    assert_safe(table)


def test_nothing_small_means_nothing_hidden() -> None:
    table = suppress([[11, 0], [25, 40]], k=K)
    assert table.hidden == {}
    assert table.cells == [[11, 0], [25, 40]]


def test_k_comes_from_the_setting_and_never_goes_below_eleven() -> None:
    assert suppress([[12]]).k == 11
    with override_settings(DISCLOSURE_K=20):
        assert suppress([[12]]).reason(0, 0) == Reason.PRIMARY
    with override_settings(DISCLOSURE_K=5), pytest.raises(Exception, match="at least 11"):
        suppress([[12]])


@pytest.mark.parametrize("counts", [[], [[]], [[1, 2], [3]], [[-1]], [[1.5]], [["3"]]])
def test_bad_tables_are_refused(counts: list) -> None:
    with pytest.raises(ValueError):
        suppress(counts, k=K)


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_are_safe(seed: int) -> None:
    rng = random.Random(seed)
    rows, columns = rng.randint(2, 4), rng.randint(2, 4)
    counts = [[rng.choice([0, 1, 2, 4, 7, 9, 12, 15, 25, 40]) for _ in range(columns)] for _ in range(rows)]
    table = suppress(counts, k=K, grand_total=rng.random() < 0.8)
    assert_safe(table)


def _with_hidden(counts: list[list[int]], hidden: list[tuple[int, int]]) -> SuppressedTable:
    """A table hidden by hand (not by `suppress`), to show that the attacker finds what a weak pattern leaks."""
    table = suppress(counts, k=1)  # nothing below 1: nothing hidden
    table.hidden.update({p: Reason.PRIMARY for p in hidden})
    return table


def test_the_attacker_recovers_a_cell_hidden_alone() -> None:
    table = _with_hidden([[20, 3, 40], [15, 25, 30], [12, 18, 50]], [(0, 1)])
    attacker = Attacker(published_grid(table), bound=213)
    assert attacker.other_value((0, 1), 3) is None


def test_the_attacker_recovers_a_bridge_that_two_per_line_leaves() -> None:
    counts = [
        [5, 6, 7, 50, 60],
        [6, 5, 40, 45, 55],
        [70, 65, 5, 6, 80],
        [75, 60, 6, 5, 85],
        [90, 95, 99, 98, 97],
    ]
    two_per_line = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)]
    table = _with_hidden(counts, two_per_line)
    attacker = Attacker(published_grid(table), bound=table.values[5][5])
    assert attacker.other_value((0, 2), 7) is None  # the joining cell is determined
    assert attacker.other_value((0, 0), 5) is not None  # the blocks themselves are not
    assert suppress(counts, k=K).reason(1, 2) == Reason.SECONDARY  # suppress() closes the cycle with the 40
