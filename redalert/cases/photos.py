"""Photo intake: checked by content, re-encoded as JPEG, stripped of every metadata block (EXIF, GPS, XMP, IPTC)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


class PhotoError(ValueError):
    """The file cannot be used as a photo; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    sha256: str


def clean_photo(upload: IO[bytes], size: int, *, max_pixels: int | None = None) -> CleanPhoto:
    """Return a metadata-free JPEG copy of an uploaded image, or raise PhotoError.

    The size in pixels is read from the header (Image.open decodes nothing) and checked against `max_pixels`
    (default PHOTO_MAX_PIXELS) before any pixel is decoded: a small file can describe a huge image.
    """
    limit = settings.PHOTO_MAX_PIXELS if max_pixels is None else max_pixels
    if size > settings.PHOTO_MAX_BYTES:
        raise PhotoError(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": settings.PHOTO_MAX_BYTES // 1_048_576}
        )
    try:
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoError(_("This file is not a photo in a format we accept (JPEG, PNG, WebP, GIF)."))
            if probe.width * probe.height > limit:
                raise PhotoError(
                    _(
                        "The photo is too big (%(pixels)s megapixels); the limit is %(limit)s megapixels. "
                        "Please send a smaller photo or a screenshot of it."
                    )
                    % {"pixels": round(probe.width * probe.height / 1_000_000), "limit": limit // 1_000_000}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            rgb = upright.convert("RGB")
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(_("This file is not an image, or it is damaged.")) from exc
    rgb.thumbnail((settings.PHOTO_MAX_SIDE, settings.PHOTO_MAX_SIDE))
    # A fresh image carries no info dict: nothing of the original's EXIF, GPS, XMP, ICC or comments survives.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    data = out.getvalue()
    return CleanPhoto(data=data, width=clean.width, height=clean.height, sha256=hashlib.sha256(data).hexdigest())
