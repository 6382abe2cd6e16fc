"""What the maps need to know about a gazetteer place: its area (state, else country), its state, and the H3
cells of its public coordinates (towns only). Read once per process and remembered: the counts are grouped by
place in the database, and everything else is looked up here.

The gazetteer changes only when `load_places` reloads it: restart the application after it, as after any deploy
(or call `forget()`; the test suite does before each test, since ids can be reused after a rollback).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import h3.api.basic_int as h3

from redalert.maps.boundaries import area_point
from redalert.places.models import Place, PlaceKind

H3_RESOLUTIONS = (2, 3, 4, 5, 6, 7)  # every resolution a map may show; never finer than 7 (about 5 km²)
FINEST_RESOLUTION = H3_RESOLUTIONS[-1]


@dataclass(frozen=True)
class PlaceInfo:
    pk: int
    kind: str
    country_code: str
    subdivision_id: int | None  # the place itself if it is a state, else the town's state (None if not known)
    area: str  # the state's ISO code where known, else the country's
    cells: dict[int, int] | None  # H3 resolution → cell of a town's public centre; None for states and countries


_known: dict[int, PlaceInfo] = {}
_states: dict[int, tuple[str, str, str]] = {}  # state id → (ISO code, name, country)


def _info(row: tuple[Any, ...]) -> PlaceInfo:
    pk, kind, code, country_code, subdivision_id, subdivision_code, latitude, longitude = row
    if kind == PlaceKind.SUBDIVISION:
        state_id: int | None = pk
        area = code
    else:
        state_id = subdivision_id if kind == PlaceKind.LOCALITY else None
        area = subdivision_code if state_id and subdivision_code else country_code
    cells = None
    if kind == PlaceKind.LOCALITY and latitude is not None and longitude is not None:
        finest = h3.latlng_to_cell(latitude, longitude, FINEST_RESOLUTION)
        cells = {resolution: h3.cell_to_parent(finest, resolution) for resolution in H3_RESOLUTIONS}
    return PlaceInfo(pk, kind, country_code, state_id, area, cells)


def place_info(ids: Iterable[int]) -> dict[int, PlaceInfo]:
    """The PlaceInfo of each of these place ids that exists."""
    wanted = set(ids)
    missing = [pk for pk in wanted if pk not in _known]
    for start in range(0, len(missing), 5000):
        rows = Place.objects.filter(pk__in=missing[start : start + 5000]).values_list(
            "pk", "kind", "code", "country_code", "subdivision_id", "subdivision__code", "latitude", "longitude"
        )
        for row in rows:
            _known[row[0]] = _info(row)
    return {pk: _known[pk] for pk in wanted if pk in _known}


def states(ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """(ISO code, name, country) of each of these state ids."""
    wanted = set(ids)
    missing = [pk for pk in wanted if pk not in _states]
    if missing:
        for pk, code, name, country in Place.objects.filter(pk__in=missing).values_list(
            "pk", "code", "name", "country_code"
        ):
            _states[pk] = (code, name, country)
    return {pk: _states[pk] for pk in wanted if pk in _states}


def forget() -> None:
    """Forget what was read about places (after the gazetteer changed)."""
    _known.clear()
    _states.clear()
    area_point.cache_clear()
