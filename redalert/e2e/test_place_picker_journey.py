"""The picker's script in headless Chromium: type, see suggestions, pick with the keyboard or the mouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from redalert.places.forms import PlaceField

pytestmark = pytest.mark.browser

SCRIPT = Path(settings.BASE_DIR) / "redalert" / "static" / "js" / "place-picker.js"


class TripForm(forms.Form):
    place = PlaceField(label="Lugar")


@pytest.fixture
def page(browser: Any, live_server: Any, client_for: Any, make_user: Any, org_a: Any) -> Iterator[Any]:
    session = client_for(make_user(org_a, "coordinator")).cookies[settings.SESSION_COOKIE_NAME].value
    # The harness writes its own page and injects the picker's script into it, which the site's
    # Content-Security-Policy rightly forbids; the real pages load it as a file (the other journeys run under the CSP).
    context = browser.new_context(locale="es-MX", bypass_csp=True)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    # A page of the live server's origin (the search endpoint), replaced by a form with the picker.
    page.goto(f"{live_server.url}/places/search/?q=")
    with translation.override("es"):
        form_html = TripForm().as_div()
    page.set_content(f'<html lang="es"><body><form id="f">{form_html}<button>Go</button></form></body></html>')
    page.add_script_tag(path=str(SCRIPT))
    yield page
    context.close()


def test_pick_with_the_keyboard(page, places):
    box = page.get_by_role("combobox", name="Lugar")
    box.fill("queretaro")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.all_inner_texts() == ["Querétaro, México", "Santiago de Querétaro, Querétaro, México"]
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "id_place_0_listbox-1"
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == "Santiago de Querétaro, Querétaro, México"
    assert page.locator("input[name=place_1]").input_value() == str(places["qro_city"].pk)
    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox").is_hidden()
    # Typing again forgets the pick: the server will resolve the new text.
    box.press("Backspace")
    assert page.locator("input[name=place_1]").input_value() == ""


def test_pick_with_the_mouse(page, places):
    box = page.get_by_role("combobox", name="Lugar")
    box.fill("tlax")
    page.get_by_role("option", name="Tlaxcala de Xicohténcatl").click()
    assert page.locator("input[name=place_1]").input_value() == str(places["tlax_city"].pk)
    assert box.input_value() == "Tlaxcala de Xicohténcatl, Tlaxcala, México"


def test_short_or_unknown_text_shows_no_list(page, places):
    box = page.get_by_role("combobox", name="Lugar")
    box.fill("q")
    page.wait_for_timeout(400)
    assert page.get_by_role("listbox").is_hidden()
    box.fill("atlantis")
    page.wait_for_function("document.querySelector('[data-place-status]').textContent.length > 0")
    assert page.get_by_role("listbox").is_hidden()
    box.press("Escape")
