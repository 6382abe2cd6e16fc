"""The GeoJSON layers: valid FeatureCollections of counts, filtered, bounded in resolution and size."""

from __future__ import annotations

import json
from datetime import date

import h3.api.basic_int as h3
import pytest
from django.test import override_settings
from django.urls import reverse

from redalert.maps import layers
from redalert.maps.aggregates import CellCounts, Flow, SubdivisionCounts
from redalert.maps.boundaries import boundary_data
from redalert.maps.tests.conftest import geojson

# Keys a feature may carry: counts and public names, never a case id, a name of a person or a private place.
ALLOWED_PROPERTIES = {"code", "name", "cases", "url", "origin", "destination"}


def by_code(data):
    return {f["properties"]["code"]: f for f in data["features"]}


@pytest.fixture
def three_cases(make_case, org_a, coordinator, places, exploitation, route):
    """Querétaro: a girl (2026, sexual exploitation, route to Tlaxcala) and a woman (2025); Tlaxcala: a man."""
    girl = make_case(org_a, coordinator)
    exploitation(girl, coordinator, "SexualExploitation")
    route(girl, coordinator, "Exploitation", "tlax_city")
    make_case(org_a, coordinator, birth_date=date(1990, 1, 1), last_seen_on=date(2025, 6, 1))
    make_case(org_a, coordinator, sex="male", given_names="Juan", last_seen_place=places["tlax_city"])
    return girl


def test_subdivisions_layer_counts_cases_per_state(client_for, coordinator, three_cases):
    data = geojson(client_for(coordinator), "subdivisions")
    states = by_code(data)
    assert states["MX-QUE"]["properties"]["cases"] == 2
    assert states["MX-TLA"]["properties"]["cases"] == 1
    assert states["MX-QUE"]["geometry"]["type"] == "MultiPolygon"  # an outline: a choropleth
    assert states["MX-JAL"]["properties"]["cases"] == 0  # every state of Mexico, zero shown as zero
    assert "GT-01" not in states  # no case in Guatemala: its states are not sent
    assert data["total"] == 3
    assert data["state_not_known"] == 0
    for feature in data["features"]:
        assert set(feature["properties"]) <= ALLOWED_PROPERTIES


def test_filters_narrow_every_layer(client_for, coordinator, three_cases):
    client = client_for(coordinator)
    states = by_code(geojson(client, "subdivisions", year_from=2026, year_to=2026, sex="female"))
    assert states["MX-QUE"]["properties"]["cases"] == 1
    assert states["MX-TLA"]["properties"]["cases"] == 0
    assert by_code(geojson(client, "subdivisions", age_group="minor"))["MX-QUE"]["properties"]["cases"] == 1
    assert by_code(geojson(client, "subdivisions", age_group="30-38"))["MX-QUE"]["properties"]["cases"] == 1
    exploited = by_code(geojson(client, "subdivisions", exploitation="SexualExploitation"))
    assert exploited["MX-QUE"]["properties"]["cases"] == 1
    assert exploited["MX-TLA"]["properties"]["cases"] == 0
    not_recorded = by_code(geojson(client, "subdivisions", exploitation="not_recorded"))
    assert not_recorded["MX-QUE"]["properties"]["cases"] == 1
    assert not_recorded["MX-TLA"]["properties"]["cases"] == 1
    cells = geojson(client, "hexagons", zoom=10, sex="male")
    assert [f["properties"]["cases"] for f in cells["features"]] == [1]
    assert geojson(client, "routes", year_from=2025, year_to=2025)["features"] == []


