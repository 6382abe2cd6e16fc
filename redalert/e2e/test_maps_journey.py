"""The maps page in a real browser on a phone-sized screen, offline (no base map): the layers draw from the
app's own GeoJSON, a filter changes both the map and the tables."""

from __future__ import annotations

from datetime import date

import pytest

from redalert.e2e.sign_in import sign_in_with_a_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_the_maps_on_a_phone(
    live_server, phone_page, screenshot, settings, org_a, coordinator, make_case, places, route
):
    settings.MAP_TILE_URL = ""  # offline: the layers must draw without a base map
    girl = make_case(org_a, coordinator)
    route(girl, coordinator, "Exploitation", "tlax_city")
    make_case(org_a, coordinator, birth_date=date(1999, 2, 2))
    make_case(org_a, coordinator, sex="male", given_names="Juan", last_seen_place=places["tlax_city"])
    page = phone_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator, language="en")

    page.goto(f"{base}/maps/")
    map_element = page.locator("#map")
    map_element.wait_for(state="visible")
    # Waits by attribute selectors, not by evaluated JavaScript: the pages' Content-Security-Policy forbids eval.
    loaded = "#map[data-fitted='1'][data-statesubdivisions='loaded']"
    page.locator(loaded).wait_for()
    assert page.locator(".leaflet-overlay-pane path").count() >= 10  # every state of Mexico
    assert page.locator(".map-legend li").last.inner_text().strip() == "2"  # Querétaro: the darkest class
    assert page.locator("[data-table=subdivisions] tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "maps-phone")

    # The hexagons of the towns, from the layer control.
    page.locator(".leaflet-control-layers-overlays label", has_text="Places last seen").locator("input").check()
    page.locator("#map[data-statehexagons='loaded']").wait_for()
    assert map_element.get_attribute("data-featureshexagons") == "2"

    # A filter: men only. The table and the layer follow.
    page.locator("#id_sex").select_option("male")
    page.locator("form.map-filters button[type=submit]").click()
    page.wait_for_url("**/maps/?**sex=male**")
    page.locator(loaded).wait_for()
    rows = page.locator("[data-table=subdivisions] tbody tr")
    assert rows.count() == 1 and "Tlaxcala" in rows.inner_text()
    assert page.locator("[data-map-total]").get_attribute("data-map-total") == "1"
    page.locator(".leaflet-control-layers-overlays label", has_text="Trafficking routes").locator("input").check()
    page.locator("#map[data-stateroutes='loaded']").wait_for()
    assert map_element.get_attribute("data-featuresroutes") == "0"  # the route was the girl's
    screenshot(page, "maps-phone-filtered")

    # Nothing was fetched from outside the app: no tiles, no CDN.
    assert all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]
