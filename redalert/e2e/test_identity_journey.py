"""Signing in through the organisation's own OpenID Connect provider, in a real browser, in Spanish, on a phone:
the work e-mail on the login page, the button "Entrar con <proveedor>", the provider (a real local OpenID provider on
127.0.0.1, redirecting back with a code), and the staff pages open without a code because the provider asserted
multi-factor. The browser follows every redirect itself, so the site's CSP (form-action 'self') is exercised."""

from __future__ import annotations

import pytest

from redalert.identity.models import IdentityProvider
from redalert.identity.tests.provider import LocalProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_with_her_organisations_provider(live_server, phone_page, screenshot, org_a, make_user):
    member = make_user(org_a, "coordinator", username="ana")
    member.email = "ana.torres@rba.example"
    member.save()
    admin = make_user(org_a, "administrator", username="admin-a")
    with LocalProvider() as op:
        op.claims = {"email": member.email, "email_verified": True, "amr": ["pwd", "otp"]}
        IdentityProvider.objects.create(
            organisation=org_a,
            name="Red Google",
            issuer=op.issuer,
            client_id=op.client_id,
            client_secret=op.client_secret,
            email_domain="rba.example",
            updated_by=admin,
        )
        page = phone_page
        base = live_server.url
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Correo electrónico de trabajo").fill(member.email)
        page.get_by_role("button", name="Continuar").click()
        button = page.get_by_role("link", name="Entrar con Red Google")
        button.wait_for()
        screenshot(page, "identity-choose-phone")
        button.click()
        page.wait_for_url(lambda url: url.startswith(base) and "/identity/" not in url and "/login/" not in url)
        page.locator("main").wait_for()
        assert "/accounts/login/" not in page.url and "/accounts/verify/" not in page.url
        assert op.seen["authorize"][0]["login_hint"] == member.email
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "identity-signed-in-phone")
