"""The backup file's encryption: AES-256-GCM in chunks (the STREAM construction, as in age), one key per file.

Layout: MAGIC, a random 16-byte salt, a 16-byte key check, then chunks of at most CHUNK plaintext bytes, each
sealed with AES-256-GCM under a key derived (HKDF-SHA256) from BACKUP_KEY and the salt. A chunk's nonce is its
number and a flag for the last chunk, and the header is authenticated with every chunk, so a changed, dropped,
reordered or truncated chunk, or a changed header, is refused. The key check tells a wrong BACKUP_KEY apart from
a damaged file. Memory use is one chunk, whatever the size of the backup.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from hashlib import sha256
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"REDALERT-BACKUP/1\n"
SALT_BYTES = 16
CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES
CHUNK = 64 * 1024
TAG_BYTES = 16
_MAX_CHUNKS = 2**88  # an 11-byte counter


class BackupKeyError(ValueError):
    """BACKUP_KEY is missing, malformed, or not the key this backup was made with."""


class BackupDamaged(ValueError):
    """The file is not a backup, or it was changed or cut short after it was written."""


def generate_key() -> str:
    """A new BACKUP_KEY: 32 random bytes, URL-safe base64 (the same shape as a Fernet key)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def parse_key(text: str) -> bytes:
    if not text:
        raise BackupKeyError(
            "BACKUP_KEY is not set. Generate one with `manage.py backup --generate-key` and keep it apart from "
            "FIELD_ENCRYPTION_KEYS and from the backups."
        )
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupKeyError("BACKUP_KEY is not valid: it must be 32 random bytes in URL-safe base64 (44 characters).")
    return raw


def _derive(master: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"redalert backup v1 " + purpose).derive(master)


def _nonce(counter: int, last: bool) -> bytes:
    if counter >= _MAX_CHUNKS:
        raise BackupDamaged("The backup has too many chunks.")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only binary stream that encrypts into `out`. Call close() to seal the last chunk."""

    def __init__(self, out: BinaryIO, master: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        check = _derive(master, salt, b"key check")[:CHECK_BYTES]
        self._header = MAGIC + salt + check
        self._aead = AESGCM(_derive(master, salt, b"payload"))
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed backup stream")
        self._buffer += data
        # Keep at least one byte back: the last chunk is sealed (with its flag) only in close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), chunk, self._header))
        self._counter += 1

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only binary stream of the plaintext of an encrypted backup; every chunk is authenticated first."""

    def __init__(self, source: BinaryIO, master: bytes) -> None:
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupDamaged("This file is not a Red Alert backup (or its beginning is damaged).")
        salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
        check = header[len(MAGIC) + SALT_BYTES :]
        if not hmac.compare_digest(check, _derive(master, salt, b"key check")[:CHECK_BYTES]):
            raise BackupKeyError(
                "This backup was made with a different BACKUP_KEY: set the key that was in use when it was made."
            )
        self._header = header
        self._aead = AESGCM(_derive(master, salt, b"payload"))
        self._source = source
        self._counter = 0
        self._pending = source.read(CHUNK + TAG_BYTES)
        self._plain = b""
        self.finished = False

    def _next_chunk(self) -> bytes:
        sealed = self._pending
        self._pending = self._source.read(CHUNK + TAG_BYTES)
        last = not self._pending
        try:
            plain = self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
        except InvalidTag as exc:
            raise BackupDamaged(
                f"The backup is damaged or was altered (chunk {self._counter} does not authenticate): nothing "
                "from it was restored."
            ) from exc
        self._counter += 1
        self.finished = last
        return plain

    def read(self, size: int = -1) -> bytes:
        while not self.finished and (size < 0 or len(self._plain) < size):
            self._plain += self._next_chunk()
        if size < 0:
            size = len(self._plain)
        out, self._plain = self._plain[:size], self._plain[size:]
        return out

    def drain(self) -> None:
        """Read to the end, so that a change after the last byte anyone needed is still found."""
        while not self.finished:
            self._next_chunk()


def file_sha256(path: os.PathLike[str] | str) -> str:
    digest = sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()
