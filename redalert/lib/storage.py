"""Where uploaded files live: a private folder that no web server publishes (settings.PRIVATE_MEDIA_ROOT), encrypted.

Every file saved through `private_storage()` (case photos, consent scans, evidence, tip photos) is written as
MAGIC + a Fernet token of its bytes, with the field keys (settings.FIELD_ENCRYPTION_KEYS, redalert.lib.crypto): the
newest key encrypts, every key decrypts. Opening a file gives the plain bytes back; a file without the marker
(written before files were encrypted) is read as it is, until `manage.py rotate_encryption_keys` encrypts it.
Someone who copies the folder, a backup of it or a disk gets nothing readable without the keys.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from redalert.lib import crypto

MAGIC = b"redalert-encrypted-file:v1\n"

EMPTY, CURRENT, ROTATED, PLAINTEXT, UNDECRYPTABLE, MISSING = (
    "empty",
    "current",
    "rotated",
    "plaintext",
    "undecryptable",
    "missing",
)


def is_encrypted(raw: bytes) -> bool:
    return raw.startswith(MAGIC)


def encrypt_bytes(data: bytes) -> bytes:
    return MAGIC + crypto.fernet().encrypt(data)


_UNDECRYPTABLE = "A stored file could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."


def decrypt_bytes(raw: bytes) -> bytes:
    """The plain bytes of a stored file (a file without the marker is returned as it is)."""
    if not is_encrypted(raw):
        return raw
    try:
        return crypto.fernet().decrypt(raw[len(MAGIC) :])
    except InvalidToken as exc:
        raise ImproperlyConfigured(_UNDECRYPTABLE) from exc


class EncryptedFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage that encrypts on save and decrypts on open (files are read whole: at most 25 MB)."""

    def _save(self, name: str, content: File[Any]) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return super()._save(name, ContentFile(encrypt_bytes(data)))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save(), never opened for writing.")
        return ContentFile(decrypt_bytes(self.read_raw(name)), name=name)

    def size(self, name: str) -> int:
        """The size of the plain file (what a download sends), not of the encrypted one on disk."""
        with self._open(name) as handle:
            return int(handle.size)

    def read_raw(self, name: str) -> bytes:
        """The bytes on disk (encrypted or legacy plain)."""
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def _replace_raw(self, name: str, raw: bytes) -> None:
        """Write `raw` over a stored file atomically (a new file renamed over the old one, same folder)."""
        target = self.path(name)
        folder = os.path.dirname(target)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".rotating-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def reencrypt(self, name: str, *, dry_run: bool = False) -> str:
        """Bring one stored file to the newest key: the outcome (CURRENT, ROTATED, PLAINTEXT, UNDECRYPTABLE…)."""
        if not name:
            return EMPTY
        if not self.exists(name):
            return MISSING
        raw = self.read_raw(name)
        if not is_encrypted(raw):
            if not dry_run:
                self._replace_raw(name, encrypt_bytes(raw))
            return PLAINTEXT
        token = raw[len(MAGIC) :]
        try:
            if crypto.is_current(crypto.TOKEN_PREFIX + token.decode("ascii")):
                return CURRENT
        except UnicodeDecodeError:
            return UNDECRYPTABLE
        try:
            rotated = crypto.fernet().rotate(token)
        except InvalidToken:
            return UNDECRYPTABLE
        if not dry_run:
            self._replace_raw(name, MAGIC + rotated)
        return ROTATED


def private_storage() -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
