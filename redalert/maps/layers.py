"""GeoJSON FeatureCollections of the map layers, built from counts (redalert.maps.aggregates).

Every feature carries counts and public names only. Sizes are bounded whatever the zoom: outlines are simplified
to the zoom (and coarser still if the view would otherwise need more than LAYER_BUDGET bytes), hexagons are
chosen at a resolution for the zoom and capped in number, flows are capped in number; what is left out is said
in the collection's own members ("omitted"), never silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import h3.api.basic_int as h3

from redalert.maps.aggregates import CellCounts, Flow, SubdivisionCounts, area_names
from redalert.maps.boundaries import LEVELS, BBox, area_point, boundary_data, intersects, level_for_zoom

LAYER_BUDGET = 450_000  # bytes of geometry a layer may send (the limit is 500 KB with properties)
MAX_CELLS = 1500
MAX_FLOWS = 500
HEXAGON_DECIMALS = 4  # about 10 m: far finer than a cell's side, far coarser than a private address matters

# Map zoom → H3 resolution: cells a few pixels to a few dozen pixels across on screen.
ZOOM_RESOLUTIONS = ((3, 2), (4, 3), (6, 4), (7, 5), (8, 6))  # (up to this zoom, resolution); finer: 7


def resolution_for_zoom(zoom: int) -> int:
    for up_to, resolution in ZOOM_RESOLUTIONS:
        if zoom <= up_to:
            return resolution
    return 7


def _collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **members}


@lru_cache(maxsize=1)
def _outline_sizes() -> dict[tuple[str, str], int]:
    """Bytes of each subdivision's outline at each level, to keep a layer within the budget."""
    sizes = {}
    for code, entry in boundary_data()["subdivisions"].items():
        for level in LEVELS:
            known = entry.get("bytes", {}).get(level)
            sizes[(code, level)] = known if known is not None else len(json.dumps(entry[level], separators=(",", ":")))
    return sizes


def subdivision_layer(
    counts: SubdivisionCounts,
    zoom: int,
    bbox: BBox | None,
    link: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    """States/departments with their case counts: outlines for a choropleth where the boundary file has them
    (every state of a country with at least one case, so that zero shows as zero), else a point for a
    proportional circle. `link(place_id)`, for staff who may drill down, gives each state's case-search URL."""
    outlines = boundary_data()["subdivisions"]
    counted = {area.code: area for area in counts.areas}
    countries = {area.country_code for area in counts.areas} | set(counts.unknown_by_country)
    codes = [code for code, entry in outlines.items() if entry["country"] in countries]
    codes += [code for code in counted if code not in outlines]
    in_view = [code for code in codes if code not in outlines or intersects(outlines[code]["bbox"], bbox)]

    level = "low" if bbox is None else level_for_zoom(zoom)
    sizes = _outline_sizes()
    names = list(LEVELS)
    while level != "low" and sum(sizes.get((c, level), 0) for c in in_view) > LAYER_BUDGET:
        level = names[names.index(level) - 1]

    features: list[dict[str, Any]] = []
    for code in in_view:
        area = counted.get(code)
        properties: dict[str, Any] = {
            "code": code,
            "name": area.name if area else outlines[code]["name"],
            "cases": area.cases if area else 0,
        }
        if link is not None and area is not None:
            properties["url"] = link(area.place_id)
        if code in outlines:
            geometry = {"type": "MultiPolygon", "coordinates": outlines[code][level]}
        else:
            point = area_point(code)
            if point is None or not intersects((point[0], point[1], point[0], point[1]), bbox):
                continue
            geometry = {"type": "Point", "coordinates": list(point)}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    features.sort(key=lambda f: f["properties"]["cases"])  # largest drawn last, on top
    return _collection(
        features,
        total=counts.total,
        state_not_known=counts.unknown,
        level=level,
    )


def _cell_in_view(cell: int, bbox: BBox | None) -> bool:
    if bbox is None:
        return True
    lat, lng = h3.cell_to_latlng(cell)
    return intersects((lng, lat, lng, lat), bbox)


def _padded(bbox: BBox | None) -> BBox | None:
    """The box grown by a tenth on every side, so that cells whose centre is just outside still fill the edges."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    dx, dy = (east - west) / 10, (north - south) / 10
    return west - dx, south - dy, east + dx, north + dy


def hexagon_layer(counts: CellCounts, bbox: BBox | None) -> dict[str, Any]:
    """H3 cells with the number of cases last seen in a town inside each, most cases first, at most MAX_CELLS."""
    bbox = _padded(bbox)
    in_view = sorted(
        ((cases, cell) for cell, cases in counts.cells.items() if _cell_in_view(cell, bbox)),
        key=lambda item: (-item[0], item[1]),
    )
    features = []
    for cases, cell in in_view[:MAX_CELLS]:
        ring = [[round(lng, HEXAGON_DECIMALS), round(lat, HEXAGON_DECIMALS)] for lat, lng in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"cases": cases},
            }
        )
    return _collection(
        features,
        resolution=counts.resolution,
        total=sum(counts.cells.values()) + counts.without_point,
        without_point=counts.without_point,
        omitted=max(0, len(in_view) - MAX_CELLS),
    )


def routes_layer(legs: list[Flow], total_legs: int) -> dict[str, Any]:
    """Flows from origin to exploitation areas (lines; a flow within one area is a point), most cases first.

    `legs` is already capped (aggregates.flows(limit=MAX_FLOWS)); `total_legs` says how many pairs there were.
    """
    names = area_names({leg.origin for leg in legs} | {leg.destination for leg in legs})
    features: list[dict[str, Any]] = []
    unmapped = 0
    for leg in legs:
        start, end = area_point(leg.origin), area_point(leg.destination)
        if start is None or end is None:
            unmapped += leg.cases
            continue
        properties = {
            "origin": names[leg.origin],
            "destination": names[leg.destination],
            "cases": leg.cases,
        }
        if leg.origin == leg.destination:
            geometry: dict[str, Any] = {"type": "Point", "coordinates": list(start)}
        else:
            geometry = {"type": "LineString", "coordinates": [list(start), list(end)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    features.sort(key=lambda f: f["properties"]["cases"])
    return _collection(features, omitted=max(0, total_legs - len(legs)), without_point=unmapped)
