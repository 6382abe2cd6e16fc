"""Journey: a call-taker takes a call on a phone-sized screen, in Spanish. Someone is in immediate danger: the desk
shows whom to call from the organisation's directory of authorities and records the call; the indicators are marked
(the rest stay "not asked"), and the call ends in a new report through the usual intake, with the urgency kept."""

from __future__ import annotations

from typing import Any

import pytest

from redalert.alerts.models import Authority
from redalert.cases.models import Case
from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.hotline.models import Contact, ScriptPrompt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_call_in_immediate_danger_ends_in_a_new_report(live_server, phone_page, screenshot, org_a, make_user, places):
    call_taker = make_user(org_a, "call_taker", username="operadora")
    Authority.objects.create(
        organisation=org_a,
        name="Policía Estatal de Querétaro",
        level="state",
        kind="police",
        country_code="MX",
        subdivision=places["qro"],
    )
    Authority.objects.create(
        organisation=org_a,
        name="Fiscalía de Tlaxcala",
        level="state",
        kind="prosecutor",
        country_code="MX",
        subdivision=places["tlax"],
    )
    ScriptPrompt.objects.create(organisation=org_a, position=1, text="¿Está en un lugar seguro para hablar?")
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, call_taker, language="es")

    page.goto(f"{base}/hotline/")
    page.locator("#start-contact").click()
    page.get_by_role("heading", name="1. Urgencia").wait_for()
    assert page.get_by_text("¿Está en un lugar seguro para hablar?").is_visible()

    # Urgency first: someone is in danger right now.
    page.get_by_label("Sí: alguien está en peligro inmediato").check()
    page.locator("#save-urgency").click()
    page.get_by_role("heading", name="Peligro inmediato: llame ahora").wait_for()
    assert fits_the_screen(page)
    screenshot(page, "hotline-danger-es-phone")

    # Where she is: the directory then offers that state's authorities.
    page.get_by_label("Quién llama").select_option("family")
    picker = page.get_by_role("combobox", name="Dónde (estado o país)")
    picker.fill("queretaro")
    page.get_by_role("option", name="Querétaro, México").first.click()
    page.get_by_label("Posibles víctimas descritas").fill("1")
    page.get_by_label("Mujeres y niñas").fill("1")
    page.locator("#save-details").click()
    page.get_by_text("Guardado.").wait_for()
    authorities = page.locator("#authorities")
    assert "Policía Estatal de Querétaro" in authorities.inner_text()
    assert "Fiscalía de Tlaxcala" not in authorities.inner_text()
    page.get_by_label("Autoridad a la que se llamó").fill("Policía Estatal de Querétaro, 911")
    page.locator("#save-emergency").click()
    page.get_by_text("Llamada a la autoridad registrada.").wait_for()

    # Two indicators asked; every other one stays "not asked".
    page.locator("#indicators-control > summary").click()
    page.locator("input[name='i-control:PhysicalAbuse'][value=yes]").check()
    page.locator("input[name='i-control:DebtBondage'][value=no]").check()
    assert fits_the_screen(page)
    screenshot(page, "hotline-indicators-es-phone")
    page.locator("#save-indicators").click()
    page.get_by_text("Guardado.").wait_for()

    # The call becomes a report: the usual intake, pre-filled from the call.
    page.get_by_role("link", name="Abrir un reporte nuevo").click()
    page.get_by_role("heading", name="Nuevo reporte de desaparición").wait_for()
    assert page.locator("[name=report-report_channel]").input_value() == "hotline"
    page.locator("[name=person-given_names]").fill("Daniela")
    page.locator("[name=person-first_surname]").fill("Ramírez")
    page.locator("[name=person-sex]").select_option("female")
    page.locator("[name=person-estimated_age]").fill("17")
    page.locator("[name=report-last_seen_on]").fill("2026-03-02")
    seen = page.get_by_role("combobox", name="Lugar donde fue vista por última vez")
    seen.fill("queretaro")
    page.get_by_role("option", name="Santiago de Querétaro").first.click()
    assert fits_the_screen(page)
    screenshot(page, "hotline-report-es-phone")
    page.get_by_role("button", name="Registrar el reporte").click()
    page.get_by_text("Reporte registrado como").wait_for()

    page.get_by_label("Reporte abierto").check()
    page.locator("#close-contact").click()
    page.get_by_role("heading", name="Escritorio de la línea de atención").wait_for()
    screenshot(page, "hotline-desk-es-phone")

    contact = Contact.objects.get()
    case = Case.objects.get()
    assert contact.case == case and case.report_channel == "hotline"
    assert contact.urgency == "danger" and contact.urgency_at is not None
    assert contact.emergency_called_at is not None and contact.emergency_called_by == call_taker
    assert contact.emergency_authority == "Policía Estatal de Querétaro, 911"
    assert contact.indicators == {"control:PhysicalAbuse": "yes", "control:DebtBondage": "no"}
    assert contact.outcome == "report_opened" and contact.ended_at is not None
    assert (contact.victims, contact.victims_female, contact.victims_male) == (1, 1, None)


def test_an_analyst_reads_the_hotline_statistics_on_a_phone(live_server, phone_page, screenshot, org_a, make_user):
    from django.utils import timezone

    from redalert.hotline.actions import open_contact, save_details

    call_taker = make_user(org_a, "call_taker", username="operadora")
    analyst = make_user(org_a, "analyst", username="analista")
    for channel in ("phone", "phone", "whatsapp"):
        contact = open_contact(org_a, by=call_taker, channel=channel)
        save_details(contact, {"indicators": {"control:PhysicalAbuse": "yes"}}, by=call_taker)
    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, analyst, language="es")
    page.goto(f"{base}/hotline/statistics/")
    year = timezone.localdate().year
    page.get_by_role("heading", name=f"Estadísticas de la línea de atención de {org_a.name}, {year}").wait_for()
    row = page.locator("#t-control").get_by_role("row", name="Violencia física")
    assert row.locator("td").first.inner_text().startswith("3")  # 3 (100.0 % of the 3 asked)
    screenshot(page, "hotline-statistics-es-phone")
    page.get_by_label("Ocultar cifras pequeñas (para publicar)").check()
    page.get_by_role("button", name="Mostrar").click()
    assert (
        page.locator("#t-control").get_by_role("row", name="Violencia física").locator("td").first.inner_text() == "—"
    )


def test_an_anonymised_contact_shows_why_nothing_more_is_recorded(
    live_server, phone_page, screenshot, org_a, make_user
):
    """A year after a call that became nothing, the daily job took the caller's details down: the call-taker who
    opens the contact on her phone reads why, and finds no form to record anything more."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from redalert.hotline.tests.test_erasure import taken
    from redalert.retention.jobs import apply_for

    call_taker = make_user(org_a, "call_taker", username="operadora")
    contact = taken(org_a, call_taker, "Lucía Llamante")
    Contact.objects.filter(pk=contact.pk).update(started_at=timezone.now() - timedelta(days=400))
    assert apply_for(org_a, timezone.localdate()).counts["hotline_contacts_anonymised"] == 1

    page = phone_page
    sign_in_with_a_session(page, live_server.url, call_taker, language="es")
    page.goto(live_server.url + reverse("hotline:contact", args=[contact.pk]))
    page.get_by_role("heading", name="En este contacto ya no se registra nada").wait_for()
    assert "Este contacto fue anonimizado" in page.locator("#refusal").inner_text()
    assert page.locator("main form").count() == 0
    assert "Lucía Llamante" not in page.content() and "4421112233" not in page.content()
    assert fits_the_screen(page)
    screenshot(page, "hotline-anonymised-es-phone")
