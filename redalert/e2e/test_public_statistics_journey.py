"""Issue 8's journey in a real browser: someone on a phone, with JavaScript off, opens an organisation's public
statistics, reads the yearly table, sees the map drawn without a base map, and its table of states."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from redalert.opendata.tests.conftest import Cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_statistics_on_a_phone_without_javascript(
    live_server: Any, browser: Any, screenshot: Any, cases: Cases, org_a: Any
) -> None:
    year = timezone.localdate().year - 1
    cases.add(org_a, 15, reported=date(year, 2, 10))
    cases.add(org_a, 4, reported=date(year, 3, 1), age=15, place="tlax_city", located=date(year, 5, 1))
    cases.add(org_a, 12, reported=date(year - 1, 5, 1), place="gt", located=date(year, 7, 1))

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="en-US",
        extra_http_headers={"Accept-Language": "en"},
        java_script_enabled=False,
    )
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.goto(f"{live_server.url}/estadisticas/")
    phone.get_by_role("link", name=org_a.name).click()
    phone.get_by_role("heading", name=f"Statistics: {org_a.name}").wait_for()

    summary = phone.get_by_role("table", name="Cases worked and what happened, by year")
    assert summary.locator("tr.total").inner_text().split()[-2:] == ["31", "12"]  # newest first
    assert summary.get_by_role("columnheader", name=str(year)).is_visible()

    chart = phone.locator("svg.choropleth")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 390
    states = phone.get_by_role("table", name=f"Cases worked in {year}, by state where she was last seen")
    assert states.get_by_role("row", name="Querétaro").inner_text().split()[-1] == "15"
    assert "hidden" in states.get_by_role("row", name="Tlaxcala").inner_text()
    screenshot(phone, "public-statistics-phone")

    # The previous year, chosen by a plain link.
    phone.get_by_role("navigation", name="Year").get_by_role("link", name=str(year - 1)).click()
    phone.get_by_role("heading", name=f"{year - 1} in detail").wait_for()
    # Nothing outside this site was asked for: no tile server, no font or script host.
    assert all(url.startswith(live_server.url) for url in requests), requests
    context.close()
