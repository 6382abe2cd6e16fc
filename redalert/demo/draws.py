"""The random draws every demo generator shares: weighted choices, days, people's names, and the local day.

redalert.demo.generate (the case files) and redalert.demo.after_report (what happened after each report) draw
with these, so that a weighted table or a day in a range means the same thing in both.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from redalert.demo.words import FEMALE_NAMES, MALE_NAMES, SURNAMES


class Weighted:
    """A weighted choice with its cumulative weights computed once (random.choices recomputes them on every call).

    Built from a mapping item → weight, or from (item, weight) pairs.
    """

    def __init__(self, table: Mapping[Any, float] | Iterable[tuple[Any, float]]) -> None:
        pairs = list(table.items()) if isinstance(table, Mapping) else list(table)
        self.items = [item for item, _weight in pairs]
        self.cum = list(itertools.accumulate(weight for _item, weight in pairs))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]

    def sample(self, rng: random.Random, n: int) -> list[Any]:
        """Up to n distinct items, each drawn by weight."""
        chosen: list[Any] = []
        for _attempt in range(n * 4):
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
            if len(chosen) == n:
                break
        return chosen


def day_between(rng: random.Random, start: date, end: date) -> date:
    """A day from start to end, both included (start when the range is empty)."""
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def days_after(rng: random.Random, start: date, low: int, high: int) -> date:
    return start + timedelta(days=rng.randint(low, high))


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def female_name(rng: random.Random) -> str:
    return rng.choice(FEMALE_NAMES)


def male_name(rng: random.Random) -> str:
    return rng.choice(MALE_NAMES)


def person_name(rng: random.Random) -> str:
    """A full name, most often a man's: an accused person, an official who acknowledged an alert."""
    given = rng.choice(MALE_NAMES) if rng.random() < 0.75 else rng.choice(FEMALE_NAMES)
    return f"{given} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
