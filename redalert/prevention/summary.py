"""The prevention indicators of a year: activities and people reached, direct and indirect, by sex and age group.

How the figures are defined (one place; the yearly summary page, the export and the regional indicators use them):

- An activity counts in the year of its first day (`held_on`).
- People reached = the sum of the totals that were recorded. Activities whose total was not recorded are counted
  apart ("activities without a number of participants"), never as 0 people.
- A group (women, children, …) is the sum of that count where it was recorded; when no activity of the selection
  recorded it, the figure is None ("not recorded"), not 0.
- "Sex not recorded" (and "age not recorded") = the participants of activities with a known total that were put in
  no group of that dimension. So women + men + other/not known + sex not recorded = people reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from redalert.prevention.choices import AGE_COUNTS, SEX_COUNTS, ActivityType, Reach
from redalert.prevention.models import Activity

GROUPS = (*SEX_COUNTS, *AGE_COUNTS)


@dataclass(frozen=True)
class Figures:
    """The prevention figures of a selection of activities."""

    activities: int
    activities_without_count: int
    people: int
    groups: dict[str, int | None]
    sex_not_recorded: int
    age_not_recorded: int

    @property
    def recorded(self) -> bool:
        """Whether any activity was recorded at all."""
        return self.activities > 0


def _unrecorded(names: tuple[str, ...]) -> Any:
    remainder: Any = F("participants")
    for name in names:
        remainder = remainder - Coalesce(F(name), Value(0))
    return Coalesce(Sum(remainder, filter=Q(participants__isnull=False), output_field=IntegerField()), Value(0))


def figures(activities: QuerySet[Activity]) -> Figures:
    """Count and sum a selection of activities in one query."""
    aggregates: dict[str, Any] = {
        "n": Count("id"),
        "without_count": Count("id", filter=Q(participants__isnull=True)),
        "people": Coalesce(Sum("participants"), Value(0)),
        "sex_not_recorded": _unrecorded(SEX_COUNTS),
        "age_not_recorded": _unrecorded(AGE_COUNTS),
    }
    for name in GROUPS:
        aggregates[f"sum_{name}"] = Sum(name)
    row = activities.order_by().aggregate(**aggregates)
    return Figures(
        activities=row["n"],
        activities_without_count=row["without_count"],
        people=row["people"],
        groups={name: row[f"sum_{name}"] for name in GROUPS},
        sex_not_recorded=max(row["sex_not_recorded"], 0),
        age_not_recorded=max(row["age_not_recorded"], 0),
    )


def in_year(activities: QuerySet[Activity], year: int) -> QuerySet[Activity]:
    return activities.filter(held_on__year=year)


@dataclass(frozen=True)
class TypeRow:
    activity_type: str
    activities: int
    activities_without_count: int
    people: int

    @property
    def label(self) -> str:
        return str(ActivityType(self.activity_type).label)


@dataclass(frozen=True)
class YearSummary:
    year: int
    direct: Figures
    indirect: Figures
    total: Figures
    by_type: list[TypeRow]


def yearly_summary(activities: QuerySet[Activity], year: int) -> YearSummary:
    """The figures of a year, direct, indirect and together, and per type of activity."""
    of_year = in_year(activities, year)
    by_type = [
        TypeRow(row["activity_type"], row["n"], row["without_count"], row["people"] or 0)
        for row in of_year.order_by()
        .values("activity_type")
        .annotate(
            n=Count("id"),
            without_count=Count("id", filter=Q(participants__isnull=True)),
            people=Sum("participants"),
        )
    ]
    order = {value: index for index, value in enumerate(ActivityType.values)}
    by_type.sort(key=lambda row: order.get(row.activity_type, len(order)))
    return YearSummary(
        year=year,
        direct=figures(of_year.filter(reach=Reach.DIRECT)),
        indirect=figures(of_year.filter(reach=Reach.INDIRECT)),
        total=figures(of_year),
        by_type=by_type,
    )


def years_with_activities(activities: QuerySet[Activity]) -> list[int]:
    """The years in which the selection has activities, newest first."""
    return sorted({day.year for day in activities.order_by().dates("held_on", "year")}, reverse=True)


@dataclass(frozen=True)
class SummaryRow:
    label: Any
    values: list[int | None]  # direct, indirect, total; None = not recorded
    heading: bool = False


def _value(figures: Figures, key: str) -> int | None:
    if key in figures.groups:
        return figures.groups[key]
    value: int = getattr(figures, key)
    return value


SUMMARY_LINES: list[tuple[Any, str]] = [
    (_("Activities"), "activities"),
    (_("Activities without a number of participants"), "activities_without_count"),
    (_("People reached"), "people"),
    (_("By sex"), ""),
    (_("Women"), "women"),
    (_("Men"), "men"),
    (_("Other or sex not known"), "sex_other"),
    (_("Sex not recorded"), "sex_not_recorded"),
    (_("By age group"), ""),
    (_("Children (0–11)"), "children"),
    (_("Adolescents (12–17)"), "adolescents"),
    (_("Adults (18 and over)"), "adults"),
    (_("Age not known"), "age_unknown"),
    (_("Age not recorded"), "age_not_recorded"),
]


def summary_rows(summary: YearSummary) -> list[SummaryRow]:
    """The summary as table rows: one figure per line, direct / indirect / total in the columns."""
    columns = (summary.direct, summary.indirect, summary.total)
    return [
        SummaryRow(label, [_value(f, key) for f in columns]) if key else SummaryRow(label, [], heading=True)
        for label, key in SUMMARY_LINES
    ]
