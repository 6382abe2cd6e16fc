"""The register's pages: who may see and do what (anything else is a 404), photos only for the roles that may see
them, clear Spanish messages for bad input, every page audited, a confirmation from the side-by-side page."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from redalert.audit.models import AuditEntry
from redalert.found.choices import CandidateStatus
from redalert.found.models import Candidate, FoundPerson, FoundPhoto
from redalert.investigation.models import Outcome


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (30, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (20.0, 35.0, 19.0), 3: "W", 4: (100.0, 23.0, 17.0)}
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def form_data(places, **overrides):
    data = {
        "condition": "alive",
        "found_on": "2026-04-10",
        "found_place_0": places["qro_city"].label,
        "found_place_1": str(places["qro_city"].pk),
        "age_min": "16",
        "age_max": "19",
        "sex": "female",
        "names": "Mafer",
        "reported_by_kind": "shelter",
        "reported_by_institution": "Albergue Casa Esperanza",
    }
    data.update(overrides)
    return data


def test_a_shelter_worker_records_a_person_found_and_it_is_audited(org_a, make_user, client_for, places):
    worker = make_user(org_a, "shelter_staff")
    response = client_for(worker).post(reverse("found:add"), form_data(places))
    found = FoundPerson.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("found:detail", args=[found.pk])
    assert (found.organisation_id, found.recorded_by_id, found.names) == (org_a.pk, worker.pk, "Mafer")
    assert AuditEntry.objects.filter(object_type="found.foundperson", object_id=str(found.pk), action="create").exists()
    page = client_for(worker).get(reverse("found:detail", args=[found.pk]))
    assert page.status_code == 200 and "Mafer" in page.content.decode()
    assert AuditEntry.objects.filter(object_type="found.foundperson", object_id=str(found.pk), action="view").exists()


def test_the_names_and_descriptions_are_encrypted_at_rest(coordinator, make_found):
    from django.db import connection

    found = make_found(coordinator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT names, distinguishing_marks FROM found_foundperson WHERE id = %s", [found.pk])
        names, marks = cursor.fetchone()
    assert names.startswith("fernet:") and "Mafer" not in names and "Cicatriz" not in marks


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"found_on": "2999-01-01"}, "La fecha no puede estar en el futuro."),
        ({"age_min": "20", "age_max": "15"}, "La edad máxima no puede ser menor que la mínima."),
        ({"age_max": "300"}, "No es posible una edad mayor de 120 años."),
        ({"found_on": ""}, "Este campo es obligatorio."),
        ({"found_place_0": "Ciudad que no existe", "found_place_1": ""}, "Ningún lugar"),
    ],
)
def test_bad_input_gets_a_clear_spanish_message(coordinator, client_for, places, overrides, message):
    response = client_for(coordinator).post(reverse("found:add"), form_data(places, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FoundPerson.objects.exists()


def test_other_organisations_and_other_roles_get_404(coordinator, make_found, org_a, org_b, make_user, client_for):
    found = make_found(coordinator)
    outsiders = [make_user(org_b, "coordinator"), make_user(org_a, "analyst"), make_user(org_a, "administrator")]
    for user in outsiders:
        client = client_for(user)
        assert client.get(reverse("found:detail", args=[found.pk])).status_code == 404
        assert client.get(reverse("found:edit", args=[found.pk])).status_code == 404
    for user in outsiders[1:]:
        assert client_for(user).get(reverse("found:list")).status_code == 404
        assert client_for(user).get(reverse("found:add")).status_code == 404
    lawyer = client_for(make_user(org_a, "lawyer"))  # sees the register, does not record in it
    assert lawyer.get(reverse("found:detail", args=[found.pk])).status_code == 200
    assert lawyer.get(reverse("found:add")).status_code == 404
    assert lawyer.get(reverse("found:edit", args=[found.pk])).status_code == 404
    # Organisation B's own list does not show A's record.
    assert found.reference not in client_for(outsiders[0]).get(reverse("found:list")).content.decode()


def test_photos_are_cleaned_private_and_only_for_roles_that_may_see_case_photos(
    coordinator, make_found, org_a, org_b, make_user, client_for
):
    found = make_found(coordinator)
    client = client_for(coordinator)
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert client.post(reverse("found:photo_upload", args=[found.pk]), {"photo": upload}).status_code == 302
    photo = FoundPhoto.objects.get(found=found)
    with photo.image.open("rb") as stored:
        clean = Image.open(BytesIO(stored.read()))
        assert not clean.getexif() and "exif" not in clean.info
    url = reverse("found:photo", args=[found.pk, photo.pk])
    served = client.get(url)
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    for role in ("analyst", "public_editor", "administrator"):
        assert client_for(make_user(org_a, role)).get(url).status_code == 404
    assert client_for(make_user(org_b, "coordinator")).get(url).status_code == 404
    assert AuditEntry.objects.filter(object_id=str(found.pk), detail__what=f"photo {photo.pk}").exists()


def test_a_file_that_is_not_a_photo_is_refused_with_a_clear_message(coordinator, make_found, client_for):
    found = make_found(coordinator)
    upload = SimpleUploadedFile("foto.jpg", b"no soy una foto", content_type="image/jpeg")
    response = client_for(coordinator).post(
        reverse("found:photo_upload", args=[found.pk]), {"photo": upload}, follow=True
    )
    assert "Este archivo no es una imagen, o está dañado." in response.content.decode()
    assert not FoundPhoto.objects.exists()


def test_the_side_by_side_page_is_audited_for_both_and_confirming_records_the_outcome(
    searched_case, coordinator, make_found, client_for
):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    client = client_for(coordinator)
    page = client.get(reverse("found:candidate", args=[found.pk, pair.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "María Fernanda López Hernández" in body and "Mafer" in body
    assert AuditEntry.objects.filter(case_id=searched_case.pk, action="view", detail__what=f"found pair {pair.pk}")
    response = client.post(
        reverse("found:decide", args=[found.pk, pair.pk]), {"decision": "confirm", "how": "authorities"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[searched_case.pk])
    assert Outcome.objects.get(case=searched_case).result == "located_alive"
    assert Candidate.objects.get(pk=pair.pk).status == CandidateStatus.CONFIRMED


def test_a_pair_is_decided_only_by_who_may_change_the_case(
    searched_case, coordinator, make_found, org_a, make_user, client_for
):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    url = reverse("found:decide", args=[found.pk, pair.pk])
    shelter = client_for(make_user(org_a, "shelter_staff"))  # sees the pair, may not change the case
    assert shelter.get(reverse("found:candidate", args=[found.pk, pair.pk])).status_code == 200
    assert shelter.post(url, {"decision": "reject"}).status_code == 404
    assert Candidate.objects.get(pk=pair.pk).status == CandidateStatus.PROPOSED


def test_confirming_a_case_not_in_active_search_says_why_in_spanish(case, coordinator, make_found, client_for):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found, case=case)
    response = client_for(coordinator).post(
        reverse("found:decide", args=[found.pk, pair.pk]), {"decision": "confirm", "how": "authorities"}
    )
    assert response.status_code == 400
    assert "búsqueda activa" in response.content.decode()
    assert not Outcome.objects.filter(case=case).exists()


def test_rejecting_from_the_page_is_remembered(searched_case, coordinator, make_found, client_for):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    response = client_for(coordinator).post(reverse("found:decide", args=[found.pk, pair.pk]), {"decision": "reject"})
    assert response.status_code == 302
    assert Candidate.objects.get(pk=pair.pk).status == CandidateStatus.REJECTED


def test_the_case_file_has_a_tab_with_the_people_found_who_may_be_her(
    searched_case, coordinator, make_found, org_a, org_b, make_user, client_for
):
    client = client_for(coordinator)
    tab = reverse("found:case", args=[searched_case.pk])
    assert tab not in client.get(reverse("cases:detail", args=[searched_case.pk])).content.decode()
    found = make_found(coordinator)
    assert tab in client.get(reverse("cases:detail", args=[searched_case.pk])).content.decode()
    page = client.get(tab)
    assert page.status_code == 200 and found.reference in page.content.decode()
    assert AuditEntry.objects.filter(case_id=searched_case.pk, detail__what="found pairs").exists()
    assert client_for(make_user(org_b, "coordinator")).get(tab).status_code == 404
    assert client_for(make_user(org_a, "analyst")).get(tab).status_code == 404
