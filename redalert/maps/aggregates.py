"""Counting cases for maps and tables, whatever the view, so that the staff maps and the public statistics page
count the same way.

The database does one GROUP BY per filter set: cases per gazetteer place (`counts_by_place`, an index-only scan of
the map rows). Everything else is derived from those counts here, without touching the cases again: per state
(`counts_by_subdivision`), per H3 cell at any resolution (`counts_by_cell`), the towns with most cases
(`counts_by_town`). Routes are counted per pair of areas (`flows`). Public pages suppress small counts with
`redalert.opendata.suppression`.

Unknown is not zero: cases whose state is not known, or whose place has no point, are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from redalert.maps.models import CaseMapFact, RouteFact
from redalert.maps.places import H3_RESOLUTIONS, place_info, states
from redalert.places.models import Place

PlaceCounts = dict[int, int]  # gazetteer place id → cases


def counts_by_place(facts: QuerySet[CaseMapFact]) -> PlaceCounts:
    """How many of these map rows (already narrowed to a scope and filters) are in each place last seen."""
    return dict(facts.order_by().values_list("place_id").annotate(n=Count("*")).values_list("place_id", "n"))


@dataclass(frozen=True)
class AreaCount:
    code: str  # ISO 3166-2 ("MX-QUE")
    name: str
    country_code: str
    place_id: int
    cases: int


@dataclass
class SubdivisionCounts:
    """Cases per state/department, and per country the cases whose state is not known."""

    areas: list[AreaCount] = field(default_factory=list)  # most cases first
    unknown_by_country: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(a.cases for a in self.areas) + sum(self.unknown_by_country.values())

    @property
    def unknown(self) -> int:
        return sum(self.unknown_by_country.values())


def counts_by_subdivision(cases: PlaceCounts | QuerySet[CaseMapFact]) -> SubdivisionCounts:
    """Cases per state/department (the place itself, or a town's state); per country where it is not known.

    Takes the counts per place, or map rows narrowed to the cases wanted (counted here).
    """
    counts = cases if isinstance(cases, dict) else counts_by_place(cases)
    result = SubdivisionCounts()
    by_state: dict[int, int] = {}
    for pk, info in place_info(counts).items():
        if info.subdivision_id is None:
            result.unknown_by_country[info.country_code] = (
                result.unknown_by_country.get(info.country_code, 0) + counts[pk]
            )
        else:
            by_state[info.subdivision_id] = by_state.get(info.subdivision_id, 0) + counts[pk]
    named = states(by_state)
    result.areas = sorted(
        (AreaCount(code, name, country, pk, by_state[pk]) for pk, (code, name, country) in named.items()),
        key=lambda a: (-a.cases, a.code),
    )
    return result


@dataclass
class CellCounts:
    resolution: int
    cells: dict[int, int]  # H3 cell (integer form) → cases
    without_point: int  # cases last seen in a place known only as a state or a country


def clamp_resolution(resolution: int, maximum: int) -> int:
    """A resolution the maps may show: no coarser than the coarsest kept, no finer than `maximum` or 7."""
    ceiling = min(maximum, H3_RESOLUTIONS[-1])
    return max(H3_RESOLUTIONS[0], min(resolution, ceiling))


def counts_by_cell(counts: PlaceCounts, resolution: int) -> CellCounts:
    """Cases per H3 cell at `resolution` (one of H3_RESOLUTIONS), by the public centre of the town last seen."""
    if resolution not in H3_RESOLUTIONS:
        raise ValueError(f"H3 resolution {resolution} is not kept.")
    cells: dict[int, int] = {}
    without_point = 0
    infos = place_info(counts)
    for pk, cases in counts.items():
        info = infos.get(pk)
        if info is None or info.cells is None:
            without_point += cases
        else:
            cell = info.cells[resolution]
            cells[cell] = cells.get(cell, 0) + cases
    return CellCounts(resolution, cells, without_point)


@dataclass(frozen=True)
class PlaceCount:
    place_id: int
    label: str
    cases: int


def counts_by_town(counts: PlaceCounts, limit: int = 30) -> list[PlaceCount]:
    """The towns (gazetteer places with a point) where most cases were last seen, most first."""
    infos = place_info(counts)
    towns = sorted(
        ((cases, pk) for pk, cases in counts.items() if pk in infos and infos[pk].cells is not None),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    places = Place.objects.select_related("subdivision").in_bulk([pk for _n, pk in towns])
    return [PlaceCount(pk, places[pk].label, n) for n, pk in towns if pk in places]


@dataclass(frozen=True)
class Flow:
    origin: str  # area code: "MX-QUE", or "MX" when the state is not known
    destination: str
    cases: int


def flows(routes: QuerySet[RouteFact], limit: int | None = None) -> tuple[list[Flow], int]:
    """Cases per (origin, exploitation) pair of areas, most first, at most `limit` of them; and how many pairs
    there are in all. A case with two exploitation places counts in both of its legs."""
    grouped = routes.order_by().values_list("origin", "destination").annotate(n=Count("*"))
    rows = list(grouped.order_by("-n", "origin", "destination")[:limit] if limit else grouped)
    total = len(rows) if limit is None or len(rows) < limit else grouped.count()
    return [Flow(o, d, n) for o, d, n in rows], total


def area_names(codes: set[str]) -> dict[str, str]:
    """Display names of areas (states as "Querétaro", countries in the reader's language)."""
    names: dict[str, str] = {}
    for place in Place.objects.filter(code__in=codes):
        names[place.code] = place.label if "-" not in place.code else place.name
    return {code: names.get(code, code) for code in codes}
