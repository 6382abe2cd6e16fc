"""Shared set-up of the public site's tests: consent and publication through the domain functions, a published
case with its details, and a case photo added the way the staff upload adds it."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from PIL import Image

from redalert.cases.models import FamilyContact
from redalert.cases.photos import clean_photo
from redalert.cases.services import add_photo
from redalert.consent.choices import Decision
from redalert.consent.models import ConsentRecord
from redalert.testing import make_public, record_consent, start_search


def consent(case: Any, purpose: str, user: Any, decision: str = Decision.GRANTED) -> ConsentRecord:
    return record_consent(case, purpose, user, decision)


def to_active_search(case: Any, user: Any) -> Any:
    return start_search(case, user)


def publish(case: Any, user: Any, **choices: Any) -> Any:
    """Consent to publish, then mark public through the service a coordinator's page uses."""
    return make_public(case, user, **choices)


@pytest.fixture
def published(make_case: Any, org_a: Any, coordinator: Any) -> Any:
    """A case of organisation A in active search, published with its details."""
    case = make_case(
        org_a,
        coordinator,
        physical_description="Complexión delgada, cabello largo castaño.",
        distinguishing_marks="Lunar en la mejilla izquierda.",
        clothing="Uniforme escolar azul.",
        last_seen_latitude="20.5931",
        last_seen_longitude="-100.3920",
    )
    FamilyContact.objects.create(
        case=case,
        name="Rosa Hernández Cruz",
        relationship="mother",
        phone="+524429876543",
        address="Avenida Zaragoza 45, Colonia Centro",
    )
    publish(case, coordinator, public_summary="Ayúdanos a encontrarla.")
    return case


def public_id(case: Any) -> str:
    return case.publication.public_id


def jpeg_with_gps(size: tuple[int, int] = (600, 800), colour: str = "teal") -> bytes:
    """A JPEG carrying EXIF with a camera model and a GPS position (Querétaro), as a phone would write it."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 3000"  # Model
    exif[0x8825] = {1: "N", 2: (20.0, 35.0, 35.0), 3: "W", 4: (100.0, 23.0, 31.0)}  # GPSInfo
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo_of_case() -> Any:
    """Add a photo to a case the way the staff upload does (cleaned, then stored)."""

    def add(case: Any, data: bytes | None = None) -> Any:
        data = data or jpeg_with_gps()
        cleaned = clean_photo(BytesIO(data), len(data))
        return add_photo(case, cleaned, caption="", actor=case.created_by)

    return add
