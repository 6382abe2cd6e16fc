"""The maps page: a GET form of filters, and the figures as tables (what a reader without JavaScript gets)."""

from __future__ import annotations

import json
from datetime import date

from django.test import override_settings
from django.urls import reverse


def table(page: str, name: str) -> str:
    start = page.index(f'data-table="{name}"')
    return page[start : page.index("</table>", start)]


def test_the_page_shows_the_figures_as_tables(client_for, coordinator, make_case, org_a, places, route):
    case = make_case(org_a, coordinator)
    route(case, coordinator, "Exploitation", "tlax_city")
    make_case(org_a, coordinator, last_seen_place=places["mx"])
    response = client_for(coordinator).get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    states = table(page, "subdivisions")
    assert "Querétaro" in states and "State not known" in states and "Mexico" in states
    assert f'href="/cases/?place_1={places["qro"].pk}"' in states  # drill-down for case workers
    assert "Santiago de Querétaro" in table(page, "towns")
    routes = table(page, "routes")
    assert "Querétaro" in routes and "Tlaxcala" in routes
    assert "2 cases match these filters." in page
    assert "The state of 1 of them is not known." in page
    config = json.loads(page.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["layers"]["hexagons"] == reverse("maps:hexagons") + "?"
    assert "vendor/leaflet/leaflet.js" in page and "maps/maps.js" in page


def test_the_filters_change_the_tables_and_the_layer_urls(client_for, coordinator, make_case, org_a, places):
    make_case(org_a, coordinator)
    make_case(org_a, coordinator, sex="male", given_names="Juan", last_seen_place=places["tlax_city"])
    page = (
        client_for(coordinator)
        .get(reverse("maps:index"), {"sex": "male", "year_from": "2026"}, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    states = table(page, "subdivisions")
    assert "Tlaxcala" in states and "Querétaro" not in states
    assert "1 case matches these filters." in page
    assert "year_from=2026&amp;sex=male" in page or "year_from=2026\\u0026sex=male" in page


def test_invalid_filters_are_explained(client_for, coordinator, make_case, org_a):
    make_case(org_a, coordinator, last_seen_on=date(2024, 1, 1))
    response = client_for(coordinator).get(
        reverse("maps:index"), {"year_from": "2026", "year_to": "2024"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


@override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_the_base_map_comes_from_the_setting(client_for, analyst, make_case, org_a, coordinator):
    make_case(org_a, coordinator)
    page = client_for(analyst).get(reverse("maps:index")).content.decode()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in page


@override_settings(MAP_TILE_URL="")
def test_without_a_base_map_the_page_says_so(client_for, analyst, make_case, org_a, coordinator):
    make_case(org_a, coordinator)
    page = client_for(analyst).get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No base map is configured" in page
    assert 'href="/cases/?place_1' not in page  # analysts: no drill-down


def test_coalition_analysts_can_choose_the_scope(client_for, analyst, coordinator):
    page = client_for(analyst).get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="scope"' in page and "Coalition (with consent)" in page
    page = client_for(coordinator).get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Coalition (with consent)" not in page
