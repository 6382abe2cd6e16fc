"""Data sharing on a phone: a coordinator downloads the HTCDS export and looks at the open-data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.opendata.htcds import pseudonym
from redalert.opendata.tests.helpers import SECRETS, add_facts, statistics_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_data_sharing_on_a_phone(
    live_server: Any, phone_page: Any, screenshot: Any, org_a: Any, make_case: Any, coordinator: Any, places: Any
) -> None:
    cases = []
    for index in range(12):
        case = make_case(org_a, coordinator, nationalities=["MX"], given_names=f"Joven {index}")
        add_facts(case, coordinator, places)
        statistics_consent(case, coordinator)
        cases.append(case)

    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator)
    page.goto(f"{base}/data/")
    assert page.locator('input[name="identifiers"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "data-sharing-phone")

    with page.expect_download() as info:
        page.locator('form[action$="/data/htcds/"] button[type="submit"]').click()
    exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert {r["ext_cas_CaseId"] for r in exported["records"]} == {pseudonym(c.pk) for c in cases}
    text = json.dumps(exported, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret

    page.locator('a[href$="/data/open-data/"]').first.click()
    page.wait_for_url("**/data/open-data/")
    assert page.locator("table").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "open-data-phone")
