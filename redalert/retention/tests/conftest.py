"""A case with identifying data in every app: photo (published), family contact, consent scan, tip with photo
and contact, linked person with match keys, evidence file, note."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from redalert.cases.models import FamilyContact
from redalert.cases.photos import clean_photo
from redalert.cases.services import add_family_contact, add_note, add_photo
from redalert.consent.choices import Purpose
from redalert.investigation.models import EvidenceItem, LinkedPerson
from redalert.investigation.services import save_linked_person
from redalert.testing import make_public, record_consent
from redalert.tips.models import Tip

SECRETS = [
    "María Fernanda",
    "López",
    "Rosa Hernández",
    "+524421234567",
    "Calle Hidalgo",
    "Salió a la escuela",
    "Juana Pérez",
    "+525511112222",
    "Colonia Centro 45",
    "El Güero",
    "+525533334444",
    "tipster@example.org",
    "Lucía Tipster",
]


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


@pytest.fixture
def coordinator(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "coordinator", "field_investigator")


@pytest.fixture
def full_case(org_a: Any, coordinator: Any, make_case: Any, settings: Any, tmp_path: Any) -> Any:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    case = make_case(org_a, coordinator, aliases="El Güero")
    photo_file = jpeg()
    photo = add_photo(
        case, clean_photo(photo_file, len(photo_file.getvalue())), caption="María Fernanda", actor=coordinator
    )
    add_family_contact(
        case,
        FamilyContact(
            name="Juana Pérez",
            relationship="other_relative",
            phone="+525511112222",
            address="Colonia Centro 45",
            notes="x",
        ),
        actor=coordinator,
    )
    add_note(case, "general", "Rosa Hernández dice que Calle Hidalgo", actor=coordinator)
    record_consent(case, Purpose.STATISTICS, coordinator)
    make_public(case, coordinator, photo=photo, public_summary="María Fernanda López, vista en Calle Hidalgo")
    tip = Tip(
        case=case,
        description="Vi a María Fernanda en Calle Hidalgo",
        contact_name="Lucía Tipster",
        contact_phone="+525533334444",
        contact_email="tipster@example.org",
        anonymous=False,
        client_hash="x" * 64,
        photo_sha256="a" * 64,
    )
    tip.photo.save("tip.jpg", ContentFile(jpeg().getvalue()), save=False)
    tip.save()
    save_linked_person(
        case,
        LinkedPerson(link="suspect", name="Juana Pérez", aliases="El Güero", phones="+525511112222"),
        actor=coordinator,
    )
    evidence = EvidenceItem(
        case=case,
        title="Foto de María Fernanda",
        kind="image",
        content_type="image/jpeg",
        sha256="b" * 64,
        collected_by="Rosa Hernández",
        collected_at=timezone.make_aware(datetime(2026, 3, 3, 9, 0)),
        size=10,
        uploaded_by=coordinator,
    )
    evidence.file.save("e.jpg", ContentFile(jpeg().getvalue()), save=False)
    evidence.save()
    case.refresh_from_db()
    return case
