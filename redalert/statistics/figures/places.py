"""Places, by state or department: where she was last seen, and the trafficking route's places of origin
(recruitment), transit and destination (exploitation)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from redalert.investigation.choices import EventType
from redalert.statistics.figures.layout import category_table
from redalert.statistics.loading import YearData, place_keys
from redalert.statistics.tables import Table

TOP_PLACES = 10


def _places_table(
    key: str, title: str, definition: str, by_place: dict[str, set[int]], data: YearData, case_section: str
) -> Table:
    """The top places (each with the cases that have one there), the rest as "other", and the cases with none."""
    ordered = sorted(by_place.items(), key=lambda item: (-len(item[1]), item[0]))
    top, rest = ordered[:TOP_PLACES], ordered[TOP_PLACES:]
    labels = data.place_labels(k for k, _ids in top)
    groups: list[tuple[str, str, Iterable[int]]] = [(k, labels[k], ids) for k, ids in top]
    if rest:
        other: set[int] = set().union(*(ids for _k, ids in rest))
        groups.append(("other", _("%(n)s other places") % {"n": len(rest)}, other))
    unknown = data.worked.ids.difference(*by_place.values())
    return category_table(
        key,
        title,
        definition,
        groups,
        (_("No data: no place recorded"), unknown),
        data.worked_total,
        footnotes=[
            _("Top %(n)s states or departments; a case counts once in each place recorded.") % {"n": TOP_PLACES}
        ],
        case_section=case_section,
    )


def route_table(data: YearData, event_type: str) -> Table:
    by_place: dict[str, set[int]] = defaultdict(set)
    for pk, stops in data.route.items():
        for stop in stops:
            if stop.event_type == event_type and stop.place_key:
                by_place[stop.place_key].add(pk)
    titles = {
        EventType.RECRUITMENT: (
            "origin",
            _("Places of origin (recruitment)"),
            _("Where she was recruited (trafficking route, recruitment events), by state or department."),
        ),
        EventType.TRANSIT: (
            "transit",
            _("Places of transit"),
            _("Where she was moved through (trafficking route, transit events), by state or department."),
        ),
        EventType.EXPLOITATION: (
            "destination",
            _("Places of destination (exploitation)"),
            _("Where she was exploited (trafficking route, exploitation events), by state or department."),
        ),
    }
    key, title, definition = titles[EventType(event_type)]
    definition += " " + _("Of the cases worked in %(year)s; percentages are of the cases worked.") % {"year": data.year}
    return _places_table(f"places_{key}", title, definition, by_place, data, "investigation")


def origin_table(data: YearData) -> Table:
    return route_table(data, "Recruitment")


def transit_table(data: YearData) -> Table:
    return route_table(data, "Transit")


def destination_table(data: YearData) -> Table:
    return route_table(data, "Exploitation")


def last_seen_table(data: YearData) -> Table:
    by_place_id: dict[int, set[int]] = defaultdict(set)
    for pk, row in data.worked.rows.items():
        if row.last_seen_place_id is not None:
            by_place_id[row.last_seen_place_id].add(pk)
    keys = place_keys(by_place_id)
    by_place: dict[str, set[int]] = defaultdict(set)
    for place_id, cases in by_place_id.items():
        key = keys.get(place_id)
        if key:
            by_place[key] |= cases
    return _places_table(
        "places_last_seen",
        _("Where she was last seen"),
        _("The place she was last seen (the case file's gazetteer place), by state or department.")
        + " "
        + _("Of the cases worked in %(year)s; percentages are of the cases worked.") % {"year": data.year},
        by_place,
        data,
        "general",
    )
