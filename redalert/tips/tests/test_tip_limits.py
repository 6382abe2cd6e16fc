"""The public tip form's limits (issue 13): a photo of too many pixels is refused from its header, before any pixel is
decoded, and every attempt (stored or refused) counts against the client's hourly limit, checked first."""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from redalert.cases.photos import clean_photo
from redalert.tips.models import Tip

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A PNG of 40 megapixels that weighs a few tens of kilobytes: all black, so it compresses ~1000:1."""
    out = BytesIO()
    Image.new("L", (8000, 5000)).save(out, "PNG")
    data = out.getvalue()
    assert len(data) < 100_000
    return data


def post(client, public_id, **data):
    fields = {"description": "La vi en la estación de autobuses.", "seen_on": "2026-03-03", **data}
    return client.post(reverse("tips:send", args=[public_id]), fields, **ES)


def test_a_40_megapixel_photo_is_refused_from_its_header_with_a_clear_spanish_message(client, public_id, bomb):
    started = time.perf_counter()
    response = post(client, public_id, photo=SimpleUploadedFile("foto.png", bomb, content_type="image/png"))
    refused_in = time.perf_counter() - started
    assert response.status_code == 400
    page = response.content.decode()
    assert "La foto es demasiado grande (40 megapíxeles); el límite es de 24 megapíxeles." in page
    assert not Tip.objects.exists()
    # Decoding it is what the limit avoids: the refusal costs a fraction of it.
    started = time.perf_counter()
    clean_photo(BytesIO(bomb), len(bomb), max_pixels=50_000_000)
    decoding = time.perf_counter() - started
    assert refused_in < decoding / 2, (refused_in, decoding)


def test_every_attempt_counts_against_the_hourly_limit(client, public_id, bomb, settings):
    settings.TIP_ATTEMPTS_PER_HOUR = 3
    for _ in range(3):  # refused attempts: nothing stored, but counted
        assert post(client, public_id, description="").status_code == 400
    response = post(client, public_id)  # a valid tip, but the fourth attempt in the hour
    assert response.status_code == 429
    assert not Tip.objects.exists()
    started = time.perf_counter()
    response = post(client, public_id, photo=SimpleUploadedFile("foto.png", bomb, content_type="image/png"))
    assert response.status_code == 429  # refused before the photo is even opened
    assert time.perf_counter() - started < 1
    # Another connection has its own count.
    other = client.post(
        reverse("tips:send", args=[public_id]),
        {"description": "La vi.", "seen_on": "2026-03-03"},
        REMOTE_ADDR="10.0.0.9",
        **ES,
    )
    assert other.status_code == 302
    assert Tip.objects.count() == 1
