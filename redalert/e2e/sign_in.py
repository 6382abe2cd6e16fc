"""Signing a member in for a browser journey: through the login and second-factor pages as she would, or with the
session of a verified test client when the journey is about another page."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import verified_client

PASSWORD = "correct horse battery"  # the make_user fixture's default

# The labels of the login and second-factor pages, by the language the journey's browser asks for.
WORDS = {
    "es": ("Usuario", "Contraseña", "Entrar", "Código", "Verificar"),
    "en": ("Username", "Password", "Log in", "Code from your authenticator app", "Verify"),
}


def code_for(device: TOTPDevice) -> str:
    """The authenticator app's current code for this device."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in_through_the_pages(
    page: Any, base: str, username: str, device: TOTPDevice, *, language: str = "es", password: str = PASSWORD
) -> None:
    """Fill in the login page and the second-factor page, reading their labels in `language`."""
    user_label, password_label, log_in, code_label, verify = WORDS[language]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=log_in).click()
    page.get_by_label(code_label).fill(code_for(device))
    page.get_by_role("button", name=verify).click()


def sign_in_with_a_session(page: Any, base: str, user: Any, *, language: str | None = None) -> None:
    """Give the browser the session of a test client signed in with a verified second factor (and, if given, the
    language cookie)."""
    cookies = [{"name": "sessionid", "value": verified_client(user).cookies["sessionid"].value, "url": base}]
    if language:
        cookies.append({"name": "django_language", "value": language, "url": base})
    page.context.add_cookies(cookies)
