"""Journey: a caseworker records a workshop on a phone-sized screen and finds it in the yearly summary."""

from __future__ import annotations

from typing import Any

import pytest

from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.prevention.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_record_an_activity_on_a_phone_and_see_it_in_the_summary(
    live_server, phone_page, screenshot, org_a, make_user, places
):
    caseworker = make_user(org_a, "caseworker", username="trabajadora")
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, caseworker, language="en")

    page.goto(f"{base}/prevention/")
    page.get_by_role("link", name="Record an activity").click()
    page.get_by_label("Type of activity").select_option("workshop")
    page.get_by_label("Theme").fill("Detección e identificación de víctimas de trata")
    page.get_by_label("Participants / institution").fill("Sistema DIF de Tlaxcala")
    page.get_by_label("Kind of audience").select_option("government")
    page.get_by_role("combobox", name="Place").fill("tlaxcala")
    page.get_by_role("option", name="Tlaxcala, Mexico").first.click()
    page.get_by_label("Direct", exact=True).check()
    page.get_by_label("Participants / people reached").fill("35")
    page.get_by_label("Women", exact=True).fill("20")
    page.get_by_label("Men", exact=True).fill("15")
    page.get_by_label("Other or sex not known").fill("0")
    assert fits_the_screen(page)
    screenshot(page, "prevention-record-phone")
    page.get_by_role("button", name="Record the activity").click()

    page.get_by_text("Activity recorded.").wait_for()
    saved = Activity.objects.get()
    assert saved.place == places["tlax"] and saved.recorded_by == caseworker
    assert (saved.participants, saved.women, saved.men, saved.sex_other, saved.children) == (35, 20, 15, 0, None)
    assert page.get_by_text("Detección e identificación de víctimas de trata").count() == 1

    page.get_by_role("link", name="Yearly summary").click()
    table = page.locator("table.prevention-summary")
    people = table.get_by_role("row", name="People reached")
    assert people.locator("td").all_inner_texts() == ["35", "0", "35"]
    women = table.get_by_role("row", name="Women")
    assert women.locator("td").all_inner_texts() == ["20", "Not recorded", "20"]
    age = table.get_by_role("row", name="Age not recorded")
    assert age.locator("td").all_inner_texts() == ["35", "0", "35"]
    assert fits_the_screen(page)
    screenshot(page, "prevention-summary-phone")
