"""The yearly report in a real browser on a phone: a coordinator opens the report, switches the year, opens the
cases behind a count and downloads the PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.e2e.sign_in import sign_in_through_the_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_the_report_switch_year_and_download_the_pdf(
    live_server, browser, screenshot, build, coordinator, tmp_path
):
    found = build.case(date(2013, 5, 2), sex="female")
    build.locate(found, date(2014, 3, 1))
    missing = build.case(date(2014, 11, 30), sex="unknown")
    build.search(missing)
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": "en"}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in_through_the_pages(page, live_server.url, coordinator.username, device, language="en")

    page.goto(f"{live_server.url}/statistics/")
    page.get_by_label("Year").fill("2014")
    page.get_by_role("button", name="Show the report").click()
    page.get_by_role("heading", name="Yearly report 2014: Red de Búsqueda A").wait_for()
    worked = page.locator("#t-worked tr.row-total td").first
    assert worked.inner_text().startswith("2")
    screenshot(page, "statistics-report-2014-en-phone")

    page.locator("#report-year").select_option("2015")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("heading", name="Yearly report 2015: Red de Búsqueda A").wait_for()
    assert "Carried over from 2014" in page.content()

    # The count of carried-over cases opens the list of those cases.
    page.locator("#t-worked tr", has_text="Carried over").get_by_role("link").click()
    page.get_by_role("link", name=missing.reference).wait_for()
    assert found.reference not in page.content()  # located in 2014: her search ended, she is not carried over
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    download = download_info.value
    target = Path(tmp_path) / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == "redalert-rba-2015.pdf"
    assert target.read_bytes().startswith(b"%PDF")
    context.close()
