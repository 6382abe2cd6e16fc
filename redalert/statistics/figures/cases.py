"""Cases worked in the year (new, carried over), located and not located, and located alive or deceased."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redalert.cases.choices import CaseStatus
from redalert.statistics.figures.layout import cases_column, category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Column, Row, Table, count_cell


def worked_table(data: YearData) -> Table:
    w = data.worked
    total = data.worked_total
    y = data.year
    rows = [
        Row(
            "worked",
            _("Cases searched for in %(year)s") % {"year": y},
            {"cases": count_cell(w.ids, total)},
            kind="total",
        ),
        Row("new", _("New in %(year)s") % {"year": y}, {"cases": count_cell(w.new, total)}),
        Row(
            "reopened",
            _("of which reopened in %(year)s (reported earlier)") % {"year": y},
            {"cases": count_cell(w.reopened, total)},
        ),
        Row(
            "carried_over",
            _("Carried over from %(previous)s") % {"previous": y - 1},
            {"cases": count_cell(w.carried_over, total)},
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
    w = data.worked
    total = data.worked_total
    y = data.year
    rows = [
        Row("located", _("Located in %(year)s") % {"year": y}, {"cases": count_cell(w.located, total)}),
        Row(
            "not_located",
            _("Not located at the end of %(year)s") % {"year": y},
            {"cases": count_cell(w.not_located_at_end, total)},
        ),
        Row(
            "carried_into_next",
            _("of which carried into %(next)s (still searched for)") % {"next": y + 1},
            {"cases": count_cell(w.carried_into_next, total)},
        ),
        Row(
            "search_closed",
            _("of which closed in %(year)s without being located") % {"year": y},
            {"cases": count_cell(w.search_closed, total)},
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
    w = data.worked
    y = data.year
    rows = [
        Row(
            "follow_up",
            _("Cases in follow-up during %(year)s") % {"year": y},
            {"cases": count_cell(w.follow_up)},
            kind="total",
        ),
        Row(
            "located_earlier",
            _("of which located before %(year)s") % {"year": y},
            {"cases": count_cell(w.follow_up - w.located)},
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
    results = data.located_results
    located = len(results)
    alive = [c for c, r in results.items() if r == CaseStatus.LOCATED_ALIVE]
    deceased = [c for c, r in results.items() if r == CaseStatus.LOCATED_DECEASED]
    unknown = [c for c, r in results.items() if r is None]
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
