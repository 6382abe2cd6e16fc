"""Matching across the coalition in a real browser, in Spanish, on a phone: a mother reported her daughter to
organisation A, an aunt reported the same girl to organisation B. Both families consented to referral to partner
organisations; the comparison proposes the pair; each coordinator sees only the score and her own case, accepts
contact, and then sees the other's case reference and coordinator."""

from __future__ import annotations

from datetime import date

import pytest

from redalert.coalition.models import CoalitionMatch, MatchStatus
from redalert.coalition.services import run_comparison
from redalert.consent.choices import Purpose
from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.testing import record_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contact_handshake_between_two_members(
    live_server, phone_page, screenshot, settings, make_case, make_user, org_a, org_b, coordinator
):
    settings.COALITION_LINKAGE_KEY = "clave-de-la-coalicion-para-el-recorrido"
    coordinator.email = "rosa@red-a.org"
    coordinator.save()
    coordinator_b = make_user(org_b, "coordinator")
    coordinator_b.email = "ana@colectivo-b.org"
    coordinator_b.save()
    girl_a = make_case(org_a, coordinator)
    girl_b = make_case(
        org_b, coordinator_b, given_names="Maria Fernanda", first_surname="Lopez", last_seen_on=date(2026, 3, 2)
    )
    record_consent(girl_a, Purpose.REFERRAL, coordinator)
    record_consent(girl_b, Purpose.REFERRAL, coordinator_b)
    run_comparison()
    match = CoalitionMatch.objects.get()
    page = phone_page
    base = live_server.url

    sign_in_with_a_session(page, base, coordinator, language="es")
    page.goto(f"{base}/coalition/")
    row = page.locator(f"#match-{match.pk}")
    assert "puntuación" in row.inner_text() and girl_a.reference in row.inner_text()
    assert girl_b.reference not in page.content() and org_b.name not in page.content()
    screenshot(page, "coalition-list-phone")
    row.get_by_role("link", name="Revisar y decidir").click()
    page.get_by_role("button", name="Aceptar el contacto").click()
    page.get_by_text("Usted aceptó el contacto").first.wait_for()
    assert girl_b.reference not in page.content()

    page.context.clear_cookies()
    sign_in_with_a_session(page, base, coordinator_b, language="es")
    page.goto(f"{base}/coalition/{match.pk}/")
    assert girl_a.reference not in page.content() and org_a.name not in page.content()
    page.get_by_role("button", name="Aceptar el contacto").click()
    page.get_by_text("Ambas partes aceptaron el contacto").first.wait_for()
    assert org_a.name in page.content() and "rosa@red-a.org" in page.content()
    screenshot(page, "coalition-confirmed-phone")
    assert CoalitionMatch.objects.get().status == MatchStatus.CONFIRMED

    page.context.clear_cookies()
    sign_in_with_a_session(page, base, coordinator, language="es")
    page.goto(f"{base}/coalition/{match.pk}/")
    assert girl_b.reference in page.content() and "ana@colectivo-b.org" in page.content()
