"""Places, by state or department: where she was last seen, and the trafficking route's places of origin
(recruitment), transit and destination (exploitation)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

from django.utils.translation import gettext as _

from redalert.investigation.choices import EventType
from redalert.statistics.figures.layout import NO_DATA, category_table
from redalert.statistics.loading import YearData, place_keys
from redalert.statistics.tables import Table
from redalert.statistics.worked import CaseIds, Group, is_worked

TOP_PLACES = 10


def _places_table(
    key: str,
    title: str,
    definition: str,
    by_place: Mapping[str, AbstractSet[int]],
    data: YearData,
    case_section: str,
    unknown: AbstractSet[int] | None = None,
    disjoint: bool = False,
) -> Table:
    """The top places (each with the cases that have one there), the rest as "other", and the cases with none.
    `unknown`: the cases worked with no place recorded (by default: those in none of `by_place`); `disjoint`: a
    case has one place at most (the "other" row is then counted without loading its cases)."""
    ordered = sorted(by_place.items(), key=lambda item: (-len(item[1]), item[0]))
    top, rest = ordered[:TOP_PLACES], ordered[TOP_PLACES:]
    labels = data.place_labels(k for k, _ids in top)
    groups: list[tuple[str, str, Iterable[int]]] = [(k, labels[k], ids) for k, ids in top]
    if rest:
        other: AbstractSet[int] = (
            CaseIds(sum(len(ids) for _k, ids in rest), lambda: frozenset().union(*(ids for _k, ids in rest)))
            if disjoint
            else set().union(*(ids for _k, ids in rest))
        )
        groups.append(("other", _("%(n)s other places") % {"n": len(rest)}, other))
    if unknown is None:
        placed: set[int] = set().union(*by_place.values())
        unknown = CaseIds(data.worked_total - len(placed), lambda: data.worked_ids() - placed)
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
    for pk, stops in data.route.items():  # the cases worked only
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
    grouping = ("last_seen_place",)
    place_ids = data.cases.grouped(grouping, is_worked, lambda values: values[0])
    keys = place_keys(pk for pk in place_ids if pk is not None)
    counts: Counter[str] = Counter()
    for place_id, n in place_ids.items():
        key = keys.get(place_id) if place_id is not None else None
        counts[key or NO_DATA] += n

    def cases(key: str) -> CaseIds:
        def where(values: Group) -> bool:
            place_key = keys.get(values[0]) if values[0] is not None else None
            return (place_key or NO_DATA) == key

        return data.cases.cases(is_worked, grouping, where, count=counts[key])

    by_place: dict[str, AbstractSet[int]] = {key: cases(key) for key in counts if key != NO_DATA}
    return _places_table(
        "places_last_seen",
        _("Where she was last seen"),
        _("The place she was last seen (the case file's gazetteer place), by state or department.")
        + " "
        + _("Of the cases worked in %(year)s; percentages are of the cases worked.") % {"year": data.year},
        by_place,
        data,
        "general",
        unknown=cases(NO_DATA),
        disjoint=True,
    )
