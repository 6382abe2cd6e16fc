"""Small-cell suppression for published tables of counts, with secondary suppression so that no hidden cell can be
worked out from the published totals.

The rules, in one sentence each:
- Primary: a cell (or a total) that describes between 1 and k-1 people is hidden (k = DISCLOSURE_K, default 11).
- Zeros are published: "nobody" identifies nobody, and hiding zeros would force far more secondary suppression.
  (Limit: a published zero next to a published total can still say that everyone in a row shares an attribute; a
  table whose rows are small groups should be designed with that in mind.)
- Secondary: further cells are hidden, smallest first, until no primary or secondary cell is determined by the
  published cells and totals.

Why this is enough. Write the table with its totals as an (m+1)×(n+1) grid and negate the totals row and column:
every row and every column of that grid then sums to zero, and the published cells are constants. The hidden
entries are edges of a bipartite graph between grid rows and grid columns. Adding +1 and −1 alternately around a
cycle of hidden entries keeps every sum, so an entry on a cycle has several possible values; an entry on no cycle
(a bridge of the graph) is fixed by the sums. So the method: primary suppression; then, until nothing changes,
(1) every grid line with exactly one hidden entry gets a second one (its smallest non-zero cell; the classical
"two per row and column, or the total too") and (2) every hidden entry that is still a bridge is put on a cycle by
hiding the smallest non-zero entry that joins the two sides of the bridge. Secondary cells are never zeros, so
every hidden cell lies on a cycle of cells of at least 1 and can be one more or one less than it is: an attacker
who knows every published number is left with at least three possible values for each hidden cell.

Limits: the guarantee is about exact recovery from this one table; an attacker may still narrow a hidden cell to a
range. Tables published from the same data that share totals (the same rows cut by two different columns, or a
year that is the sum of published months) are protected only if suppressed together; publish linked figures from
one table, or check them together.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from redalert.opendata.config import publication_k

Position = tuple[int, int]


class Reason(StrEnum):
    PRIMARY = "primary"  # describes between 1 and k-1 people
    SECONDARY = "secondary"  # hidden so that a primary cell cannot be worked out from the rest
    NOT_PUBLISHED = "not_published"  # a total the table does not show at all


@dataclass
class SuppressedTable:
    """A table after suppression. Grid positions: row `rows` is the column totals, column `columns` the row totals.

    `values` keeps the true numbers (never publish it); the accessors return None for hidden entries.
    """

    k: int
    rows: int
    columns: int
    values: list[list[int]]
    hidden: dict[Position, Reason] = field(default_factory=dict)
    row_labels: list[str] | None = None
    column_labels: list[str] | None = None

    def published(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.values[row][column]

    def reason(self, row: int, column: int) -> Reason | None:
        return self.hidden.get((row, column))

    @property
    def cells(self) -> list[list[int | None]]:
        return [[self.published(r, c) for c in range(self.columns)] for r in range(self.rows)]

    @property
    def row_totals(self) -> list[int | None]:
        return [self.published(r, self.columns) for r in range(self.rows)]

    @property
    def column_totals(self) -> list[int | None]:
        return [self.published(self.rows, c) for c in range(self.columns)]

    @property
    def grand_total(self) -> int | None:
        return self.published(self.rows, self.columns)

    def count(self, reason: Reason) -> int:
        return sum(1 for r in self.hidden.values() if r == reason)


def _validate(counts: Sequence[Sequence[int]]) -> tuple[int, int]:
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    if rows == 0 or columns == 0:
        raise ValueError("A table needs at least one row and one column.")
    for row in counts:
        if len(row) != columns:
            raise ValueError("Every row of the table must have the same number of cells.")
        for value in row:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError("Cells must be counts: whole numbers of 0 or more.")
    return rows, columns


def suppress(
    counts: Sequence[Sequence[int]],
    *,
    k: int | None = None,
    row_totals: bool = True,
    column_totals: bool = True,
    grand_total: bool = True,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
) -> SuppressedTable:
    """Hide every cell and total below k (but above 0), then enough other cells that none can be recovered.

    `k` defaults to the publication setting (at least 11); analyses may pass another k of 1 or more. The totals are
    computed from the cells; say which of them the table publishes.
    """
    if k is None:
        k = publication_k()
    if k < 1:
        raise ValueError("k must be at least 1.")
    m, n = _validate(counts)
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(m)) for c in range(n + 1)])
    table = SuppressedTable(
        k=k,
        rows=m,
        columns=n,
        values=grid,
        row_labels=list(row_labels) if row_labels is not None else None,
        column_labels=list(column_labels) if column_labels is not None else None,
    )
    hidden = table.hidden
    if not row_totals:
        hidden.update({(r, n): Reason.NOT_PUBLISHED for r in range(m)})
    if not column_totals:
        hidden.update({(m, c): Reason.NOT_PUBLISHED for c in range(n)})
    if not grand_total:
        hidden[(m, n)] = Reason.NOT_PUBLISHED
    for r in range(m + 1):
        for c in range(n + 1):
            if (r, c) not in hidden and 0 < grid[r][c] < k:
                hidden[(r, c)] = Reason.PRIMARY
    _secondary(table)
    return table


def _lines(table: SuppressedTable) -> list[list[Position]]:
    rows, columns = table.rows + 1, table.columns + 1
    return [[(r, c) for c in range(columns)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(columns)
    ]


def _is_margin(table: SuppressedTable, position: Position) -> bool:
    return position[0] == table.rows or position[1] == table.columns


def _protected(table: SuppressedTable, position: Position) -> bool:
    return table.hidden.get(position) in (Reason.PRIMARY, Reason.SECONDARY)


def _choose(table: SuppressedTable, candidates: list[Position]) -> Position | None:
    """The smallest non-zero candidate (inner cells before totals on ties); None when every candidate is zero."""
    usable = [p for p in candidates if p not in table.hidden and table.values[p[0]][p[1]] > 0]
    if not usable:
        return None
    return min(usable, key=lambda p: (table.values[p[0]][p[1]], _is_margin(table, p), p))


def _secondary(table: SuppressedTable) -> None:
    lines = _lines(table)
    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                hidden = [p for p in line if p in table.hidden]
                if len(hidden) == 1 and _protected(table, hidden[0]):
                    choice = _choose(table, line)
                    if choice is not None:
                        table.hidden[choice] = Reason.SECONDARY
                        changed = True
        bridge = next((p for p in table.hidden if _protected(table, p) and _is_bridge(table, p)), None)
        if bridge is None:
            return
        row_side, column_side = _sides(table, bridge)
        joining = [(r, c) for r in row_side[0] for c in column_side[1]] + [
            (r, c) for r in column_side[0] for c in row_side[1]
        ]
        choice = _choose(table, joining)
        if choice is None:  # only zeros could join the sides: hide the smallest entry of the bridge's row instead
            row, _column = bridge
            choice = _choose(table, [(row, c) for c in range(table.columns + 1)])
        if choice is None:
            return  # nothing left that could protect it (cannot happen for a cell of 1 or more)
        table.hidden[choice] = Reason.SECONDARY


def _neighbours(table: SuppressedTable, excluded: Position | None) -> dict[tuple[str, int], list[tuple[str, int]]]:
    graph: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for position in table.hidden:
        if position == excluded:
            continue
        row, column = ("r", position[0]), ("c", position[1])
        graph.setdefault(row, []).append(column)
        graph.setdefault(column, []).append(row)
    return graph


def _reachable(graph: dict[tuple[str, int], list[tuple[str, int]]], start: tuple[str, int]) -> set[tuple[str, int]]:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for other in graph.get(node, []):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def _is_bridge(table: SuppressedTable, position: Position) -> bool:
    graph = _neighbours(table, position)
    return ("c", position[1]) not in _reachable(graph, ("r", position[0]))


def _sides(table: SuppressedTable, bridge: Position) -> tuple[tuple[list[int], list[int]], tuple[list[int], list[int]]]:
    """The two parts the bridge holds together, each as (its grid rows, its grid columns)."""
    graph = _neighbours(table, bridge)
    parts = []
    for start in (("r", bridge[0]), ("c", bridge[1])):
        nodes = _reachable(graph, start)
        parts.append((sorted(i for kind, i in nodes if kind == "r"), sorted(i for kind, i in nodes if kind == "c")))
    return parts[0], parts[1]
