"""Uploaded files are encrypted at rest with the field keys (issue 13): the bytes on disk hold no file signature and
no plaintext, every view that serves a file still gives the original, files written before encryption still read,
and `rotate_encryption_keys` re-encrypts files too."""

from __future__ import annotations

import re
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from redalert.cases.photos import clean_photo
from redalert.cases.services import add_photo
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.investigation.evidence import check_evidence
from redalert.investigation.services import add_evidence
from redalert.lib.storage import MAGIC, private_storage
from redalert.tips.services import TipData, receive_tip

SIGNATURES = (b"\xff\xd8\xff", b"%PDF", b"\x89PNG")
SECRET_TEXT = b"Declaracion de la madre: la vio por ultima vez con Ramiro en la terminal"


def on_disk(name: str) -> bytes:
    return (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes()


def assert_encrypted(raw: bytes, *plain: bytes) -> None:
    assert raw.startswith(MAGIC)
    for signature in SIGNATURES:
        assert signature not in raw
    for text in plain:
        assert text not in raw


def jpeg_photo():
    out = BytesIO()
    Image.new("RGB", (120, 160), (180, 120, 90)).save(out, "JPEG")
    return clean_photo(BytesIO(out.getvalue()), len(out.getvalue()))


def test_case_photos_are_encrypted_on_disk_and_served_in_clear(client_for, make_user, make_case, org_a):
    coordinator = make_user(org_a, "coordinator")
    case = make_case(org_a, coordinator)
    photo = jpeg_photo()
    stored = add_photo(case, photo, caption="", actor=coordinator)
    assert_encrypted(on_disk(stored.image.name))
    response = client_for(coordinator).get(reverse("cases:photo_file", args=[case.pk, stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo.data
    assert response["Content-Type"] == "image/jpeg"


def test_tip_photos_and_evidence_are_encrypted_on_disk(make_user, make_case, org_a):
    coordinator = make_user(org_a, "coordinator")
    case = make_case(org_a, coordinator)
    tip = receive_tip(case, TipData(description="La vi.", photo=jpeg_photo()), client="x" * 64, language="es")
    assert_encrypted(on_disk(tip.photo.name))
    with tip.photo.open("rb") as handle:
        assert handle.read().startswith(b"\xff\xd8\xff")

    pdf = b"%PDF-1.4\n" + SECRET_TEXT + b"\n%%EOF\n"
    checked = check_evidence(BytesIO(pdf), len(pdf))
    item = add_evidence(
        case,
        checked,
        title="Declaración",
        description="",
        original_name="declaracion.pdf",
        collected_by="Equipo",
        collected_at=timezone.now(),
        actor=coordinator,
    )
    assert_encrypted(on_disk(item.file.name), SECRET_TEXT)
    with item.file.open("rb") as handle:
        assert handle.read() == pdf
    assert item.file.size == len(pdf)  # the size of the original, not of the encrypted file


def test_consent_scans_get_a_random_name_the_right_type_and_are_encrypted(client_for, make_user, make_case, org_a):
    coordinator = make_user(org_a, "coordinator")
    case = make_case(org_a, coordinator)
    client = client_for(coordinator)
    pdf = b"%PDF-1.4\n" + SECRET_TEXT + b"\n%%EOF\n"
    upload = SimpleUploadedFile("../../firma de Rosa Hernández.html", pdf, content_type="text/html")
    response = client.post(
        reverse("consent:page", args=[case.pk]),
        {
            "purpose": Purpose.PUBLISH,
            "decision": Decision.GRANTED,
            "given_by_name": "Rosa Hernández Cruz",
            "given_by_relationship": "mother",
            "method": "signed_form",
            "decided_on": "2026-03-02",
            "form_scan": upload,
        },
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert re.fullmatch(r"consent/\d{4}/[0-9a-f]{32}\.pdf", record.form_scan.name)
    assert_encrypted(on_disk(record.form_scan.name), SECRET_TEXT, "Hernández".encode())
    download = client.get(reverse("consent:scan", args=[case.pk, record.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf


def test_a_file_written_before_encryption_still_reads_and_rotation_encrypts_it():
    storage = private_storage()
    legacy = Path(settings.PRIVATE_MEDIA_ROOT) / "legacy" / "old.pdf"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(b"%PDF-1.4 old")
    with storage.open("legacy/old.pdf") as handle:
        assert handle.read() == b"%PDF-1.4 old"
    assert storage.reencrypt("legacy/old.pdf") == "plaintext"
    assert_encrypted(legacy.read_bytes(), b"old")
    with storage.open("legacy/old.pdf") as handle:
        assert handle.read() == b"%PDF-1.4 old"


def test_rotation_re_encrypts_files_with_the_newest_key(make_user, make_case, org_a):
    old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    coordinator = make_user(org_a, "coordinator")
    case = make_case(org_a, coordinator)
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        stored = add_photo(case, jpeg_photo(), caption="", actor=coordinator)
    before = on_disk(stored.image.name)
    with pytest.raises(InvalidToken):  # the new key alone cannot read what the old key wrote
        Fernet(new_key.encode()).decrypt(before[len(MAGIC) :])
    out = StringIO()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *settings.FIELD_ENCRYPTION_KEYS]):
        call_command("rotate_encryption_keys", stdout=out, stderr=StringIO())
    assert "cases.Photo files: 1 files, re-encrypted 1" in out.getvalue()
    after = on_disk(stored.image.name)
    assert after != before
    assert_encrypted(after)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        stored.refresh_from_db()
        with stored.image.open("rb") as handle:
            assert handle.read().startswith(b"\xff\xd8\xff")
        out = StringIO()
        call_command("rotate_encryption_keys", stdout=out, stderr=StringIO())  # nothing left to do
    assert "cases.Photo files: 1 files, re-encrypted 0 (1 already current" in out.getvalue()
