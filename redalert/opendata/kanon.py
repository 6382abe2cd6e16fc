"""k-anonymity by generalisation and suppression, and its verification.

A table is k-anonymous over a set of quasi-identifiers when every combination of their values that appears in it
appears in at least k rows (an equivalence class of at least k people). `anonymise` gets there by
full-domain generalisation: each quasi-identifier has a hierarchy of levels (level 0 the recorded value, the last
level "not known"), and one level is chosen per quasi-identifier for the whole table. The choice is the node of the
lattice of levels with the least weighted information loss that leaves few enough records in classes smaller than k
(at most `max_suppressed_share` of them); those records are then suppressed (left out), so every published class has
at least k records. The search is best-first over the lattice (in the spirit of Incognito and ARX): it relies on
records at risk never increasing as a node is generalised. Its result is verified, not trusted: `verify` counts the
classes of what is actually written.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Cells = tuple[str, ...]


@dataclass(frozen=True)
class Hierarchy:
    """A quasi-identifier: how to write its value at each level (0 = as recorded, levels-1 = not known)."""

    name: str
    levels: int
    generalise: Callable[[Any, int], Cells]
    weight: float = 1.0  # how much is lost by generalising it all the way: the search spares the heavy ones


@dataclass
class Anonymisation:
    k: int
    hierarchies: Sequence[Hierarchy]
    levels: dict[str, int]
    records: int
    kept: list[int]
    suppressed: list[int]
    rows: list[dict[str, Cells]]
    generalised: dict[str, int] = field(default_factory=dict)

    @property
    def smallest_class(self) -> int:
        sizes = Counter(tuple(row.values()) for row in self.rows)
        return min(sizes.values()) if sizes else 0

    @property
    def classes(self) -> int:
        return len({tuple(row.values()) for row in self.rows})


class _Columns:
    """Every record's written value at every level of every quasi-identifier, computed once and numbered, so that
    counting the classes of a node is one pass of C-level zip and Counter."""

    def __init__(self, raw: Sequence[dict[str, Any]], hierarchies: Sequence[Hierarchy]) -> None:
        self.codes: list[list[list[int]]] = []  # [hierarchy][level][record] -> number of the written value
        self.decoded: list[list[Cells]] = []  # [hierarchy][number] -> written value
        for hierarchy in hierarchies:
            numbers: dict[Cells, int] = {}
            memo: dict[tuple[Hashable, int], int] = {}
            per_level: list[list[int]] = []
            for level in range(hierarchy.levels):
                column = []
                for record in raw:
                    key = (record[hierarchy.name], level)
                    number = memo.get(key)
                    if number is None:
                        number = numbers.setdefault(hierarchy.generalise(key[0], level), len(numbers))
                        memo[key] = number
                    column.append(number)
                per_level.append(column)
            self.codes.append(per_level)
            self.decoded.append(list(numbers))

    def keys(self, node: Sequence[int]) -> list[tuple[int, ...]]:
        return list(zip(*(self.codes[h][level] for h, level in enumerate(node)), strict=True))

    def at_risk(self, node: Sequence[int], k: int) -> int:
        sizes = Counter(zip(*(self.codes[h][level] for h, level in enumerate(node)), strict=True))
        return sum(size for size in sizes.values() if size < k)


def anonymise(
    raw: Sequence[dict[str, Any]],
    hierarchies: Sequence[Hierarchy],
    *,
    k: int,
    max_suppressed_share: float = 0.05,
) -> Anonymisation:
    """Generalise and suppress `raw` records (dicts keyed by hierarchy name) until every class has at least k.

    The chosen levels are those with the least weighted information loss (sum of weight × level / top level) that
    leave at most `max_suppressed_share` of the records in classes smaller than k; among equal losses, the one that
    suppresses fewest records. The records of the classes still smaller than k are then left out.
    """
    if k < 1:
        raise ValueError("k must be at least 1.")
    records = len(raw)
    columns = _Columns(raw, hierarchies)
    budget = math.floor(records * max_suppressed_share)
    node = _search(columns, hierarchies, k=k, budget=budget) if records else tuple(0 for _ in hierarchies)
    keys = columns.keys(node)
    sizes = Counter(keys)
    kept = [i for i, key in enumerate(keys) if sizes[key] >= k]
    suppressed = [i for i, key in enumerate(keys) if sizes[key] < k]
    rows = [
        {h.name: columns.decoded[index][columns.codes[index][node[index]][i]] for index, h in enumerate(hierarchies)}
        for i in kept
    ]
    generalised = {
        h.name: sum(
            1
            for i in kept
            if columns.decoded[index][columns.codes[index][node[index]][i]]
            != columns.decoded[index][columns.codes[index][0][i]]
        )
        for index, h in enumerate(hierarchies)
    }
    return Anonymisation(
        k=k,
        hierarchies=hierarchies,
        levels={h.name: node[index] for index, h in enumerate(hierarchies)},
        records=records,
        kept=kept,
        suppressed=suppressed,
        rows=rows,
        generalised=generalised,
    )


def _search(columns: _Columns, hierarchies: Sequence[Hierarchy], *, k: int, budget: int) -> tuple[int, ...]:
    """Best-first search of the generalisation lattice, cheapest node first.

    Records at risk can only decrease as a node is generalised (merged classes are never smaller), so the first
    node within the budget in order of loss is the cheapest; nodes of the same loss are compared by records at
    risk. If none is within the budget (fewer than k records in all), the top node is returned and everything is
    suppressed.
    """
    tops = [h.levels - 1 for h in hierarchies]

    def loss(node: tuple[int, ...]) -> float:
        return round(
            sum(h.weight * level / top for h, level, top in zip(hierarchies, node, tops, strict=True) if top), 9
        )

    start = tuple(0 for _ in hierarchies)
    queue: list[tuple[float, tuple[int, ...]]] = [(loss(start), start)]
    seen = {start}
    best: tuple[int, tuple[int, ...]] | None = None
    best_loss = math.inf
    while queue:
        node_loss, node = heapq.heappop(queue)
        if node_loss > best_loss:
            break
        risk = columns.at_risk(node, k)
        if risk <= budget:
            if best is None or risk < best[0]:
                best, best_loss = (risk, node), node_loss
            continue
        for index, top in enumerate(tops):
            if node[index] < top:
                successor = (*node[:index], node[index] + 1, *node[index + 1 :])
                if successor not in seen:
                    seen.add(successor)
                    heapq.heappush(queue, (loss(successor), successor))
    return best[1] if best is not None else tuple(tops)


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the number of records and classes, and the smallest class (the k the table meets)."""

    records: int
    classes: int
    smallest_class: int
    k: int

    @property
    def passes(self) -> bool:
        return self.records == 0 or self.smallest_class >= self.k

    @property
    def satisfied_k(self) -> int:
        """The largest k for which the table is k-anonymous (its smallest class); 0 for an empty table."""
        return self.smallest_class


def verify(rows: Iterable[Sequence[str]], *, k: int) -> Verdict:
    """Count the equivalence classes of rows already reduced to their quasi-identifier values."""
    sizes = Counter(tuple(row) for row in rows)
    return Verdict(
        records=sum(sizes.values()),
        classes=len(sizes),
        smallest_class=min(sizes.values()) if sizes else 0,
        k=k,
    )
