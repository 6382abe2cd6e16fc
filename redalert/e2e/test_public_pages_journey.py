"""The public pages in a real browser on a phone: the list in Spanish, a filter without JavaScript, the case page
with its share tags, nothing wider than the screen."""

from __future__ import annotations

import pytest

from redalert.public.models import PublicText
from redalert.testing import make_public as publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_id_of(case) -> str:
    return case.publication.public_id


def test_phone_screens_of_the_list_and_the_case_page(
    live_server, phone_page, screenshot, make_case, org_a, coordinator, photo_of_case, places
):
    PublicText.objects.create(
        organisation=org_a, language="es", contact_line="Escríbenos: contacto@example.org", hotline="800 123 4567"
    )
    first = make_case(
        org_a, coordinator, clothing="Uniforme escolar azul, tenis blancos.", physical_description="Cabello largo."
    )
    publish(first, coordinator, photo=photo_of_case(first), public_summary="Ayúdanos a encontrarla.")
    second = make_case(
        org_a, coordinator, given_names="Ana Lucía", first_surname="Núñez", last_seen_place=places["tlax_city"]
    )
    publish(second, coordinator)
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="María Fernanda López Hernández").wait_for()
    screenshot(page, "public-list-es-phone")
    # Filters work without JavaScript: a plain GET form.
    page.locator("summary").click()
    page.locator("#id_q").fill("Maria Lopez")
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**/?q=Maria+Lopez*")
    assert page.locator(".card").count() == 1
    page.get_by_role("link", name="María Fernanda López Hernández").click()
    page.wait_for_url(f"**/se-busca/{public_id_of(first)}/")
    assert page.locator("meta[property='og:title']").get_attribute("content").endswith("María Fernanda López Hernández")
    screenshot(page, "public-case-es-phone")
    # Nothing overflows the narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
