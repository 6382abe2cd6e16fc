"""The maps page (filters, Leaflet map, and the same figures as tables) and its three GeoJSON layers.

Who sees what is decided in redalert.maps.permissions; what is counted in redalert.maps.aggregates; the GeoJSON in
redalert.maps.layers. Every page and layer request is audited (what was asked for, never a case).

The counts of a filter set are computed once and cached under the version of the map rows (MapState.version,
which every change of them increments), so that panning, zooming and switching layers reuse them, and no process
ever serves counts older than the rows.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.replica import reading_from_replica
from redalert.maps import aggregates, layers
from redalert.maps.facts import sync
from redalert.maps.filters import MapFilters
from redalert.maps.forms import LayerViewForm, MapFilterForm
from redalert.maps.permissions import (
    Scope,
    facts_in_scope,
    may_drill_down,
    routes_in_scope,
    scope_for,
    scope_key,
    scopes_for,
)

GEOJSON = "application/geo+json"
TABLE_ROWS = 30
DEFAULT_TILE_URL = ""
CACHE_SECONDS = 600


def tile_url() -> str:
    """The base map's tile URL template (setting MAP_TILE_URL); empty: no base map, the layers alone."""
    return str(getattr(settings, "MAP_TILE_URL", DEFAULT_TILE_URL) or "")


def max_h3_resolution() -> int:
    """The finest H3 resolution a layer may show (setting MAP_H3_MAX_RESOLUTION, never finer than 7)."""
    return aggregates.clamp_resolution(int(getattr(settings, "MAP_H3_MAX_RESOLUTION", 7)), 7)


class Counts:
    """The counts of one user, scope and filter set, computed at most once per version of the map rows."""

    def __init__(self, user: User, scope: Scope, filters: MapFilters) -> None:
        self.user, self.scope, self.filters = user, scope, filters
        version = sync().version
        self.key = f"maps:{version}:{scope_key(user, scope)}:{filters.query_string()}"

    def places(self) -> aggregates.PlaceCounts:
        key = f"{self.key}:places"
        counts: aggregates.PlaceCounts | None = cache.get(key)
        if counts is None:
            with reading_from_replica():  # fresh: the replica has replayed at least the version in the key
                counts = aggregates.counts_by_place(self.filters.apply(facts_in_scope(self.user, self.scope)))
            cache.set(key, counts, CACHE_SECONDS)
        return counts

    def flows(self) -> tuple[list[aggregates.Flow], int]:
        key = f"{self.key}:flows"
        result: tuple[list[aggregates.Flow], int] | None = cache.get(key)
        if result is None:
            with reading_from_replica():
                routes = self.filters.apply(routes_in_scope(self.user, self.scope))
                result = aggregates.flows(routes, limit=layers.MAX_FLOWS)
            cache.set(key, result, CACHE_SECONDS)
        return result


def _years(user: User, scope: Scope) -> list[int]:
    """The years offered in the filters: from the first year with a case in the scope to this year."""
    with reading_from_replica():
        bounds = facts_in_scope(user, scope).aggregate(first=Min("year"), last=Max("year"))  # covering indexes
    this_year = date.today().year
    first = bounds["first"] or this_year
    last = max(bounds["last"] or this_year, this_year)
    return list(range(first, last + 1))


def _drill_link(filters: MapFilters) -> Any:
    """The case search for a state and the period shown (the other filters are not applied there)."""
    base = reverse("cases:list")

    def link(place_id: int) -> str:
        query: dict[str, Any] = {"place_1": place_id}
        if filters.year_from is not None:
            query["seen_from"] = f"{filters.year_from}-01-01"
        if filters.year_to is not None:
            query["seen_to"] = f"{filters.year_to}-12-31"
        return f"{base}?{urlencode(query)}"

    return link


def _audit(request: HttpRequest, user: User, what: str, scope: Scope, filters: MapFilters) -> None:
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={"map": what, "scope": scope.value, "filters": filters.query_string()},
    )


def _labels() -> dict[str, str]:
    return {
        "subdivisions": _("Disappearances by state"),
        "hexagons": _("Places last seen"),
        "routes": _("Trafficking routes"),
        "oneCase": _("1 case"),
        "manyCases": _("%(n)s cases"),
        "legendCases": _("Cases"),
        "zero": _("No cases"),
        "noBoundary": _("State without an outline (circle)"),
        "within": _("Within one state"),
        "open": _("Open the cases"),
        "omitted": _("Not drawn (zoom in): %(n)s"),
        "loadError": _("The map layer could not be loaded."),
    }


