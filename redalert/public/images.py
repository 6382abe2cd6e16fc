"""Images of the public site: resized photo variants and the share (preview) image.

Both are made with Pillow from the metadata-free JPEG kept in private storage (redalert.cases.photos), are
re-encoded from a fresh image (so nothing of any metadata survives), and are cached on disk under
settings.PRIVATE_MEDIA_ROOT / "public-variants", a folder no web server publishes. The cache never decides who sees
an image: the views check redalert.public.exposure on every request, so a withdrawal of consent takes effect at the
next request whatever is cached.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from redalert.cases.models import Photo
from redalert.public.exposure import PublicCase

# Widths of the photo variants; each fits in a 3:4 (portrait) box of that width, never enlarged.
VARIANT_SIZES = (160, 480, 960)
SHARE_WIDTH, SHARE_HEIGHT = 1200, 630
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RED = (176, 0, 32)
GREEN = (27, 94, 32)
INK = (27, 27, 27)
MUTED = (70, 70, 70)
WHITE = (255, 255, 255)
PHOTO_BG = (232, 232, 232)

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


def cache_dir() -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "public-variants"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def variant_box(size: int) -> tuple[int, int]:
    """The box a variant fits in: `size` wide, 4/3 as tall (the HTML reserves this space)."""
    return size, size * 4 // 3


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clean_copy(image: Image.Image) -> Image.Image:
    """A fresh RGB image with the same pixels and no info dict (no EXIF, GPS, XMP, ICC, comments)."""
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _open_photo(photo: Photo) -> Image.Image:
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        image.load()
        return _clean_copy(image)


def render_variant(photo: Photo, size: int) -> bytes:
    if size not in VARIANT_SIZES:
        raise ValueError(f"No variant of size {size}.")
    image = _open_photo(photo)
    image.thumbnail(variant_box(size), Image.Resampling.LANCZOS)
    out = BytesIO()
    _clean_copy(image).save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def photo_variant(photo: Photo, size: int) -> bytes:
    """The JPEG of `photo` resized to `size`, from the disk cache (keyed by the photo's sha256 and the size)."""
    path = cache_dir() / f"{photo.sha256}-{size}.jpg"
    if path.exists():
        return path.read_bytes()
    data = render_variant(photo, size)
    _write_atomically(path, data)
    return data


def variant_etag(photo: Photo, size: int) -> str:
    return f'"{photo.sha256[:20]}-{size}"'


# The share image -------------------------------------------------------------------------------------------------


def font(size: int, *, bold: bool = False) -> FontType:
    """DejaVu Sans (Debian's fonts-dejavu-core), else Pillow's built-in scalable font."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: FontType, width: int, max_lines: int) -> list[str]:
    """Break `text` into at most `max_lines` lines that fit in `width` pixels (the last one ends in "…")."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=fnt) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while draw.textlength(current, font=fnt) > width and len(current) > 1:
            current = current[:-1]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=fnt) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def share_lines(public: PublicCase) -> dict[str, str | list[str]]:
    """The texts of the share image in the active language (the caller chose it)."""
    facts: list[str] = []
    if public.age is not None:
        facts.append(ngettext("%(age)d year old", "%(age)d years old", public.age) % {"age": public.age})
    if public.is_missing:
        facts.append(_("Last seen: %(date)s") % {"date": date_format(public.last_seen_on, "DATE_FORMAT")})
        facts.append(public.place_label)
    elif public.located_on is not None:
        facts.append(_("Located: %(date)s") % {"date": date_format(public.located_on, "DATE_FORMAT")})
    return {
        "band": _("LOOKING FOR") if public.is_missing else _("LOCATED"),
        "name": public.full_name,
        "facts": facts,
        "organisation": public.contact.organisation,
        "hotline": public.contact.hotline,
    }


def share_key(public: PublicCase, photo: Photo | None, language: str) -> str:
    """A digest of everything drawn on the share image: it changes whenever the picture would."""
    texts = share_lines(public)
    material = repr((sorted(texts.items()), photo.sha256 if photo else "", language, SHARE_WIDTH, "v1"))
    return hashlib.sha256(material.encode()).hexdigest()


def render_share_image(public: PublicCase, photo: Photo | None) -> bytes:
    texts = share_lines(public)
    image = Image.new("RGB", (SHARE_WIDTH, SHARE_HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    band_colour = RED if public.is_missing else GREEN
    band_height = 130
    draw.rectangle((0, 0, SHARE_WIDTH, band_height), fill=band_colour)
    band_font = font(92, bold=True)
    draw.text((48, band_height // 2), str(texts["band"]), font=band_font, fill=WHITE, anchor="lm")

    margin = 48
    text_left = margin
    top = band_height + 36
    if photo is not None:
        box_w, box_h = 330, SHARE_HEIGHT - band_height - 2 * 30
        picture = _open_photo(photo)
        picture.thumbnail((box_w, box_h), Image.Resampling.LANCZOS)
        frame = Image.new("RGB", (box_w, box_h), PHOTO_BG)
        frame.paste(picture, ((box_w - picture.width) // 2, (box_h - picture.height) // 2))
        image.paste(frame, (margin, band_height + 30))
        text_left = margin + box_w + 40
    text_width = SHARE_WIDTH - text_left - margin

    footer_font = font(28, bold=True)
    footer = str(texts["organisation"])
    if texts["hotline"]:
        footer = f"{footer} · {texts['hotline']}"
    footer_lines = _wrap(draw, footer, footer_font, text_width, 2)
    footer_top = SHARE_HEIGHT - 30 - 38 * len(footer_lines)

    # The name as large as fits in two lines (three at the smallest size).
    for size in (58, 50, 44):
        name_font = font(size, bold=True)
        name_lines = _wrap(draw, str(texts["name"]), name_font, text_width, 3)
        if len(name_lines) <= 2:
            break
    for line in name_lines:
        draw.text((text_left, top), line, font=name_font, fill=INK)
        top += int(size * 1.2)
    top += 14
    fact_font = font(34)
    for fact in texts["facts"]:
        for line in _wrap(draw, fact, fact_font, text_width, 2):
            if top + 42 > footer_top - 8:
                break
            draw.text((text_left, top), line, font=fact_font, fill=INK)
            top += 44
    y = footer_top
    for line in footer_lines:
        draw.text((text_left, y), line, font=footer_font, fill=MUTED)
        y += 38
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)  # a fresh image: it carries no metadata
    return out.getvalue()


def share_image(public: PublicCase, photo: Photo | None, language: str) -> tuple[bytes, str]:
    """The PNG share image and its cache key (also its ETag)."""
    key = share_key(public, photo, language)
    path = cache_dir() / f"share-{key}.png"
    if path.exists():
        return path.read_bytes(), key
    data = render_share_image(public, photo)
    _write_atomically(path, data)
    return data, key
