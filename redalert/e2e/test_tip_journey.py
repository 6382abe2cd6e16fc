"""The public tip form in a real browser on a phone: the place picker asks the public endpoint, tapping the map
fills the coordinates (no tiles load here: there is no internet), and the tip is stored before the thanks page."""

from __future__ import annotations

import pytest

from redalert.tips.models import Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tipster_sends_a_tip_from_a_phone(live_server, phone_page, screenshot, public_id, places, settings):
    settings.PUBLIC_MAP_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"  # a tile server is configured (none answers)
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/se-busca/{public_id}/pista/")

    page.locator("#id_place_0").press_sequentially("quere", delay=30)
    option = page.get_by_role("option").filter(has_text="Santiago de Querétaro").first
    option.click()
    assert page.locator("#id_place_1").input_value() == str(places["qro_city"].pk)

    map_box = page.locator("[data-point-picker]")
    assert map_box.is_visible()
    map_box.click(position={"x": 120, "y": 100})
    assert page.locator("#id_latitude").input_value() != ""
    assert page.locator("#id_longitude").input_value() != ""

    page.locator("#id_description").fill("La vi en la central de autobuses con dos hombres.")
    screenshot(page, "tips-form-phone")
    page.locator("form.tip-form button[type=submit]").click()
    page.wait_for_url(f"**/se-busca/{public_id}/pista/gracias/")
    tip = Tip.objects.get()
    assert tip.code in page.locator("[data-tip-code]").inner_text()
    assert tip.place == places["qro_city"]
    assert tip.has_point
    screenshot(page, "tips-thanks-phone")
    assert errors == []
