"""Second factor: TOTP (django-otp) with single-use backup codes."""

from __future__ import annotations

import secrets
from typing import Any

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"


def has_confirmed_device(user: Any) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).exists()
    )


def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def new_backup_codes(user: Any) -> list[str]:
    """Replace the user's single-use backup codes with ten fresh ones and return them, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
