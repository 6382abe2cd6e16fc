"""The care pages in a real browser, in Spanish, on a phone (issue 17): the ledger of a case and the consultations
are wide tables that scroll sideways; a keyboard reaches them as named regions. Their accessibility is checked by
the axe-core fixture of redalert/e2e/conftest.py like every journey's pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from redalert.care.models import Expense
from redalert.e2e.sign_in import sign_in_with_a_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_care_pages_on_a_phone(live_server, phone_page, screenshot, case, coordinator):
    by = coordinator
    for on, amount, currency, category in (
        (date(2026, 3, 2), "100.50", "MXN", "travel_fares"),
        (date(2026, 3, 15), "10.00", "USD", "medicine"),
        (date(2026, 4, 1), "300.00", "MXN", "housing"),
    ):
        Expense.objects.create(
            case=case, category=category, spent_on=on, amount=Decimal(amount), currency=currency, recorded_by=by
        )
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator, language="es")

    page.goto(f"{base}/cases/{case.pk}/care/")
    regions = page.locator(".table-wrap[role=region][tabindex='0']")
    regions.first.wait_for()
    # A table too wide for the phone is a named stop on the keyboard's way, and the arrow keys scroll it.
    first = regions.first
    assert first.get_attribute("aria-label")
    first.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
        if first.evaluate("element => element.scrollLeft") > 0:
            break
    assert first.evaluate("element => element.scrollLeft") > 0
    screenshot(page, "care-case-es-phone")

    page.goto(f"{base}/consultations/")
    screenshot(page, "care-consultations-es-phone")
    page.goto(f"{base}/consultations/summary/")
    screenshot(page, "care-consultations-summary-es-phone")
