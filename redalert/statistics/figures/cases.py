"""Cases worked in the year (new, carried over), located and not located, and located alive or deceased."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redalert.cases.choices import CaseStatus
from redalert.statistics.figures.layout import cases_column, category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Row, Table, count_cell


def worked_table(data: YearData) -> Table:
    w = data.worked
    total = data.worked_total
    y = data.year
    rows = [
        Row("worked", _("Cases worked in %(year)s") % {"year": y}, {"cases": count_cell(w.ids, total)}, kind="total"),
        Row("new", _("New (reported in %(year)s)") % {"year": y}, {"cases": count_cell(w.new, total)}),
        Row(
            "carried_over",
            _("Carried over (reported before %(year)s)") % {"year": y},
            {"cases": count_cell(w.carried_over, total)},
        ),
    ]
    return Table(
        "worked",
        _("Cases worked"),
        cases_column(),
        rows,
        definition=_(
            "Cases reported on or before 31 December %(year)s that were still open on 1 January %(year)s or were "
            "opened during %(year)s. Percentages are of the cases worked."
        )
        % {"year": y},
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
    ]
    return Table(
        "outcome",
        _("Located and not located"),
        cases_column(),
        rows,
        definition=_(
            "Located in %(year)s: cases worked whose date located is in %(year)s. Not located at the end of "
            "%(year)s: cases worked that were neither located nor closed by 31 December %(year)s; they are carried "
            "into %(next)s. Percentages are of the cases worked."
        )
        % {"year": y, "next": y + 1},
        footnotes=[
            _(
                "The two rows do not add up to the cases worked: the rest were located in an earlier year (and "
                "followed up) or closed without being located."
            )
        ],
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
