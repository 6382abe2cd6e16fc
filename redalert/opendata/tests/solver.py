"""An attacker's solver for the suppression tests, written independently of redalert.opendata.suppression.

It knows every published number and the equations a table with totals satisfies (each row sums to its row total,
each column to its column total, the totals to the grand total) and that counts are whole numbers of 0 or more.
For a hidden entry it searches for a solution of those equations in which the entry has another value than the
true one: if there is none, the attacker has recovered it.
"""

from __future__ import annotations

from itertools import count

Position = tuple[int, int]


class Attacker:
    def __init__(self, published: list[list[int | None]], bound: int) -> None:
        """`published` is the (m+1)×(n+1) grid with totals in the last row and column, None where hidden."""
        self.grid = published
        self.rows = len(published) - 1
        self.columns = len(published[0]) - 1
        self.bound = bound
        self.equations: list[tuple[list[Position], Position]] = []
        for r in range(self.rows + 1):  # each row (and the totals row) sums to its last entry
            self.equations.append(([(r, c) for c in range(self.columns)], (r, self.columns)))
        for c in range(self.columns + 1):  # each column (and the totals column) sums to its last entry
            self.equations.append(([(r, c) for r in range(self.rows)], (self.rows, c)))
        grid = [(r, c) for r in range(self.rows + 1) for c in range(self.columns + 1)]
        self.unknowns = [(r, c) for r, c in grid if published[r][c] is None]

    def _check(self, values: dict[Position, int]) -> bool | None:
        """False if an equation is broken; True if all hold with everything known; None if undecided."""
        complete = True
        for parts, total in self.equations:
            known = [values.get(p, self.grid[p[0]][p[1]]) for p in parts]
            total_value = values.get(total, self.grid[total[0]][total[1]])
            if any(v is None for v in known) or total_value is None:
                complete = False
                partial = sum(v for v in known if v is not None)
                if total_value is not None and partial > total_value:
                    return False
                continue
            if sum(v for v in known if v is not None) != total_value:
                return False
        return True if complete else None

    def _propagate(self, values: dict[Position, int]) -> dict[Position, int] | None:
        """Fill every unknown that an equation determines; None when the values cannot be completed."""
        values = dict(values)
        changed = True
        while changed:
            changed = False
            for parts, total in self.equations:
                entries = [*parts, total]
                missing = [p for p in entries if p not in values and self.grid[p[0]][p[1]] is None]
                if len(missing) != 1:
                    continue
                target = missing[0]

                def value(p: Position) -> int:
                    v = values.get(p)
                    return v if v is not None else self.grid[p[0]][p[1]]  # type: ignore[return-value]

                if target == total:
                    solved = sum(value(p) for p in parts)
                else:
                    solved = value(total) - sum(value(p) for p in parts if p != target)
                if solved < 0 or solved > self.bound:
                    return None
                values[target] = solved
                changed = True
        return values if self._check(values) is not False else None

    def _solve(self, values: dict[Position, int]) -> bool:
        propagated = self._propagate(values)
        if propagated is None:
            return False
        free = [p for p in self.unknowns if p not in propagated]
        if not free:
            return self._check(propagated) is True
        target = free[0]
        return any(self._solve({**propagated, target: v}) for v in range(self._limit(target) + 1))

    def _limit(self, position: Position) -> int:
        """No entry exceeds a published total of its row or column (totals are at most the grand total)."""
        r, c = position
        limits = [self.bound]
        if r < self.rows and self.grid[r][self.columns] is not None:
            limits.append(self.grid[r][self.columns])  # type: ignore[arg-type]
        if c < self.columns and self.grid[self.rows][c] is not None:
            limits.append(self.grid[self.rows][c])  # type: ignore[arg-type]
        return min(limits)

    def other_value(self, position: Position, true_value: int) -> int | None:
        """A value other than the true one that the hidden entry can take, or None if it is recovered."""
        for distance in count(1):
            if distance > self.bound:
                return None
            for candidate in (true_value - distance, true_value + distance):
                if 0 <= candidate <= self.bound and self._solve({position: candidate}):
                    return candidate
        return None  # pragma: no cover
