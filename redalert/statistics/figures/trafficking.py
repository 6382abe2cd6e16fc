"""The trafficking facts (HTCDS): types of exploitation and organised-crime involvement."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from redalert.cases.choices import YesNoUnknown
from redalert.investigation.choices import NOT_KNOWN, TypeOfExploitation
from redalert.statistics.figures.layout import category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Table


def _fact_lists(data: YearData) -> tuple[dict[int, list[str]], list[int], list[int]]:
    """Exploitation types per worked case with data; cases with nothing recorded; cases recorded "not known"."""
    known: dict[int, list[str]] = {}
    not_recorded, not_known = [], []
    for pk in data.worked.ids:
        types = data.facts.get(pk, ([], ""))[0]
        values = [t for t in types if t != NOT_KNOWN]
        if values:
            known[pk] = values
        elif types:
            not_known.append(pk)
        else:
            not_recorded.append(pk)
    return known, not_recorded, not_known


def exploitation_table(data: YearData) -> Table:
    known, not_recorded, not_known = _fact_lists(data)
    by_type: dict[str, list[int]] = defaultdict(list)
    for pk, types in known.items():
        for value in dict.fromkeys(types):
            by_type[value].append(pk)
    labels = dict(TypeOfExploitation.choices)
    ordered = sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0]))
    return category_table(
        "exploitation",
        _("Types of exploitation"),
        _(
            "Cases worked in %(year)s by the type of exploitation recorded in the trafficking facts (HTCDS). A case "
            "counts once in each type recorded. Percentages are of the cases worked."
        )
        % {"year": data.year},
        [(value, str(labels.get(value, value)), ids) for value, ids in ordered],
        (_("No data: not recorded or not known"), [*not_recorded, *not_known]),
        data.worked_total,
        footnotes=[
            _("No data: %(none)s cases with nothing recorded, %(unknown)s recorded as not known.")
            % {"none": len(not_recorded), "unknown": len(not_known)}
        ],
        case_section="investigation",
    )


def organised_crime_table(data: YearData) -> Table:
    yes: list[int] = []
    no: list[int] = []
    unknown: list[int] = []
    for pk in data.worked.ids:
        answer = data.facts.get(pk, ([], YesNoUnknown.UNKNOWN))[1]
        (yes if answer == YesNoUnknown.YES else no if answer == YesNoUnknown.NO else unknown).append(pk)
    return category_table(
        "organised_crime",
        _("Organised-crime involvement"),
        _("Whether organised crime was involved, from the trafficking facts. Percentages are of the cases worked."),
        [("yes", _("Involved"), yes), ("no", _("Not involved"), no)],
        (_("No data: not known or not recorded"), unknown),
        data.worked_total,
        chart=False,
        case_section="investigation",
    )
