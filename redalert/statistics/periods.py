"""Year and period arithmetic of the statistics: the calendar year of a report, the local day of a moment, and the
periods a case was open or a proceeding was under way.

Dates are local dates in the installation's time zone (settings.TIME_ZONE): a report received at 23:59 on
31 December, local time, belongs to that year. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.utils import timezone

from redalert.cases.choices import CaseStatus

OPEN_PROCEEDING_STATUSES = frozenset({"investigation", "charged", "trial", "appeal"})


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
