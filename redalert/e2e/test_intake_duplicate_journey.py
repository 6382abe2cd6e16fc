"""Issue 15, ability 1, on a phone in Spanish: the aunt reports the girl the mother already reported; as the
coordinator types, the intake form warns about the existing case (with why and a score), and she adds the
aunt's report to it instead of opening a second case."""

from __future__ import annotations

import pytest

from redalert.cases.models import Case
from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.matching.models import AdditionalReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_warns_about_the_existing_case_and_adds_the_report_to_it(
    live_server, phone_page, screenshot, org_a, coordinator, make_case, places
):
    page = phone_page
    existing = make_case(org_a, coordinator)  # María Fernanda López Hernández, reported by her mother
    sign_in_with_a_session(page, live_server.url, coordinator, language="es")
    page.goto(f"{live_server.url}/cases/new/")

    page.locator("[name=report-report_channel]").select_option("family")
    page.locator("[name=report-reporter_name]").fill("Juana Hernández")
    page.locator("[name=report-reporter_relationship]").select_option("other_relative")
    page.locator("[name=report-reporter_phone]").fill("442 765 4321")
    page.locator("[name=report-last_seen_on]").fill("2026-03-02")
    picker = page.get_by_role("combobox", name="Lugar donde fue vista por última vez")
    picker.fill("queretaro")
    page.get_by_role("option", name="Santiago de Querétaro").first.click()
    page.locator("[name=person-given_names]").fill("Mari Fernanda")
    page.locator("[name=person-first_surname]").fill("Hernandez")
    page.locator("[name=person-second_surname]").fill("Lopez")
    page.locator("[name=person-estimated_age]").fill("17")

    # The warning appears as she types (the intake check's script), with the reasons and a score.
    warning = page.get_by_role("heading", name="Posiblemente la misma persona")
    warning.wait_for()
    candidate = page.locator(f"li.candidate[data-case='{existing.pk}']")
    assert existing.reference in candidate.inner_text()
    assert "apellidos en el otro orden" in candidate.inner_text()
    assert "Puntuación" in candidate.inner_text()
    screenshot(page, "intake-duplicate-warning-es-phone")

    candidate.get_by_role("button", name="Añadir este reporte a este expediente").click()
    page.get_by_text(f"El reporte se añadió al expediente {existing.reference}").wait_for()
    page.get_by_role("heading", name="Otros reportes").wait_for()
    assert page.get_by_text("Juana Hernández").first.is_visible()
    screenshot(page, "case-with-further-report-es-phone")

    assert Case.objects.count() == 1
    report = AdditionalReport.objects.get(case=existing)
    assert report.reporter_phone == "+524427654321"
