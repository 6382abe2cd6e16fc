"""The public statistics map, drawn on the server as an SVG choropleth: no JavaScript, no base map, no tile server
(a third-party tile server would learn who looks at which organisation's figures).

It draws every first-level subdivision of the countries concerned from the committed boundary file
(redalert.maps.boundaries), filled by the *published* count of its state: a class of counts for published
figures, a hatch for hidden ones, white for zero (a state with no case is a published zero). States without an
outline in the boundary file are drawn as circles at their label point, sized by the published count. Class
breaks are computed from published numbers only, so the colours say nothing a hidden cell would not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from redalert.maps.boundaries import area_point, boundary_data

WIDTH = 1000  # SVG user units; the drawing scales to the screen
MAX_HEIGHT = 1200
PADDING = 10
CLASSES = 4  # colour classes of published counts
MIN_RADIUS, MAX_RADIUS = 6.0, 28.0

Published = int | None  # None: hidden


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    value: Published
    css_class: str  # "zero", "hidden", "c1" … "c4"
    path: str = ""  # SVG path data of an outline, or
    circle: tuple[float, float, float] | None = None  # (cx, cy, r) where there is no outline


@dataclass(frozen=True)
class LegendClass:
    css_class: str
    low: int
    high: int


@dataclass
class MapDrawing:
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    legend: list[LegendClass] = field(default_factory=list)

    @property
    def outlines(self) -> list[Shape]:
        return [s for s in self.shapes if s.path]

    @property
    def circles(self) -> list[Shape]:
        return [s for s in self.shapes if s.circle]


def class_breaks(values: Iterable[int], k: int) -> list[LegendClass]:
    """Up to CLASSES ranges from k upwards, each holding about as many of the published counts (quantiles of the
    published counts only, so that a skewed map still uses every colour)."""
    shown = sorted({v for v in values if v >= k})
    if not shown:
        return []
    groups = min(CLASSES, len(shown))
    starts = sorted({shown[i * len(shown) // groups] for i in range(groups)})
    ends = [start - 1 for start in starts[1:]] + [shown[-1]]
    return [LegendClass(f"c{i + 1}", low, high) for i, (low, high) in enumerate(zip(starts, ends, strict=True))]


def _class_of(value: Published, classes: Sequence[LegendClass]) -> str:
    if value is None:
        return "hidden"
    if value == 0:
        return "zero"
    return next((c.css_class for c in classes if c.low <= value <= c.high), classes[-1].css_class)


class _Projection:
    """Equirectangular, scaled by the cosine of the middle latitude, fitted into WIDTH × at most MAX_HEIGHT."""

    def __init__(self, west: float, south: float, east: float, north: float) -> None:
        self.west, self.north = west, north
        self.aspect = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.aspect, 1e-6)
        span_y = max(north - south, 1e-6)
        self.scale = min((WIDTH - 2 * PADDING) / span_x, (MAX_HEIGHT - 2 * PADDING) / span_y)
        self.width = WIDTH
        self.height = math.ceil(span_y * self.scale + 2 * PADDING)

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        return (
            round(PADDING + (lon - self.west) * self.aspect * self.scale),
            round(PADDING + (self.north - lat) * self.scale),
        )


def _path(polygons: list[Any], projection: _Projection) -> str:
    """SVG path data of MultiPolygon coordinates, in whole units, without repeated points or degenerate rings."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for lon, lat in ring:
                xy = projection.point(lon, lat)
                if not points or points[-1] != xy:
                    points.append(xy)
            if len(points) >= 3:
                parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
    return "".join(parts)


def draw_map(
    states: Sequence[tuple[str, str, str, Published]], k: int, countries: Iterable[str] = ()
) -> MapDrawing | None:
    """The map of published counts per state: `states` are (ISO 3166-2 code, name, country code, published value);
    every other subdivision of their countries (and of `countries`) is drawn as a zero. None if nothing can be
    drawn (no boundary and no point for any of them)."""
    subdivisions = boundary_data()["subdivisions"]
    values = {code: (name, value) for code, name, _country, value in states}
    wanted_countries = {country for _code, _name, country, _value in states if country} | set(countries)
    outlined = {
        code: entry
        for code, entry in subdivisions.items()
        if entry.get("country") in wanted_countries or code in values
    }
    pointed: dict[str, tuple[float, float]] = {}
    for code, (_name, value) in values.items():
        if code not in outlined and value != 0:
            point = area_point(code)
            if point is not None:
                pointed[code] = point
    if not outlined and not pointed:
        return None
    boxes = [entry["bbox"] for entry in outlined.values()] + [[x, y, x, y] for x, y in pointed.values()]
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    margin = 0.5 if pointed else 0.0  # room for circles at the edge
    projection = _Projection(west - margin, south - margin, east + margin, north + margin)
    classes = class_breaks((v for _n, v in values.values() if v is not None), k)
    drawing = MapDrawing(projection.width, projection.height, legend=classes)
    for code, entry in sorted(outlined.items()):
        name, value = values.get(code, (entry.get("name", code), 0))
        path = _path(entry["low"], projection)
        if path:
            drawing.shapes.append(Shape(code, name, value, _class_of(value, classes), path=path))
    largest = max((v for _n, v in values.values() if v), default=1)
    for code, (lon, lat) in sorted(pointed.items()):
        name, value = values[code]
        share = (value or k) / largest
        radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(min(share, 1.0))
        x, y = projection.point(lon, lat)
        drawing.shapes.append(Shape(code, name, value, _class_of(value, classes), circle=(x, y, round(radius, 1))))
    return drawing
