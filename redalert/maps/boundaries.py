"""First-level subdivision boundaries (states, departments, provinces) for the choropleth, and points for areas.

The boundaries are a committed file, `data/admin1.json`, built from Natural Earth by
`manage.py build_admin1_boundaries` (see docs/maps.md): each subdivision, keyed by its ISO 3166-2 code (the
gazetteer's `Place.code`), has a label point inside it, a bounding box and its outline simplified at three levels,
so that a layer for a whole continent stays small and a zoomed-in one stays sharp. Subdivisions without an
outline (outside Latin America, or missing from Natural Earth) are drawn as proportional circles at the centre of
their towns in the gazetteer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Avg

from redalert.places.models import Place, PlaceKind

BOUNDARY_FILE = Path(__file__).resolve().parent / "data" / "admin1.json"


@dataclass(frozen=True)
class Level:
    tolerance: float  # degrees: how far a simplified border may stray from Natural Earth's
    decimals: int  # coordinates are rounded to this many decimals
    min_zoom: int  # the first map zoom that uses this level


LEVELS = {
    "low": Level(tolerance=0.05, decimals=2, min_zoom=0),
    "mid": Level(tolerance=0.02, decimals=3, min_zoom=6),
    "high": Level(tolerance=0.006, decimals=3, min_zoom=8),
}

BBox = tuple[float, float, float, float]  # west, south, east, north


def level_for_zoom(zoom: int) -> str:
    chosen = "low"
    for name, level in LEVELS.items():
        if zoom >= level.min_zoom:
            chosen = name
    return chosen


@lru_cache(maxsize=1)
def boundary_data() -> dict[str, Any]:
    """The boundary file, read once per process (empty if it is missing: every subdivision is then a circle)."""
    try:
        data: dict[str, Any] = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        return {"countries": {}, "subdivisions": {}}


def outline(code: str, level: str) -> list[Any] | None:
    """MultiPolygon coordinates of a subdivision at a level, or None if there is no outline for it."""
    entry = boundary_data()["subdivisions"].get(code)
    return entry[level] if entry else None


def intersects(a: BBox | list[float], b: BBox | None) -> bool:
    if b is None:
        return True
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


def subdivision_bbox(code: str) -> list[float] | None:
    entry = boundary_data()["subdivisions"].get(code)
    return entry["bbox"] if entry else None


@lru_cache(maxsize=4096)
def area_point(code: str) -> tuple[float, float] | None:
    """(longitude, latitude) standing for a subdivision ("MX-QUE") or a country ("MX"), or None if unknown.

    The boundary file's label point where there is one; else the mean of the gazetteer towns inside the area
    (public town centres, never a private place). Cached per process: the gazetteer changes only on reloads.
    """
    data = boundary_data()
    entry = data["subdivisions"].get(code) or data["countries"].get(code)
    if entry:
        return entry["point"][0], entry["point"][1]
    inside = {"subdivision__code": code} if "-" in code else {"country_code": code}
    towns = Place.objects.filter(kind=PlaceKind.LOCALITY, latitude__isnull=False, **inside)
    mean = towns.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if mean["lat"] is None:
        return None
    return round(mean["lon"], 3), round(mean["lat"], 3)
