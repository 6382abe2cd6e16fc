"""Issue 3's journey in a real browser: a coordinator publishes a case, someone on a phone finds it on the
public site by typing her name without accents, sends a tip, and the team sees it in the triage queue."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.photos import clean_photo
from redalert.cases.services import add_photo
from redalert.consent.choices import Purpose
from redalert.e2e.sign_in import sign_in_through_the_pages
from redalert.testing import record_consent
from redalert.tips.models import Tip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def grant(case: Any, purpose: str, user: Any) -> None:
    record_consent(case, purpose, user)


def jpeg() -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", (300, 400), (150, 110, 90)).save(buffer, format="JPEG")
    buffer.seek(0)
    return buffer


def test_publish_find_tip_and_triage(live_server, browser, screenshot, org_a, make_user, make_case, places):
    coordinator = make_user(org_a, "coordinator", username="coordinadora")
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    case = make_case(org_a, coordinator, reporter_phone="+524421234567", circumstances="Salió a la escuela.")
    for purpose in (Purpose.OPEN_FILE, Purpose.PUBLISH):
        grant(case, purpose, coordinator)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), coordinator)
    photo = jpeg()
    add_photo(case, clean_photo(photo, len(photo.getvalue())), caption="", actor=coordinator)

    # The coordinator publishes the case from its "Public site" tab.
    staff = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en"})
    page = staff.new_page()
    page.set_default_timeout(15_000)
    sign_in_through_the_pages(page, live_server.url, "coordinadora", device, language="en")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Public site").click()
    page.locator("input[name=photo]").last.check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Shown on the public site").first.wait_for()

    # Someone on a phone finds her by name, typed without accents, and sends what she saw.
    public = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", extra_http_headers={"Accept-Language": "en"}
    )
    phone = public.new_page()
    phone.set_default_timeout(15_000)
    phone.goto(f"{live_server.url}/")
    phone.get_by_label("Name").fill("maria lopez")
    phone.get_by_role("button", name="Search").click()
    phone.get_by_role("link", name="María Fernanda López Hernández").first.click()
    assert "LOOKING FOR" in (phone.locator('meta[property="og:title"]').get_attribute("content") or "")
    content = phone.content()
    assert "+524421234567" not in content and "Salió a la escuela" not in content and "Calle Hidalgo" not in content
    screenshot(phone, "public-case-en-phone")
    phone.get_by_role("link", name="I have information").click()
    phone.get_by_label("Day you saw her").fill("2026-03-04")
    phone.get_by_label("What did you see?").fill("La vi en la central de autobuses con dos hombres.")
    phone.get_by_label("Send anonymously").check()
    phone.get_by_role("button", name="Send information").click()
    phone.get_by_text("Thank you, we received your information.").wait_for()
    tip = Tip.objects.get(case=case)
    assert tip.code in phone.content()
    screenshot(phone, "tip-thanks-en-phone")

    # The team sees it in the triage queue.
    page.goto(f"{live_server.url}/tips/")
    row = page.locator(f'tr[data-tip="{tip.code}"]')
    row.wait_for()
    assert "central de autobuses" in row.inner_text()
    page.get_by_role("link", name=case.reference).first.click()
    assert "central de autobuses" in page.content()
    staff.close()
    public.close()
