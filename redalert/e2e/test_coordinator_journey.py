"""The coordinator's journey at 390 px in Spanish (issue 17): she signs in, files a first report with the consents
the mother gives in the same conversation (open the file, publish, share with authorities: one step), adds the
photo on the case file, moves the case to active search, publishes it (the newest photo preselected) and issues a
Red Alert to the proposed authority of the directory.

Every user action (click, fill, select, check, upload, press) goes through `Interactions`, which counts it by part
of the journey; the count and its breakdown are printed and written to test-artifacts/coordinator-journey.json
next to the screenshots. Target (issue 17): one case from report to Red Alert in at most 45 interactions."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import ARTIFACTS
from redalert.alerts.models import Alert, Recipient
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use
from redalert.e2e.sign_in import PASSWORD, code_for
from redalert.public.exposure import public_cases
from redalert.public.models import Publication
from redalert.public.tests.conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET = 45  # interactions from sign-in to the Red Alert issued (issue 17)


@dataclass
class Interactions:
    """The journey's user actions, each counted under the part of the journey it belongs to."""

    part: str = ""
    log: list[dict[str, str]] = field(default_factory=list)

    def _count(self, kind: str, locator: Any) -> None:
        described = str(locator)  # "<Locator frame=<Frame …> selector='…'>": keep the selector
        target = described.partition("selector=")[2].removesuffix(">").strip("'") or described
        self.log.append({"part": self.part, "kind": kind, "target": target})

    def click(self, locator: Any) -> None:
        locator.click()
        self._count("click", locator)

    def fill(self, locator: Any, value: str) -> None:
        locator.fill(value)
        self._count("fill", locator)

    def select(self, locator: Any, value: str) -> None:
        locator.select_option(value)
        self._count("select", locator)

    def check(self, locator: Any) -> None:
        locator.check()
        self._count("check", locator)

    def upload(self, locator: Any, path: str) -> None:
        locator.set_input_files(path)
        self._count("upload", locator)

    def press(self, locator: Any, key: str) -> None:
        locator.press(key)
        self._count("press", locator)

    @property
    def total(self) -> int:
        return len(self.log)

    def by_part(self) -> dict[str, int]:
        return dict(Counter(entry["part"] for entry in self.log))

    def by_kind(self) -> dict[str, int]:
        return dict(Counter(entry["kind"] for entry in self.log))


