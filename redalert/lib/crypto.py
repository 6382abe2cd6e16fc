"""Encryption at rest for sensitive fields.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package. The keys come from
settings.FIELD_ENCRYPTION_KEYS, newest first: the first key encrypts, every key decrypts. Rotating a key is adding
a new one in front, running `manage.py rotate_encryption_keys`, then dropping the old one (docs/operations.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: sensitive fields cannot be stored.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return TOKEN_PREFIX + fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(TOKEN_PREFIX):
        raise ValueError("Stored value is not an encrypted token.")
    try:
        return fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored token with the newest key (no-op on the plaintext)."""
    token = stored[len(TOKEN_PREFIX) :].encode("ascii")
    return TOKEN_PREFIX + fernet().rotate(token).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text column whose database value is a Fernet token; Python code sees plain text.

    Empty values are stored as the empty string so that "nothing recorded" stays visible without decrypting.
    Encrypted columns cannot be searched or ordered by the database, by design.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
