"""The review queue of possible duplicates in a real browser, in Spanish, on a phone: the aunt's second report of
the same girl became a second case; the job proposes the pair, the coordinator compares them side by side, merges
them (the other reference now leads to the case that remained), undoes the merge, and then records them as
different people from the queue (in place, with htmx)."""

from __future__ import annotations

from datetime import date

import pytest

from redalert.cases.models import Case
from redalert.duplicates.finder import find_pairs
from redalert.duplicates.models import DuplicatePair, MergeRecord
from redalert.e2e.sign_in import sign_in_with_a_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_merge_and_its_undo(live_server, phone_page, screenshot, make_case, org_a, coordinator):
    first = make_case(org_a, coordinator)
    second = make_case(
        org_a,
        coordinator,
        reporter_name="Lucía López Pérez",
        reporter_relationship="other_relative",
        given_names="Maria Fernanda",
        second_surname="",
        birth_date=None,
        estimated_age=17,
        last_seen_on=date(2026, 3, 2),
    )
    find_pairs(org_a.pk)
    pair = DuplicatePair.objects.get(case_a=first, case_b=second)
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator, language="es")

    page.goto(f"{base}/cases/")
    page.locator("#menu-cases > summary").click()  # the staff menu's group of further case work (issue 17)
    page.get_by_role("link", name="Posibles duplicados").first.click()
    page.wait_for_url("**/duplicates/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "duplicates-queue-phone")
    page.get_by_role("link", name="Revisar y decidir").click()
    page.wait_for_url(f"**/duplicates/{pair.pk}/")
    page.get_by_role("heading", name=f"¿{first.reference} y {second.reference} son la misma persona?").wait_for()
    assert "Lucía" not in page.locator("main").inner_text()  # reporters are not part of the comparison
    page.get_by_label(first.reference, exact=True).check()
    screenshot(page, "duplicates-pair-phone")
    page.get_by_role("button", name="Misma persona: fusionar").click()

    record = None
    page.get_by_role("heading", name=f"{second.reference} fusionado con {first.reference}").wait_for()
    record = MergeRecord.objects.get()
    assert Case.objects.get(pk=second.pk).merged_into_id == first.pk
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{base}/cases/{second.pk}/")  # the other reference leads to the case that remained
    page.wait_for_url(f"**/cases/{first.pk}/")
    assert "se fusionó con" in page.locator("body").inner_text()
    screenshot(page, "duplicates-redirect-phone")

    page.goto(f"{base}/duplicates/merges/{record.pk}/")
    page.get_by_role("button", name="Deshacer la fusión").click()
    page.get_by_text("La fusión se deshizo: ambos casos quedan como estaban.").wait_for()
    screenshot(page, "duplicates-undone-phone")
    assert Case.objects.get(pk=second.pk).merged_into_id is None
    page.goto(f"{base}/cases/{second.pk}/")
    page.wait_for_url(f"**/cases/{second.pk}/")

    # Back in the queue, the pair waits again; "different people" is recorded in place (htmx replaces its card).
    page.goto(f"{base}/duplicates/")
    page.locator(f"#pair-{pair.pk}").get_by_role("button", name="Personas distintas").click()
    page.get_by_text("registrado como personas distintas").wait_for()
    assert page.url.endswith("/duplicates/")
    screenshot(page, "duplicates-different-phone")
    pair.refresh_from_db()
    assert pair.status == "different"
