"""Photo variants and the share image: metadata-free, resized, cached privately, gone when consent is withdrawn."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from redalert.consent.choices import Decision, Purpose
from redalert.public import images
from redalert.public.services import set_public
from redalert.public.tests.conftest import consent, jpeg_with_gps, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_photo(make_case: Any, org_a: Any, coordinator: Any, photo_of_case: Any) -> Any:
    case = make_case(org_a, coordinator)
    photo = photo_of_case(case, jpeg_with_gps((1200, 1600)))
    publish(case, coordinator, photo=photo)
    return case


def url(case: Any, name: str) -> str:
    return f"/se-busca/{case.publication.public_id}/{name}"


def test_the_uploaded_test_photo_really_has_gps(db):
    with Image.open(BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(0x8825)


@pytest.mark.parametrize("size", images.VARIANT_SIZES)
def test_photo_variant_is_resized_jpeg_without_any_metadata(client, with_photo, size):
    response = client.get(url(with_photo, f"foto-{size}.jpg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    data = response.content
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.width <= size and image.height <= size * 4 // 3
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info
    assert b"PhoneCam" not in data and b"Exif" not in data


def test_photo_variant_headers_allow_only_short_caching_and_support_etag(client, with_photo):
    response = client.get(url(with_photo, "foto-480.jpg"))
    assert response["Cache-Control"] == "public, max-age=300"
    etag = response["ETag"]
    again = client.get(url(with_photo, "foto-480.jpg"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


@pytest.mark.parametrize("size", [0, 100, 161, 2000, 99999])
def test_other_sizes_are_404(client, with_photo, size):
    assert client.get(url(with_photo, f"foto-{size}.jpg")).status_code == 404


def test_variants_are_cached_privately_and_never_in_static_folders(client, with_photo):
    client.get(url(with_photo, "foto-160.jpg"))
    photo = with_photo.publication.photo
    cached = Path(settings.PRIVATE_MEDIA_ROOT) / "public-variants" / f"{photo.sha256}-160.jpg"
    assert cached.exists()
    static_root = Path(settings.STATIC_ROOT).resolve()
    assert static_root not in cached.resolve().parents


def test_only_the_chosen_photo_is_served(client, with_photo, photo_of_case):
    other = photo_of_case(with_photo, jpeg_with_gps(colour="orange"))
    publication = with_photo.publication
    publication.photo = None
    set_public(with_photo, publication, True, actor=with_photo.created_by)
    assert client.get(url(with_photo, "foto-480.jpg")).status_code == 404
    assert "foto-" not in client.get(url(with_photo, "")).content.decode()
    assert other.pk  # the case has photos; none is public


def test_withdrawal_makes_the_cached_variant_404_at_once(client, with_photo, coordinator):
    assert client.get(url(with_photo, "foto-480.jpg")).status_code == 200
    etag = client.get(url(with_photo, "foto-480.jpg"))["ETag"]
    consent(with_photo, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    assert client.get(url(with_photo, "foto-480.jpg")).status_code == 404
    assert client.get(url(with_photo, "foto-480.jpg"), HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert client.get(url(with_photo, "compartir.png")).status_code == 404


def test_share_image_is_a_1200_by_630_png(client, with_photo):
    response = client.get(url(with_photo, "compartir.png?lang=es"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=300"
    with Image.open(BytesIO(response.content)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)
        assert not image.info.get("exif")
        # The band at the top is red for a missing person.
        assert image.convert("RGB").getpixel((5, 5)) == images.RED


def test_share_image_without_photo_and_for_each_language(client, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator, given_names="Ximena", first_surname="Ávila Muñoz")
    publish(case, coordinator)
    for lang in ("es", "en", "pt", "xx", ""):
        response = client.get(url(case, f"compartir.png?lang={lang}"))
        assert response.status_code == 200
    data = client.get(url(case, "compartir.png")).content
    with Image.open(BytesIO(data)) as image:
        assert image.size == (1200, 630)


def test_share_texts_handle_accents_and_the_language(with_photo):
    from django.utils import translation

    from redalert.public.exposure import exposure, with_public_relations

    case = with_public_relations(type(with_photo).objects.filter(pk=with_photo.pk)).get()
    with translation.override("en"):
        texts = images.share_lines(exposure(case))
    assert texts["band"] == "LOOKING FOR"
    assert texts["name"] == "María Fernanda López Hernández"
    assert any("Querétaro" in fact for fact in texts["facts"])
    png = images.render_share_image(exposure(case), None)
    assert png.startswith(b"\x89PNG")


def test_share_image_falls_back_to_pillow_font(monkeypatch, with_photo, tmp_path):
    monkeypatch.setattr(images, "FONT_DIR", tmp_path)  # no DejaVu here
    from redalert.public.exposure import exposure, with_public_relations

    case = with_public_relations(type(with_photo).objects.filter(pk=with_photo.pk)).get()
    with Image.open(BytesIO(images.render_share_image(exposure(case), None))) as image:
        assert image.size == (1200, 630)


def test_located_share_image_has_the_located_band(client, with_photo, coordinator):
    from django.utils import timezone

    from redalert.cases.choices import CaseStatus
    from redalert.cases.lifecycle import TransitionRequest, transition

    transition(with_photo, TransitionRequest(CaseStatus.LOCATED_ALIVE, on=timezone.localdate()), coordinator)
    response = client.get(url(with_photo, "compartir.png"))
    with Image.open(BytesIO(response.content)) as image:
        assert image.convert("RGB").getpixel((5, 5)) == images.GREEN


def test_purge_removes_cached_images_of_a_withdrawn_case(client, with_photo, coordinator):
    from django.core.management import call_command

    assert client.get(url(with_photo, "foto-480.jpg")).status_code == 200
    assert client.get(url(with_photo, "compartir.png")).status_code == 200
    sha = with_photo.publication.photo.sha256
    call_command("purge_public_cache")
    assert any(p.name.startswith(sha) for p in images.cache_dir().iterdir())  # still public: kept
    consent(with_photo, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    call_command("purge_public_cache", "--share-max-age", "0")
    left = [p.name for p in images.cache_dir().iterdir()]
    assert not any(name.startswith(sha) or name.startswith("share-") for name in left)
