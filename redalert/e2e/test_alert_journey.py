"""The Red Alert in a real browser: a coordinator issues it to the proposed authority, the authority opens its
personal link without an account and acknowledges, and the case shows who acknowledged and what they did."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.alerts.acknowledgement import ack_url
from redalert.alerts.models import Acknowledgement, Alert, Recipient
from redalert.e2e.sign_in import sign_in_through_the_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def english():
    """As in the alerts' own tests: service-level messages in English (the UI default stays Spanish)."""
    with translation.override("en"):
        yield


def test_issue_and_acknowledge_a_red_alert(
    live_server, browser, screenshot, alert_case, coordinator, make_authority, settings
):
    settings.SITE_URL = live_server.url
    make_authority("Fiscalía Especializada en Trata (FGR)", contacts=(("email", "trata@fgr.example.org"),))
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)

    staff = browser.new_context(viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": "en"})
    page = staff.new_page()
    page.set_default_timeout(15_000)
    sign_in_through_the_pages(page, live_server.url, coordinator.username, device, language="en")
    page.goto(f"{live_server.url}/cases/{alert_case.pk}/alerts/")
    page.get_by_role("link", name="Issue a Red Alert").click()
    page.get_by_label("Fiscalía Especializada en Trata (FGR)").check()
    page.get_by_role("button", name="Issue").click()
    page.get_by_text("Not acknowledged").first.wait_for()
    alert = Alert.objects.get(case=alert_case)
    recipient = Recipient.objects.get(alert=alert)

    # The authority, without an account, opens its personal link (as in the email) and acknowledges.
    authority = browser.new_context(extra_http_headers={"Accept-Language": "en"})
    official = authority.new_page()
    official.set_default_timeout(15_000)
    official.goto(ack_url(recipient))
    official.get_by_label("Your name").fill("Lic. Marta Ruiz")
    official.get_by_label("What was done (optional)").fill("Search initiated, file FED/ABC/123/2026")
    official.get_by_role("button", name="Acknowledge receipt").click()
    official.get_by_role("heading", name="Acknowledgement recorded").wait_for()
    assert Acknowledgement.objects.filter(recipient=recipient, name="Lic. Marta Ruiz").exists()

    # The link works once.
    official.goto(ack_url(recipient))
    assert "already acknowledged" in official.content()

    page.reload()
    assert "FED/ABC/123/2026" in page.content()
    screenshot(page, "red-alert-acknowledged-en-phone")
    staff.close()
    authority.close()
