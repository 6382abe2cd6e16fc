"""Login: password, then a TOTP second factor; lockout after repeated failures; staff pages need both."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.audit.models import AuditAction, AuditEntry

PASSWORD = "correct horse battery"


@pytest.fixture
def coordinator(org_a, make_user):
    return make_user(org_a, "coordinator", username="coordinadora")


@pytest.fixture(autouse=True)
def no_throttle_delay(settings):
    """django-otp makes a device wait after a wrong code; these tests type the right one straight after."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_staff_pages_need_a_login(db):
    response = Client().get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_first_login_enrols_an_authenticator_then_shows_backup_codes(coordinator):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    assert response.status_code == 302
    # The password alone does not open staff pages: she is sent to set up the second factor.
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:enrol"))
    page = client.get(reverse("accounts:enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert page.context["secret"] in page.content.decode()

    wrong = client.post(
        reverse("accounts:enrol"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors

    done = client.post(reverse("accounts:enrol"), {"token": current_code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cases:list")).status_code == 200
    assert AuditEntry.objects.filter(actor=coordinator, action=AuditAction.SECURITY).exists()


def test_enrolled_user_must_give_a_code_and_a_backup_code_works_once(coordinator):
    from redalert.accounts.two_factor import new_backup_codes

    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    codes = new_backup_codes(coordinator)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    response = client.get(reverse("cases:list"))
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:verify"), {"token": "12345678"}).status_code == 200
    assert client.get(reverse("cases:list")).status_code == 302
    ok = client.post(reverse("accounts:verify"), {"token": codes[0], "next": reverse("cases:list")})
    assert ok.status_code == 302 and ok["Location"] == reverse("cases:list")
    assert client.get(reverse("cases:list")).status_code == 200

    again = Client()
    again.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    assert again.post(reverse("accounts:verify"), {"token": codes[0]}).status_code == 200  # used up
    assert again.get(reverse("cases:list")).status_code == 302


def test_verify_refuses_to_redirect_to_another_site(coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    response = client.post(reverse("accounts:verify"), {"token": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")


def test_repeated_failed_logins_lock_the_account(coordinator, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "coordinadora", "password": "wrong password"})
    assert response.status_code in (403, 429)
    locked = client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_gets_a_clear_message_in_spanish(coordinator):
    response = Client().post(
        reverse("accounts:login"), {"username": "coordinadora", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert "contraseña" in response.content.decode().lower()


def test_a_wrong_code_makes_the_device_wait(coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client.post(reverse("accounts:verify"), {"token": wrong})
    client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert client.get(reverse("cases:list")).status_code == 302  # refused during the back-off


def test_sessions_expire_when_idle(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_the_code_field_lets_a_phone_type_the_letters_of_a_backup_code(coordinator):
    from redalert.accounts.two_factor import new_backup_codes

    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    codes = new_backup_codes(coordinator)
    assert any(not code.isdigit() for code in codes), "backup codes contain letters"
    client = Client()
    client.post(reverse("accounts:login"), {"username": "coordinadora", "password": PASSWORD})
    page = client.get(reverse("accounts:verify")).content.decode()
    field = page[page.index('name="token"') - 300 : page.index('name="token"') + 300]
    assert 'inputmode="numeric"' not in field
    assert 'autocapitalize="none"' in field
