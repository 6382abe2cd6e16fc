"""Cases worked in the year (new, carried over), located and not located, and located alive or deceased."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redalert.cases.choices import CaseStatus
from redalert.statistics.figures.layout import cases_column, category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Cell, Column, Row, Table, count_cell
from redalert.statistics.worked import (
    CaseIds,
    ClassPredicate,
    is_carried_into_next,
    is_carried_over,
    is_follow_up,
    is_located,
    is_located_earlier,
    is_new,
    is_not_located_at_end,
    is_reopened,
    is_search_closed,
    is_worked,
    located_results_of,
)


def _cell(data: YearData, predicate: ClassPredicate, denominator: int | None = None) -> Cell:
    cases = data.cases.cases(predicate)
    return count_cell(cases, denominator)


def worked_table(data: YearData) -> Table:
    total = data.worked_total
    y = data.year
    rows = [
        Row(
            "worked",
            _("Cases searched for in %(year)s") % {"year": y},
            {"cases": _cell(data, is_worked, total)},
            kind="total",
        ),
        Row("new", _("New in %(year)s") % {"year": y}, {"cases": _cell(data, is_new, total)}),
        Row(
            "reopened",
            _("of which reopened in %(year)s (reported earlier)") % {"year": y},
            {"cases": _cell(data, is_reopened, total)},
        ),
        Row(
            "carried_over",
            _("Carried over from %(previous)s") % {"previous": y - 1},
            {"cases": _cell(data, is_carried_over, total)},
        ),
    ]
    return Table(
        "worked",
        _("Cases worked"),
        cases_column(),
        rows,
        definition=_(
            "Cases worked in %(year)s = new + carried over: the cases searched for on at least one day of %(year)s. "
            "A case is searched for from the day it is reported until she is located, or until the case is closed "
            "without her being located; a closed case reopened to active search is searched for again from the "
            "reopening. Carried over: still searched for on 31 December %(previous)s (the cases the report of "
            "%(previous)s carries into %(year)s). New: reported in %(year)s, or reopened in %(year)s. Percentages "
            "are of the cases worked."
        )
        % {"year": y, "previous": y - 1},
    )


def outcome_table(data: YearData) -> Table:
    total = data.worked_total
    y = data.year
    rows = [
        Row("located", _("Located in %(year)s") % {"year": y}, {"cases": _cell(data, is_located, total)}),
        Row(
            "not_located",
            _("Not located at the end of %(year)s") % {"year": y},
            {"cases": _cell(data, is_not_located_at_end, total)},
        ),
        Row(
            "carried_into_next",
            _("of which carried into %(next)s (still searched for)") % {"next": y + 1},
            {"cases": _cell(data, is_carried_into_next, total)},
        ),
        Row(
            "search_closed",
            _("of which closed in %(year)s without being located") % {"year": y},
            {"cases": _cell(data, is_search_closed, total)},
        ),
    ]
    return Table(
        "outcome",
        _("Located and not located"),
        cases_column(),
        rows,
        definition=_(
            "Located in %(year)s: cases worked whose date located is in %(year)s. Not located at the end of "
            "%(year)s = cases worked − located in %(year)s; those still searched for on 31 December %(year)s are "
            "carried into %(next)s, the rest were closed during %(year)s without being located. Percentages are of "
            "the cases worked."
        )
        % {"year": y, "next": y + 1},
    )


def follow_up_table(data: YearData) -> Table:
    y = data.year
    rows = [
        Row(
            "follow_up",
            _("Cases in follow-up during %(year)s") % {"year": y},
            {"cases": _cell(data, is_follow_up)},
            kind="total",
        ),
        Row(
            "located_earlier",
            _("of which located before %(year)s") % {"year": y},
            {"cases": _cell(data, is_located_earlier)},
        ),
    ]
    return Table(
        "follow_up",
        _("Follow-up"),
        [Column("cases", _("Cases"))],
        rows,
        definition=_(
            "Cases whose person was located on or before 31 December %(year)s and that were in follow-up (services, "
            "legal accompaniment) at some time in %(year)s: from the day she was located until the case is closed, "
            "again from a reopening for follow-up. They are not cases searched for and are not part of the cases "
            "worked."
        )
        % {"year": y},
    )


def located_result_table(data: YearData) -> Table:
    counts, load = located_results_of(data.cases)
    located = sum(counts.values())

    def cases(result: str | None) -> CaseIds:
        return CaseIds(counts.get(result, 0), lambda: load(result))

    alive = cases(CaseStatus.LOCATED_ALIVE)
    deceased = cases(CaseStatus.LOCATED_DECEASED)
    unknown = cases(None)
    return category_table(
        "located_result",
        _("Located alive or deceased"),
        _(
            "Of the cases located in %(year)s: alive or deceased, from the outcome recorded in the investigation, "
            "else the status she was located with. Percentages are of the cases located."
        )
        % {"year": data.year},
        [
            ("alive", str(CaseStatus.LOCATED_ALIVE.label), alive),
            ("deceased", str(CaseStatus.LOCATED_DECEASED.label), deceased),
        ],
        (_("No data: result not recorded"), unknown),
        located,
        chart=False,
    )