def test_coordinator_from_report_to_red_alert(
    live_server, phone_page, screenshot, org_a, coordinator, make_authority, places, tmp_path, settings
):
    settings.SITE_URL = live_server.url
    # The organisation's directory (set up through the alerts' models, not the UI): the federal prosecutor is
    # proposed for any disappearance in Mexico.
    authority = make_authority("Fiscalía Especializada en Trata (FGR)", contacts=(("email", "trata@fgr.example.org"),))
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    photo = tmp_path / "maria.jpg"
    photo.write_bytes(jpeg_with_gps())

    page = phone_page
    act = Interactions()

    act.part = "sign-in"
    page.goto(f"{live_server.url}/accounts/login/")
    act.fill(page.get_by_label("Usuario"), coordinator.username)
    act.fill(page.get_by_label("Contraseña"), PASSWORD)
    act.click(page.get_by_role("button", name="Entrar"))
    act.fill(page.get_by_label("Código"), code_for(device))
    act.click(page.get_by_role("button", name="Verificar"))
    page.wait_for_url("**/cases/*")

    act.part = "intake"
    act.click(page.locator("main a:visible", has_text="Nuevo reporte").first)
    page.get_by_role("heading", name="Nuevo reporte de desaparición").wait_for()
    act.select(page.locator("[name=report-report_channel]"), "family")
    act.fill(page.locator("[name=report-reporter_name]"), "Rosa Hernández Cruz")
    act.select(page.locator("[name=report-reporter_relationship]"), "mother")
    act.fill(page.locator("[name=report-reporter_phone]"), "442 123 4567")
    act.fill(page.locator("[name=person-given_names]"), "María Fernanda")
    act.fill(page.locator("[name=person-first_surname]"), "López")
    act.fill(page.locator("[name=person-second_surname]"), "Hernández")
    act.select(page.locator("[name=person-sex]"), "female")
    act.fill(page.locator("[name=person-estimated_age]"), "16")
    act.fill(page.locator("[name=report-last_seen_on]"), "2026-03-02")
    picker = page.get_by_role("combobox", name="Lugar donde fue vista por última vez")
    act.fill(picker, "queretaro")
    act.click(page.get_by_role("option", name="Santiago de Querétaro").first)

    act.part = "consents"
    act.click(page.locator("#intake-consent > summary"))
    for purpose in (Purpose.OPEN_FILE, Purpose.PUBLISH, Purpose.SHARE_AUTHORITIES):
        act.check(page.locator(f"input[name=consent-purpose][value={purpose}]"))
    act.check(page.locator("input[name=consent-method][value=verbal_witnessed]"))
    act.fill(page.locator("[name=consent-witness_name]"), "Ana Martínez (trabajadora social)")
    screenshot(page, "coordinator-intake-es-phone")
    act.part = "save the report"
    act.click(page.get_by_role("button", name="Registrar el reporte"))
    page.get_by_text("Reporte registrado como").wait_for()
    case = Case.objects.get(organisation=org_a)

    act.part = "photo"
    act.upload(page.locator("input[name=photo]"), str(photo))
    act.click(page.get_by_role("button", name="Subir"))
    page.locator(".photos img").first.wait_for()

    act.part = "active search"
    for status in ("Verificación", "Búsqueda activa"):
        act.click(page.get_by_role("button", name="Cambiar estado"))
        page.locator(".badge", has_text=status).first.wait_for()
    screenshot(page, "coordinator-case-file-es-phone")

    act.part = "publish"
    act.click(page.locator(".tabs").get_by_role("link", name="Sitio público"))
    newest = page.locator("input[name=photo]:checked")
    assert newest.count() == 1, "the newest photo is preselected"
    act.click(page.get_by_role("button", name="Publicar"))
    page.get_by_text("Se muestra en el sitio público").first.wait_for()

    act.part = "red alert"
    act.click(page.locator(".tabs").get_by_role("link", name="Alerta Roja"))
    act.click(page.get_by_role("link", name="Emitir una Alerta Roja"))
    assert page.get_by_label("Fiscalía Especializada en Trata (FGR)").is_checked(), "the authority is proposed"
    act.click(page.get_by_role("button", name="Emitir"))
    page.get_by_text("Sin acuse de recibo").first.wait_for()
    screenshot(page, "coordinator-red-alert-es-phone")

    # The outcomes: consents recorded, the case in active search and shown publicly with its photo, and the alert
    # issued to the authority's address.
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE_SEARCH
    for purpose in (Purpose.OPEN_FILE, Purpose.PUBLISH, Purpose.SHARE_AUTHORITIES):
        assert may_use(case, purpose), purpose
    assert public_cases().filter(pk=case.pk).exists()
    publication = Publication.objects.get(case=case)
    assert publication.is_public and publication.photo is not None
    alert = Alert.objects.get(case=case)
    recipient = Recipient.objects.get(alert=alert)
    assert (recipient.authority, recipient.address) == (authority, "trata@fgr.example.org")

    by_part = act.by_part()
    report = {"total": act.total, "target": TARGET, "by_part": by_part, "by_kind": act.by_kind()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "coordinator-journey.json").write_text(
        json.dumps({**report, "interactions": act.log}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(f"\nCoordinator journey, report to Red Alert: {act.total} interactions (target ≤ {TARGET})")
    for part, count in by_part.items():
        print(f"  {part}: {count}")
    assert act.total <= TARGET
