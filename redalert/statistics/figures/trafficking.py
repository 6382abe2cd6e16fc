"""The trafficking facts (HTCDS): types of exploitation and organised-crime involvement."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from redalert.cases.choices import YesNoUnknown
from redalert.investigation.choices import NOT_KNOWN, TypeOfExploitation
from redalert.statistics.figures.layout import category_table
from redalert.statistics.loading import YearData
from redalert.statistics.tables import Table
from redalert.statistics.worked import CaseIds


def _fact_lists(data: YearData) -> tuple[dict[int, list[str]], CaseIds, list[int]]:
    """Exploitation types per worked case with data; cases with nothing recorded (counted: the cases worked without
    any); cases recorded "not known"."""
    known: dict[int, list[str]] = {}
    recorded: set[int] = set()
    not_known = []
    for pk, (types, _crime) in data.facts.items():  # the cases worked only
        values = [t for t in types if t != NOT_KNOWN]
        if values:
            known[pk] = values
        elif types:
            not_known.append(pk)
        if types:
            recorded.add(pk)
    not_recorded = CaseIds(data.worked_total - len(recorded), lambda: data.worked_ids() - recorded)
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
        (
            _("No data: not recorded or not known"),
            CaseIds(len(not_recorded) + len(not_known), lambda: not_recorded | frozenset(not_known)),
        ),
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
    for pk, (_types, answer) in data.facts.items():  # the cases worked only
        if answer == YesNoUnknown.YES:
            yes.append(pk)
        elif answer == YesNoUnknown.NO:
            no.append(pk)
    answered = {*yes, *no}
    unknown = CaseIds(data.worked_total - len(answered), lambda: data.worked_ids() - answered)
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