def index(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    scope = scope_for(user, request.GET.get("scope"))
    sync()  # the map rows catch up with the changes announced since (the years offered come from them)
    form = MapFilterForm(request.GET or None, years=_years(user, scope), scopes=scopes_for(user))
    context: dict[str, Any] = {"form": form, "scope": scope.value}
    if form.is_bound and not form.is_valid():
        return render(request, "maps/index.html", context, status=400)
    filters = form.filters()
    counts = Counts(user, scope, filters)
    places = counts.places()
    by_state = aggregates.counts_by_subdivision(places)
    legs, _pairs = counts.flows()
    legs = legs[:TABLE_ROWS]
    names = aggregates.area_names(
        {code for leg in legs for code in (leg.origin, leg.destination)} | set(by_state.unknown_by_country)
    )
    link = _drill_link(filters) if may_drill_down(user, scope) else None
    parts = [filters.query_string(), "" if scope == Scope.ORGANISATION else f"scope={scope.value}"]
    query = "&".join(part for part in parts if part)
    context.update(
        {
            "counts": by_state,
            "area_rows": [(area, link(area.place_id) if link else "") for area in by_state.areas],
            "unknown_rows": sorted(
                ((names[code], n) for code, n in by_state.unknown_by_country.items()), key=lambda row: -row[1]
            ),
            "towns": aggregates.counts_by_town(places, limit=TABLE_ROWS),
            "legs": [(names[leg.origin], names[leg.destination], leg.cases) for leg in legs],
            "map_config": {
                "tiles": tile_url(),
                "layers": {
                    name: f"{reverse(f'maps:{name}')}?{query}" for name in ("subdivisions", "hexagons", "routes")
                },
                "labels": _labels(),
            },
            "drill_down": link is not None,
        }
    )
    _audit(request, user, "page", scope, filters)
    return render(request, "maps/index.html", context)


def _layer_input(request: HttpRequest) -> tuple[User, Scope, MapFilters, int, Any] | JsonResponse:
    """The user, scope, filters, zoom and box of a layer request, or a 400 saying what is wrong."""
    user: User = request.user  # type: ignore[assignment]
    scope = scope_for(user, request.GET.get("scope"))
    form = MapFilterForm(request.GET, scopes=scopes_for(user))
    view = LayerViewForm(request.GET)
    if not form.is_valid() or not view.is_valid():
        errors = {**form.errors, **view.errors}
        message = " ".join(str(e) for field_errors in errors.values() for e in field_errors)
        return JsonResponse({"error": message}, status=400)
    zoom = view.cleaned_data["zoom"]
    return user, scope, form.filters(), 4 if zoom is None else zoom, view.cleaned_data["bbox"]


def _geojson(data: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, separators=(",", ":")), content_type=GEOJSON)


def subdivisions(request: HttpRequest) -> HttpResponse:
    parsed = _layer_input(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    user, scope, filters, zoom, bbox = parsed
    by_state = aggregates.counts_by_subdivision(Counts(user, scope, filters).places())
    link = _drill_link(filters) if may_drill_down(user, scope) else None
    _audit(request, user, "subdivisions", scope, filters)
    return _geojson(layers.subdivision_layer(by_state, zoom, bbox, link))


def hexagons(request: HttpRequest) -> HttpResponse:
    parsed = _layer_input(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    user, scope, filters, zoom, bbox = parsed
    resolution = aggregates.clamp_resolution(layers.resolution_for_zoom(zoom), max_h3_resolution())
    cells = aggregates.counts_by_cell(Counts(user, scope, filters).places(), resolution)
    _audit(request, user, "hexagons", scope, filters)
    return _geojson(layers.hexagon_layer(cells, bbox))


def routes(request: HttpRequest) -> HttpResponse:
    parsed = _layer_input(request)
    if isinstance(parsed, JsonResponse):
        return parsed
    user, scope, filters, _zoom, _bbox = parsed
    legs, pairs = Counts(user, scope, filters).flows()
    _audit(request, user, "routes", scope, filters)
    return _geojson(layers.routes_layer(legs, pairs))
