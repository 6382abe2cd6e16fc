"""Evidence: checked by content, fingerprinted, kept privately, served only through an audited view that re-hashes
the file, with a chain of custody."""

import hashlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from redalert.audit.models import AuditAction, AuditEntry
from redalert.investigation.evidence import EvidenceError, check_evidence
from redalert.investigation.models import CustodyEvent, EvidenceItem


def png_bytes() -> bytes:
    out = BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, case, name, data, **extra):
    fields = {
        "evidence-file": SimpleUploadedFile(name, data),
        "evidence-title": "Captura del perfil",
        "evidence-collected_by": "Lucía Pérez",
        "evidence-collected_at": "2026-03-03T10:00",
        **extra,
    }
    return client.post(
        reverse("investigation:evidence_add", args=[case.pk]), fields, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("captura.png", png_bytes(), "image"), ("acta.pdf", PDF, "pdf"), ("chat.txt", "¿dónde estás?".encode(), "text")],
)
def test_evidence_is_kept_byte_for_byte_with_its_fingerprint(client_for, case, investigator, name, data, kind):
    response = upload(client_for(investigator), case, name, data)
    item = EvidenceItem.objects.get()
    assert item.kind == kind
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    with item.file.open("rb") as stored:
        assert stored.read() == data
    assert "Fingerprint matches" in response.content.decode()
    custody = CustodyEvent.objects.get(evidence=item)
    assert custody.action == "collected"
    assert custody.to_holder == "Lucía Pérez"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(item.pk), case_id=case.pk).exists()


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00\x03\x00\x00\x00binary", b"\x89PNG\r\n\x1a\nnot really a png \x00\x00", b"<html>\x00</html>"],
)
def test_files_of_other_types_are_refused_by_content_whatever_their_name(client_for, case, investigator, data):
    response = upload(client_for(investigator), case, "photo.png", data)
    assert response.status_code == 400
    assert "Only images" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_too_large_files_are_refused(client_for, case, investigator, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = upload(client_for(investigator), case, "chat.txt", b"a" * 2000)
    assert "too large" in response.content.decode()
    assert not EvidenceItem.objects.exists()
    with pytest.raises(EvidenceError):
        check_evidence(BytesIO(b"a" * 2000), 10)  # a lying size is caught when reading


def test_a_changed_file_no_longer_matches_its_fingerprint_and_the_views_say_so(client_for, case, investigator):
    client = client_for(investigator)
    upload(client, case, "chat.txt", b"Nos vemos en la terminal a las 8")
    item = EvidenceItem.objects.get()
    with open(item.file.path, "wb") as tampered:
        tampered.write(b"Nos vemos en la terminal a las 9")
    page = client.get(reverse("investigation:evidence", args=[case.pk, item.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "DOES NOT MATCH" in page.content.decode()
    assert "Fingerprint matches" not in page.content.decode()
    download = client.get(reverse("investigation:evidence_file", args=[case.pk, item.pk]))
    assert download.status_code == 200
    assert download["X-Evidence-Fingerprint"] == "mismatch"
    assert download["Content-Disposition"].startswith("attachment")
    entry = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(item.pk)).latest("id")
    assert entry.detail == {"fingerprint": "mismatch"}


def test_an_intact_file_downloads_with_a_matching_fingerprint_and_is_audited(client_for, case, investigator):
    client = client_for(investigator)
    upload(client, case, "acta.pdf", PDF)
    item = EvidenceItem.objects.get()
    download = client.get(reverse("investigation:evidence_file", args=[case.pk, item.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Evidence-Fingerprint"] == "match"
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, actor=investigator, case_id=case.pk).exists()


def test_hand_overs_extend_the_chain_of_custody(client_for, case, investigator):
    client = client_for(investigator)
    upload(client, case, "chat.txt", b"texto")
    item = EvidenceItem.objects.get()
    response = client.post(
        reverse("investigation:custody_add", args=[case.pk, item.pk]),
        {
            "custody-action": "handed_over",
            "custody-at": "2026-03-04T09:30",
            "custody-from_holder": "Lucía Pérez",
            "custody-to_holder": "Fiscalía Especializada, Lic. Ramos",
        },
    )
    assert response.status_code == 302
    chain = list(item.custody.all())
    assert [e.action for e in chain] == ["collected", "handed_over"]
    page = client.get(reverse("investigation:evidence", args=[case.pk, item.pk])).content.decode()
    assert "Fiscalía Especializada, Lic. Ramos" in page


def test_evidence_text_is_encrypted_at_rest(client_for, case, investigator):
    from django.db import connection

    upload(client_for(investigator), case, "chat.txt", b"texto", **{"evidence-description": "Chat con el reclutador"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, description, collected_by FROM investigation_evidenceitem")
        row = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in row)
