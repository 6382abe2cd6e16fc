"""Files that arrive with a message, checked by their content (never by the name or the type the sender declared).

Images go through the case photos' cleaning (redalert.cases.photos.clean_photo: decoded, re-encoded as JPEG, every
metadata block dropped). Voice notes and documents are accepted only when their first bytes are those of a format
we know (Ogg/Opus, MP3, AMR, MP4/M4A audio, WAV, WebM, PDF); anything else is refused, and the refusal is kept with
the message so that staff know something was sent.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from django.utils.translation import gettext as _

from redalert.cases.photos import PhotoError, clean_photo
from redalert.conversations.conf import setting
from redalert.conversations.services import CheckedFile

_SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"OggS", 0, "audio/ogg", "ogg"),
    (b"ID3", 0, "audio/mpeg", "mp3"),
    (b"#!AMR", 0, "audio/amr", "amr"),
    (b"ftyp", 4, "audio/mp4", "m4a"),
    (b"\x1a\x45\xdf\xa3", 0, "audio/webm", "webm"),
    (b"%PDF-", 0, "application/pdf", "pdf"),
]


class FileRefused(ValueError):
    """The file is not one we keep; the message says why."""


def _image_like(data: bytes) -> bool:
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a non-image file from its first bytes, or None."""
    for magic, offset, content_type, extension in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return content_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio/mpeg", "mp3"
    return None


def check_file(data: bytes) -> CheckedFile:
    """The file as we store it (images cleaned), or FileRefused."""
    if len(data) > setting("CONVERSATIONS_MEDIA_MAX_BYTES"):
        raise FileRefused(_("The file is too large."))
    if not data:
        raise FileRefused(_("The file is empty."))
    if _image_like(data):
        try:
            photo = clean_photo(BytesIO(data), len(data))
        except PhotoError as exc:
            raise FileRefused(str(exc)) from exc
        return CheckedFile(data=photo.data, content_type="image/jpeg", extension="jpg", sha256=photo.sha256)
    found = sniff(data)
    if found is None:
        raise FileRefused(_("This kind of file is not accepted (photos, voice notes and PDF only)."))
    content_type, extension = found
    return CheckedFile(
        data=data, content_type=content_type, extension=extension, sha256=hashlib.sha256(data).hexdigest()
    )
