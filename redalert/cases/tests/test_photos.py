"""Photo upload and serving: GPS stripped, served only to staff, non-images and too large files refused."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from redalert.cases.models import Photo


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (20.0, 35.0, 19.0), 3: "W", 4: (100.0, 23.0, 17.0)}
    exif[0x8825] = gps
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_photo_upload_strips_gps_and_is_served_only_to_staff(client_for, case, coordinator, org_b, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = jpeg_with_gps()
    assert Image.open(BytesIO(raw)).getexif().get_ifd(0x8825)  # the fixture really carries GPS
    client = client_for(coordinator)
    upload = SimpleUploadedFile("foto.jpg", raw, content_type="image/jpeg")
    response = client.post(reverse("cases:photo_upload", args=[case.pk]), {"photo": upload, "caption": "2025"})
    assert response.status_code == 302
    photo = Photo.objects.get(case=case)
    with photo.image.open("rb") as stored:
        clean = Image.open(BytesIO(stored.read()))
        assert not clean.getexif()
        assert "exif" not in clean.info and "xmp" not in clean.info
    served = client.get(reverse("cases:photo_file", args=[case.pk, photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert (
        client_for(make_user(org_b, "coordinator"))
        .get(reverse("cases:photo_file", args=[case.pk, photo.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"%PDF-1.4 not an image", "no es una imagen"), (b"\xff\xd8\xff\xe0 broken jpeg", "no es una imagen")],
)
def test_non_images_are_refused(client_for, case, coordinator, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(coordinator)
    upload = SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg")
    response = client.post(
        reverse("cases:photo_upload", args=[case.pk]), {"photo": upload}, HTTP_ACCEPT_LANGUAGE="es", follow=True
    )
    assert message in response.content.decode().lower()
    assert not Photo.objects.exists()


def test_too_large_photos_are_refused(client_for, case, coordinator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PHOTO_MAX_BYTES = 1000
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_gps() + b"\0" * 2000, content_type="image/jpeg")
    response = client_for(coordinator).post(
        reverse("cases:photo_upload", args=[case.pk]), {"photo": upload}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "too large" in response.content.decode()
    assert not Photo.objects.exists()
