"""A referral between member organisations in a real browser, in Spanish, on a phone (issue 16): organisation A's
coordinator refers the legal section of a case to organisation B; B's coordinator accepts it and opens the legal
section, and nothing else of the case."""

from __future__ import annotations

import pytest

from redalert.cases.services import add_note
from redalert.consent.choices import Purpose
from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.testing import record_consent
from redalert.transfers.models import Offer, OfferStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_offered_accepted_and_opened(
    live_server, phone_page, screenshot, case, coordinator, org_b, make_user
):
    record_consent(case, Purpose.REFERRAL, coordinator)
    add_note(case, "legal", "Denuncia presentada ante la fiscalía especializada.", actor=coordinator)
    add_note(case, "investigation", "Ruta probable por Tlaxcala.", actor=coordinator)
    coordinator_b = make_user(org_b, "coordinator", username="coord-b")
    page = phone_page
    base = live_server.url

    # Organisation A refers the legal section.
    sign_in_with_a_session(page, base, coordinator, language="es")
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Trasladar o derivar a otra organización").click()
    page.get_by_label("Derivación de secciones").check()
    page.get_by_label("Organización miembro").select_option(label="Colectivo B")
    page.get_by_label("Jurídico", exact=True).check()
    page.get_by_label("Motivo").fill("Acompañamiento jurídico en Guatemala.")
    screenshot(page, "referral-offer-es-phone")
    page.get_by_role("button", name="Enviar la oferta").click()
    page.get_by_text("Esperando respuesta").wait_for()
    offer = Offer.objects.get()

    # Organisation B's coordinator accepts it and opens the shared section.
    page.context.clear_cookies()
    sign_in_with_a_session(page, base, coordinator_b, language="es")
    page.goto(f"{base}/transfers/")
    page.get_by_role("link", name=f"Derivación de secciones · {case.reference}").click()
    screenshot(page, "referral-answer-es-phone")
    page.get_by_role("button", name="Aceptar").click()
    page.get_by_text("Aceptada: su organización ya puede abrir lo que se compartió.").wait_for()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    page.goto(f"{base}/transfers/")
    page.get_by_role("link", name="Jurídico").first.click()
    page.get_by_role("link", name="Notas jurídicas").click()
    page.get_by_text("Denuncia presentada ante la fiscalía especializada.").wait_for()
    screenshot(page, "referral-legal-section-es-phone")
    assert "Ruta probable" not in page.content()
    response = page.goto(f"{base}/cases/{case.pk}/section/investigation/")
    assert response is not None and response.status == 404
