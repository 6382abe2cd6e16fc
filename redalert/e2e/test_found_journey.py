"""The register of people found in a real browser, in Spanish, on a phone: a shelter's report of a girl who gives
only her names is recorded, the open case she may be is proposed, the coordinator compares them side by side and
confirms, and the case shows that she was located."""

from __future__ import annotations

import pytest
from django.utils import translation

from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.found.models import Candidate, FoundPerson
from redalert.investigation.models import Outcome
from redalert.matching.compare import Reason
from redalert.testing import start_search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_found_is_matched_to_a_case_and_confirmed(live_server, phone_page, screenshot, case, coordinator):
    start_search(case, coordinator)
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator, language="es")

    page.goto(f"{base}/found/")
    page.get_by_role("link", name="Registrar una persona localizada").click()
    page.get_by_label("Con vida").check()
    page.get_by_label("Fecha de localización").fill("2026-04-10")
    page.get_by_label("Lugar de localización").fill("Santiago de Querétaro")
    page.get_by_label("edad aproximada: desde").fill("16")
    page.get_by_label("edad aproximada: hasta").fill("19")
    page.get_by_label("Sexo").select_option("female")
    page.get_by_label("Nombres o apodos que da").fill("María Fernanda")
    page.get_by_label("Señas particulares (cicatrices, tatuajes…)").fill("Cicatriz en la ceja izquierda.")
    page.get_by_label("Reportada por").select_option("shelter")
    page.get_by_label("Institución", exact=True).fill("Albergue Casa Esperanza")
    page.get_by_role("button", name="Guardar").click()

    found = FoundPerson.objects.get()
    page.wait_for_url(f"**/found/{found.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    pair = Candidate.objects.get(found=found, case=case)
    page.get_by_role("link", name=f"{case.reference} · María Fernanda López Hernández").click()

    page.wait_for_url(f"**/found/{found.pk}/pairs/{pair.pk}/")
    page.get_by_role("heading", name=f"¿Es {found.reference} la persona de {case.reference}?").wait_for()
    table = page.locator("table.side-by-side")
    assert "Cicatriz en la ceja izquierda." in table.inner_text()
    with translation.override("es"):
        same_name = str(Reason.SAME_NAME.label)  # matching's reason, in Spanish where matching translated it
    assert same_name in page.locator("ul.reasons").inner_text()
    screenshot(page, "found-side-by-side-phone")
    page.get_by_label("Cómo fue localizada").select_option("authorities")
    page.get_by_role("button", name="Es la misma persona: confirmar").click()

    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Localizada" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "found-case-located-phone")
    assert Outcome.objects.get(case=case).result == "located_alive"
    found.refresh_from_db()
    assert found.linked_case_id == case.pk
