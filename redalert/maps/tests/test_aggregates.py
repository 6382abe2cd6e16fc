"""Counting functions meant for reuse (the public statistics page), small-cell suppression, simplification and
the committed boundary file."""

from __future__ import annotations

import pycountry

from redalert.maps.aggregates import counts_by_place, counts_by_subdivision
from redalert.maps.boundaries import BOUNDARY_FILE, LEVELS, boundary_data, level_for_zoom
from redalert.maps.filters import MapFilters
from redalert.maps.models import CaseMapFact
from redalert.maps.simplify import TopologySimplifier, douglas_peucker
from redalert.testing import follow_changes


def test_counts_by_subdivision_is_independent_of_any_view(make_case, org_a, coordinator, places):
    make_case(org_a, coordinator)
    make_case(org_a, coordinator, last_seen_place=places["qro"])
    make_case(org_a, coordinator, last_seen_place=places["gt"], sex="unknown")
    follow_changes()
    counts = counts_by_subdivision(CaseMapFact.objects.all())
    assert [(a.code, a.cases) for a in counts.areas] == [("MX-QUE", 2)]
    assert counts.unknown_by_country == {"GT": 1}
    assert counts.total == 3
    narrowed = counts_by_subdivision(MapFilters(sex="unknown").apply(CaseMapFact.objects.all()))
    assert narrowed.areas == [] and narrowed.total == 1
    assert counts_by_subdivision(counts_by_place(CaseMapFact.objects.all())) == counts


def test_douglas_peucker_keeps_the_ends_and_the_corners():
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0)]
    assert douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]


def test_neighbours_still_share_their_border_after_simplification():
    border = [(1.0, y / 10 + (0.01 if y % 2 else 0.0)) for y in range(0, 11)]  # a wiggly line x≈1
    west = [[[(0.0, 0.0), *border, (0.0, 1.0), (0.0, 0.0)]]]
    east = [[[(2.0, 0.0), (2.0, 1.0), *reversed(border), (2.0, 0.0)]]]
    simplified = TopologySimplifier({"W": west, "E": east}).simplify(0.05, 3)
    west_border = {p for p in simplified["W"][0][0] if p[0] != 0.0}
    east_border = {p for p in simplified["E"][0][0] if p[0] != 2.0}
    assert west_border == east_border
    assert len(west_border) < len(border)


def test_the_boundary_file_covers_the_gazetteer_codes():
    data = boundary_data()
    assert BOUNDARY_FILE.stat().st_size < 2_200_000
    subdivisions = data["subdivisions"]
    assert {"MX-QUE", "MX-TLA", "MX-CMX", "GT-13", "BR-SP", "DO-40"} <= set(subdivisions)
    for code, entry in subdivisions.items():
        assert pycountry.subdivisions.get(code=code) is not None, code
        assert set(LEVELS) <= set(entry)
        west, south, east, north = entry["bbox"]
        lon, lat = entry["point"]
        assert west - 1 <= lon <= east + 1 and south - 1 <= lat <= north + 1, code
    assert level_for_zoom(3) == "low" and level_for_zoom(6) == "mid" and level_for_zoom(10) == "high"
