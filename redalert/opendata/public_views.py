"""The public statistics pages: the list of organisations and each organisation's yearly figures and map.

Anonymous (@public) and thin: which cases count, the tables and their suppression are in
redalert.opendata.public_stats, the map drawing in redalert.opendata.public_map. The pages show published numbers
only (None = hidden), never a case, an id, or a link to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from redalert.accounts.middleware import public
from redalert.accounts.models import Organisation
from redalert.opendata.public_map import draw_map
from redalert.opendata.public_stats import (
    STATE_NOT_RECORDED,
    PublicStatistics,
    YearFigures,
    complete_years,
    public_statistics,
)
from redalert.places.names import country_name
from redalert.statistics.report import definitions

HIDDEN, SHOWN = "hidden", "shown"


@dataclass(frozen=True)
class Shown:
    """One figure as the page prints it."""

    kind: str  # SHOWN or HIDDEN (suppressed)
    text: str = ""


@dataclass(frozen=True)
class Line:
    label: str
    cells: list[Shown]
    total: bool = False


def _number(value: int) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


def shown(value: int | None) -> Shown:
    return Shown(HIDDEN) if value is None else Shown(SHOWN, _number(value))


def _year_lines(statistics: PublicStatistics) -> dict[str, list[Line]]:
    """The three tables over the published years (one column per year, newest first, so that a phone shows the
    latest without scrolling): what happened, by sex, minors and adults."""
    years = statistics.published_years[::-1]

    def line(label: str, pick: Any, *, total: bool = False) -> Line:
        return Line(label, [shown(pick(year)) for year in years], total)

    def origin(i: int) -> Any:
        return lambda y: y.origin.row()[i]

    def outcome(i: int) -> Any:
        return lambda y: y.outcome_by_age.row_totals[i]

    def sex(i: int) -> Any:
        return lambda y: y.sex.row()[i]

    def age(i: int) -> Any:
        return lambda y: y.outcome_by_age.column_totals[i]

    return {
        "summary": [
            line(_("Cases worked"), lambda y: y.worked, total=True),
            line(_("New (reported in the year)"), origin(0)),
            line(_("Carried over (reported before)"), origin(1)),
            line(_("Located alive in the year"), outcome(0)),
            line(_("Located deceased in the year"), outcome(1)),
            line(_("Located in the year, alive or deceased not recorded"), outcome(2)),
            line(_("Not located at the end of the year"), outcome(3)),
            line(_("Other cases worked (located earlier, or closed without being located)"), outcome(4)),
        ],
        "sex": [
            line(_("Female"), sex(0)),
            line(_("Male"), sex(1)),
            line(_("Intersex"), sex(2)),
            line(_("Sex not recorded"), sex(3)),
            line(_("Cases worked"), lambda y: y.worked, total=True),
        ],
        "age": [
            line(_("Minors (under 18)"), age(0)),
            line(_("Adults (18 and over)"), age(1)),
            line(_("Age not recorded"), age(2)),
            line(_("Cases worked"), lambda y: y.worked, total=True),
        ],
    }


def outcome_labels() -> list[str]:
    """Rows of the year's table of what happened (short: the caption names the year)."""
    return [
        _("Located alive"),
        _("Located deceased"),
        _("Located, alive or deceased not recorded"),
        _("Not located at the end of the year"),
        _("Other (located earlier, or closed without being located)"),
    ]


def _outcome_by_age(year: YearFigures) -> list[Line]:
    figures = year.outcome_by_age
    assert figures is not None and figures.column_totals is not None
    lines = [
        Line(label, [shown(v) for v in (*figures.cells[i], figures.row_totals[i])])
        for i, label in enumerate(outcome_labels())
    ]
    lines.append(Line(_("Cases worked"), [shown(v) for v in (*figures.column_totals, figures.total)], total=True))
    return lines


def _state_label(name: str, country: str, several_countries: bool) -> str:
    return f"{name} ({country_name(country)})" if several_countries else name


def _states(year: YearFigures, organisation: Organisation, k: int) -> dict[str, Any]:
    figures = year.state_figures
    assert figures is not None
    values = figures.row()
    countries = {s.country_code for s in year.states if s.key != STATE_NOT_RECORDED}
    several = len(countries | {organisation.country}) > 1
    lines, drawn = [], []
    not_recorded = Line(_("State not recorded"), [shown(None)])
    for state, value in zip(year.states, values, strict=True):
        if state.key == STATE_NOT_RECORDED:
            not_recorded = Line(_("State not recorded"), [shown(value)])
            continue
        label = _state_label(state.name, state.country_code, several)
        lines.append(Line(label, [shown(value)]))
        drawn.append((state.key, label, state.country_code, value))
    lines.append(not_recorded)
    lines.append(Line(_("Cases worked in %(year)s") % {"year": year.year}, [shown(year.worked)], total=True))
    return {"lines": lines, "drawing": draw_map(drawn, k, countries=[organisation.country])}


def _selected_year(request: HttpRequest, statistics: PublicStatistics) -> YearFigures | None:
    published = statistics.published_years
    if not published:
        return None
    wanted = request.GET.get("year", "")
    chosen = statistics.year(int(wanted)) if wanted.isdigit() and len(wanted) == 4 else None
    return chosen if chosen is not None and chosen.published else published[-1]


@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every organisation's statistics page, by name."""
    organisations = Organisation.objects.order_by("name").values_list("code", "name")
    return render(request, "opendata/public/index.html", {"organisations": organisations, "nav": "statistics"})


@public
@require_safe
def organisation_statistics(request: HttpRequest, code: str) -> HttpResponse:
    """An organisation's yearly figures over the last complete years, and one year's detail and map."""
    organisation = get_object_or_404(Organisation, code=code)
    statistics = public_statistics(organisation)
    k = statistics.k
    years = [y.year for y in statistics.years] or complete_years(statistics.produced_on)
    selected = _selected_year(request, statistics)
    context: dict[str, Any] = {
        "organisation": organisation,
        "statistics": statistics,
        "k": k,
        "years": years,
        "first_year": years[0],
        "last_year": years[-1],
        "selected": selected,
        "nav": "statistics",
        "definitions": definitions(selected.year if selected else years[-1]),
    }
    if statistics.enough:
        context["tables"] = _year_lines(statistics)
        context["table_years"] = [y.year for y in statistics.published_years[::-1]]
        context["withheld_years"] = [y.year for y in statistics.years if not y.published]
    if selected is not None:
        context["age_columns"] = [_("Under 18"), _("18 and over"), _("Age not recorded")]
        context["outcome_by_age"] = _outcome_by_age(selected)
        context["states"] = _states(selected, organisation, k)
    return render(request, "opendata/public/organisation.html", context)
