"""The shapes the report's tables share: one "cases" column with percentages, one row per category, and the
cases with nothing recorded as a separate "no data" row (never a category, never folded into zero)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from redalert.statistics.tables import Column, Row, Table, case_set, count_cell

NO_DATA = "no-data"


def cases_column() -> list[Column]:
    return [Column("cases", _("Cases"), percent=True)]


def no_data_row(label: str, ids: Iterable[int], denominator: int) -> Row:
    return Row(NO_DATA, label, {"cases": count_cell(ids, denominator)}, kind="no_data")


def category_table(
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
    no_data_ids = case_set(no_data[1]) if no_data else frozenset()
    rows = [
        Row(row_key, label, {"cases": count_cell(ids, denominator, len(no_data_ids) if no_data else None)})
        for row_key, label, ids in groups
    ]
    if no_data is not None:
        rows.append(no_data_row(no_data[0], no_data_ids, denominator))
    return Table(
        key,
        title,
        cases_column(),
        rows,
        definition=definition,
        footnotes=footnotes or [],
        chart="cases" if chart else None,
        case_section=case_section,
    )
