"""Case pages: intake, permissions (another organisation or a role without need gets 404), audit, bad input."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, FamilyContact, MissingPerson, Photo
from redalert.cases.services import add_team_member


def intake_post(places, **overrides):
    data = {
        "report-reported_at": "2026-03-02T10:30",
        "report-report_channel": "family",
        "report-reporter_name": "Rosa Hernández Cruz",
        "report-reporter_relationship": "mother",
        "report-reporter_phone": "442 123 4567",
        "report-last_seen_on": "2026-03-01",
        "report-last_seen_place_0": "",
        "report-last_seen_place_1": str(places["qro_city"].pk),
        "report-circumstances": "Salió a la escuela y no regresó.",
        "person-given_names": "Ana Sofía",
        "person-first_surname": "Martínez",
        "person-second_surname": "Ruiz",
        "person-sex": "female",
        "person-gender": "Feminine",
        "person-birth_date": "2009-07-20",
        "person-indigenous": "unknown",
        "person-nationalities": ["MX"],
        "person-languages": "español, náhuatl",
        "contact-name": "Rosa Hernández Cruz",
        "contact-relationship": "mother",
        "contact-phone": "+52 442 123 4567",
        "contact-address": "Calle Juárez 45, Col. Centro",
    }
    data.update(overrides)
    return data


def test_a_coordinator_records_a_report(client_for, coordinator, places):
    client = client_for(coordinator)
    response = client.post(reverse("cases:intake"), intake_post(places))
    assert response.status_code == 302, response.context and [f.errors for f in response.context.get("forms", [])]
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == CaseStatus.REPORTED
    assert case.reporter_phone == "+524421234567"
    assert case.person.full_name == "Ana Sofía Martínez Ruiz"
    assert case.person.nationalities == ["MX"]
    assert case.person.languages == ["spa", "nah"]
    contact = FamilyContact.objects.get(case=case)
    assert contact.phone == "+524421234567"
    assert case.memberships.filter(user=coordinator).exists()
    assert AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"report-last_seen_on": (date.today() + timedelta(days=3)).isoformat()}, "last_seen_on"),
        ({"report-last_seen_on": "2005-01-01"}, "last_seen_on"),  # before birth (2009)
        ({"report-last_seen_place_1": "", "report-last_seen_place_0": "Atlantis"}, "last_seen_place"),
        ({"report-reporter_phone": "call me maybe"}, "reporter_phone"),
        ({"person-given_names": ""}, "given_names"),
        ({"person-birth_date": "2030-01-01"}, "birth_date"),
        ({"person-languages": "élfico"}, "languages"),
        ({"report-last_seen_latitude": "95", "report-last_seen_longitude": "10"}, "last_seen_latitude"),
    ],
)
def test_bad_intake_is_refused_with_a_message_and_nothing_is_saved(
    client_for, coordinator, places, overrides, field_error
):
    client = client_for(coordinator)
    response = client.post(reverse("cases:intake"), intake_post(places, **overrides), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    errors = {**response.context["report_form"].errors, **response.context["person_form"].errors}
    assert field_error in errors, errors
    assert Case.objects.count() == 0
    assert MissingPerson.objects.count() == 0
    assert FamilyContact.objects.count() == 0
    assert "no se guardó" in response.content.decode()


def test_place_typed_without_javascript_is_resolved(client_for, coordinator, places):
    client = client_for(coordinator)
    data = intake_post(
        places, **{"report-last_seen_place_1": "", "report-last_seen_place_0": "tlaxcala de xicohtencatl"}
    )
    assert client.post(reverse("cases:intake"), data).status_code == 302
    assert Case.objects.get().last_seen_place == places["tlax_city"]


@pytest.mark.parametrize(
    "url_name",
    ["cases:detail", "cases:edit", "cases:team", "cases:audit", "consent:page"],
)
def test_another_organisation_gets_404(client_for, case, org_b, make_user, url_name):
    outsider = make_user(org_b, "coordinator")
    response = client_for(outsider).get(reverse(url_name, args=[case.pk]))
    assert response.status_code == 404


def test_another_organisation_cannot_find_the_case(client_for, case, org_b, make_user):
    outsider = make_user(org_b, "coordinator")
    response = client_for(outsider).get(reverse("cases:list"), {"q": "maria"})
    assert case.reference not in response.content.decode()
    assert list(response.context["page"]) == []


def test_another_organisation_cannot_change_the_case(client_for, case, org_b, make_user):
    outsider = make_user(org_b, "coordinator")
    client = client_for(outsider)
    assert client.post(reverse("cases:transition", args=[case.pk]), {"to": "verification"}).status_code == 404
    assert (
        client.post(reverse("cases:note_add", args=[case.pk]), {"section": "general", "body": "x"}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_caseworker_not_on_the_team_gets_404_on_the_legal_section(client_for, case, org_a, make_user, coordinator):
    worker = make_user(org_a, "caseworker")
    client = client_for(worker)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:section", args=[case.pk, "legal"])).status_code == 404
    add_team_member(case, worker, actor=coordinator)
    assert client.get(reverse("cases:section", args=[case.pk, "legal"])).status_code == 200


def test_sensitive_notes_never_reach_people_without_access(client_for, case, org_a, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    add_team_member(case, lawyer, actor=coordinator)
    lawyer_client = client_for(lawyer)
    response = lawyer_client.post(
        reverse("cases:note_add", args=[case.pk]), {"section": "legal", "body": "Carpeta FGR/QRO/123/2026"}
    )
    assert response.status_code == 302
    worker = make_user(org_a, "caseworker")
    page = client_for(worker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "FGR/QRO/123/2026" not in page
    assert "FGR/QRO/123/2026" in lawyer_client.get(reverse("cases:section", args=[case.pk, "legal"])).content.decode()


def test_analyst_sees_no_case_file(client_for, case, org_a, make_user):
    analyst = make_user(org_a, "analyst")
    client = client_for(analyst)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).content.decode()


def test_every_view_of_a_case_is_audited(client_for, case, coordinator):
    client = client_for(coordinator)
    before = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.VIEW).count()
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("consent:page", args=[case.pk]))
    entries = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.VIEW).order_by("id")
    assert entries.count() == before + 2
    last = entries.last()
    assert last.actor == coordinator
    assert last.client_address == "127.0.0.1"


def test_editing_keeps_field_history(client_for, case, coordinator, places):
    client = client_for(coordinator)
    form = client.get(reverse("cases:edit", args=[case.pk])).context
    data = {}
    for prefix_form in (form["report_form"], form["person_form"]):
        for name, field in prefix_form.fields.items():
            value = prefix_form[name].value()
            key = prefix_form.add_prefix(name)
            if name == "last_seen_place":
                data[key + "_0"] = ""
                data[key + "_1"] = str(case.last_seen_place_id)
            elif isinstance(value, list):
                data[key] = value
            else:
                formatted = field.widget.format_value(value)
                if formatted is not None:
                    data[key] = formatted
    data["person-second_surname"] = "Hernández de la Cruz"
    data["report-reporter_phone"] = "+52 442 765 4321"
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302, response.context and response.context["report_form"].errors
    case.refresh_from_db()
    assert case.person.second_surname == "Hernández de la Cruz"
    entry = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CHANGE).latest("id")
    changes = entry.detail["changes"]
    assert changes["missingperson.second_surname"] == {"from": "Hernández", "to": "Hernández de la Cruz"}
    assert changes["case.reporter_phone"] == {"encrypted": True}  # the phone itself never leaves its column
    assert case.timeline.filter(kind="change").exists()


def test_illegal_transition_shows_a_clear_message(client_for, case, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "located_alive"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "cannot move" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


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


def test_search_is_accent_insensitive_and_finds_aliases(client_for, make_case, org_a, coordinator):
    make_case(org_a, coordinator, given_names="María José", first_surname="López", aliases="La Güera")
    client = client_for(coordinator)
    for query in ("maria lopez", "MARÍA JOSÉ", "guera"):
        page = client.get(reverse("cases:list"), {"q": query}).context["page"]
        assert [c.person.given_names for c in page] == ["María José"], query


def test_list_view_is_audited_with_the_cases_shown(client_for, case, coordinator):
    client_for(coordinator).get(reverse("cases:list"))
    entry = AuditEntry.objects.filter(actor=coordinator, action=AuditAction.VIEW, case_id=None).latest("id")
    assert case.pk in entry.detail["cases"]


def test_team_management(client_for, case, org_a, org_b, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    outsider = make_user(org_b, "lawyer")
    client = client_for(coordinator)
    assert client.post(reverse("cases:team", args=[case.pk]), {"member": lawyer.pk}).status_code == 302
    assert case.memberships.filter(user=lawyer).exists()
    response = client.post(reverse("cases:team", args=[case.pk]), {"member": outsider.pk})
    assert response.status_code == 200 and response.context["form"].errors
    assert not case.memberships.filter(user=outsider).exists()
    worker = make_user(org_a, "caseworker")
    assert client_for(worker).post(reverse("cases:team", args=[case.pk]), {"member": worker.pk}).status_code == 404


def test_pages_render_in_english_and_spanish(client_for, case, coordinator):
    client = client_for(coordinator)
    es = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Línea de tiempo" in es and "Timeline" not in es
    client.cookies["django_language"] = "en"
    en = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Timeline" in en


def test_last_seen_in_the_future_is_refused_even_by_one_day(client_for, coordinator, places):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(coordinator).post(
        reverse("cases:intake"), intake_post(places, **{"report-last_seen_on": tomorrow})
    )
    assert "last_seen_on" in response.context["report_form"].errors
