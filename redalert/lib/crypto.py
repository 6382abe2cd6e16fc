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

TOKEN_PREFIX = "fernet:"  # noqa: S105 (a marker, not a secret)


@lru_cache(maxsize=4)
def _fernets_for(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: sensitive fields cannot be stored.")
    try:
        return tuple(Fernet(key.encode()) for key in keys)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key.") from exc


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(list(_fernets_for(keys)))


def fernet() -> MultiFernet:
    """All configured keys: the first encrypts, every one decrypts. Cached by the tuple of keys."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def _token(stored: str) -> bytes:
    if not stored.startswith(TOKEN_PREFIX):
        raise ValueError("Stored value is not an encrypted token.")
    return stored[len(TOKEN_PREFIX) :].encode("ascii")


def encrypt(plaintext: str) -> str:
    return TOKEN_PREFIX + fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


_UNDECRYPTABLE = "An encrypted field could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."


def decrypt(stored: str) -> str:
    token = _token(stored)
    try:
        return fernet().decrypt(token).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(_UNDECRYPTABLE) from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored token with the newest key (the plaintext does not change).

    Raises ValueError if `stored` is not a token, ImproperlyConfigured if no configured key can decrypt it.
    """
    token = _token(stored)
    try:
        return TOKEN_PREFIX + fernet().rotate(token).decode("ascii")
    except InvalidToken as exc:
        raise ImproperlyConfigured(_UNDECRYPTABLE) from exc


def is_current(stored: str) -> bool:
    """Whether a stored token is encrypted with the newest key, i.e. `rotate` has nothing to do."""
    newest = _fernets_for(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]
    try:
        newest.decrypt(_token(stored))
    except InvalidToken:
        return False
    return True


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
    """The attnames of a model's encrypted columns (empty for models without any)."""
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
