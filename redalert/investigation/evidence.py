"""Evidence intake: the file is checked by its content, kept byte for byte, and fingerprinted with SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from redalert.investigation.choices import EvidenceKind

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "MPO": "image/jpeg",
}
CHUNK = 1024 * 1024


class EvidenceError(ValueError):
    """The file cannot be kept as evidence; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    kind: str
    content_type: str
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(data: bytes) -> tuple[str, str] | None:
    """(kind, content type) of a file from its content, or None if it is not an image, a PDF or plain text."""
    if data.startswith(b"%PDF-"):
        return EvidenceKind.PDF, "application/pdf"
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format or ""
            if image_format in IMAGE_FORMATS:
                probe.verify()
                return EvidenceKind.IMAGE, IMAGE_FORMATS[image_format]
            return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        pass
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return EvidenceKind.TEXT, "text/plain; charset=utf-8"


def check_evidence(upload: IO[bytes], size: int) -> CheckedFile:
    """Read and check an uploaded file; raise EvidenceError if it is too large or of a type we do not keep."""
    limit = max_bytes()
    if size > limit:
        raise EvidenceError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": limit // 1_048_576}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError(_("The file is too large; the limit is %(limit)s MB.") % {"limit": limit // 1_048_576})
    if not data:
        raise EvidenceError(_("The file is empty."))
    found = sniff(data)
    if found is None:
        raise EvidenceError(_("Only images (JPEG, PNG, WebP, GIF), PDF documents and plain text can be kept."))
    kind, content_type = found
    return CheckedFile(data=data, kind=kind, content_type=content_type, sha256=hashlib.sha256(data).hexdigest())


def fingerprint(file: File) -> str:
    """The SHA-256 of a stored file, read in chunks."""
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