def test_hexagons_count_cases_in_the_cells_of_their_towns(client_for, coordinator, three_cases, places):
    data = geojson(client_for(coordinator), "hexagons", zoom=10)
    assert data["resolution"] == 7
    assert sorted(f["properties"]["cases"] for f in data["features"]) == [1, 2]
    town = places["qro_city"]
    qro = max(data["features"], key=lambda f: f["properties"]["cases"])
    ring = qro["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7  # a hexagon
    expected = h3.cell_to_boundary(h3.latlng_to_cell(town.latitude, town.longitude, 7))
    assert [round(lng, 4) for _lat, lng in expected] == [lng for lng, _lat in ring[:-1]]
    for feature in data["features"]:
        assert set(feature["properties"]) == {"cases"}


@override_settings(MAP_H3_MAX_RESOLUTION=5)
def test_the_h3_resolution_never_goes_past_the_setting(client_for, coordinator, three_cases):
    data = geojson(client_for(coordinator), "hexagons", zoom=18)
    assert data["resolution"] == 5
    assert all(h3.get_resolution(h3.latlng_to_cell(f["geometry"]["coordinates"][0][0][1],
                                                    f["geometry"]["coordinates"][0][0][0], 5)) == 5
               for f in data["features"])  # fmt: skip


@override_settings(MAP_H3_MAX_RESOLUTION=12)
def test_the_h3_resolution_is_never_finer_than_seven(client_for, coordinator, three_cases):
    assert geojson(client_for(coordinator), "hexagons", zoom=18)["resolution"] == 7


def test_coarse_zooms_use_coarse_cells(client_for, coordinator, three_cases):
    assert geojson(client_for(coordinator), "hexagons", zoom=3)["resolution"] == 2
    assert geojson(client_for(coordinator), "hexagons", zoom=6)["resolution"] == 4


def test_cases_without_a_town_are_counted_apart(client_for, coordinator, make_case, org_a, places):
    make_case(org_a, coordinator, last_seen_place=places["tlax"])
    make_case(org_a, coordinator, last_seen_place=places["gt"])
    client = client_for(coordinator)
    cells = geojson(client, "hexagons", zoom=8)
    assert cells["features"] == [] and cells["without_point"] == 2 and cells["total"] == 2
    states = geojson(client, "subdivisions")
    assert states["state_not_known"] == 1
    assert by_code(states)["MX-TLA"]["properties"]["cases"] == 1


def test_the_box_keeps_only_what_is_in_view(client_for, coordinator, three_cases):
    client = client_for(coordinator)
    # A box around Tlaxcala only (Querétaro's city is at -100.39).
    box = "-98.8,19.0,-97.6,19.8"
    cells = geojson(client, "hexagons", zoom=10, bbox=box)
    assert [f["properties"]["cases"] for f in cells["features"]] == [1]
    states = by_code(geojson(client, "subdivisions", zoom=9, bbox=box))
    assert "MX-TLA" in states and "MX-BCN" not in states


def test_routes_are_lines_from_origin_to_exploitation(client_for, coordinator, three_cases):
    data = geojson(client_for(coordinator), "routes")
    [flow] = data["features"]
    assert flow["geometry"]["type"] == "LineString"
    assert flow["properties"] == {"origin": "Querétaro", "destination": "Tlaxcala", "cases": 1}
    start, end = flow["geometry"]["coordinates"]
    points = boundary_data()["subdivisions"]
    assert start == points["MX-QUE"]["point"] and end == points["MX-TLA"]["point"]


def test_a_flow_within_one_state_is_a_point(client_for, coordinator, make_case, org_a, route):
    case = make_case(org_a, coordinator)
    route(case, coordinator, "Exploitation", "qro")
    [flow] = geojson(client_for(coordinator), "routes")["features"]
    assert flow["geometry"]["type"] == "Point"
    assert flow["properties"]["origin"] == flow["properties"]["destination"] == "Querétaro"


@pytest.mark.parametrize(
    "params",
    [{"zoom": "far"}, {"bbox": "1,2,3"}, {"bbox": "0,95,1,96"}, {"year_from": "1800"}, {"sex": "other"},
     {"year_from": "2026", "year_to": "2025"}],
)  # fmt: skip
def test_bad_parameters_get_a_clear_400(client_for, coordinator, three_cases, params):
    response = client_for(coordinator).get(reverse("maps:hexagons"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert json.loads(response.content)["error"]


def test_a_whole_continent_of_states_stays_small():
    """Every state of every country in the boundary file at once, at any zoom, within the size limit."""
    outlines = boundary_data()["subdivisions"]
    counts = SubdivisionCounts(unknown_by_country={code[:2]: 1 for code in outlines})
    for zoom, bbox in ((3, None), (12, None), (6, (-120.0, -56.0, -30.0, 33.0)), (12, (-120.0, -56.0, -30.0, 33.0))):
        size = len(json.dumps(layers.subdivision_layer(counts, zoom, bbox), separators=(",", ":")))
        assert size <= 500_000, (zoom, bbox, size)


def test_hexagons_are_capped_in_number():
    cells = {h3.latlng_to_cell(15 + i / 20, -99 + j / 20, 7): i * 60 + j for i in range(60) for j in range(60)}
    assert len(cells) == 3600
    data = layers.hexagon_layer(CellCounts(7, cells, 0), None)
    assert len(data["features"]) == layers.MAX_CELLS
    assert data["omitted"] == len(cells) - layers.MAX_CELLS
    assert min(f["properties"]["cases"] for f in data["features"]) == 3600 - layers.MAX_CELLS  # the largest kept
    assert len(json.dumps(data, separators=(",", ":"))) <= 500_000


def test_unknown_areas_are_counted_not_drawn(db):
    data = layers.routes_layer([Flow("ZZ-XX", "MX-QUE", 4)], 1)
    assert data["features"] == [] and data["without_point"] == 4
