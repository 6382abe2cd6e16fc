"""The review area: PFIF 1.4 files from another organisation land here (never in cases); a coordinator opens a
case from a record through the intake service, or dismisses it. Bad files save nothing; other people see 404."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.models import Case
from redalert.pfif.models import ImportedNote, ImportedPerson, ReviewStatus
from redalert.pfif.tests.helpers import fetch_atom, fetch_xml, publish, withdraw

SITE = "https://alerta.example.org"


def upload(client, content: bytes, name: str = "personas.xml"):
    return client.post(reverse("pfif:review"), {"file": SimpleUploadedFile(name, content)})


@override_settings(SITE_URL=SITE)
def test_round_trip_from_org_a_into_org_b_review_area(make_case, org_a, org_b, coordinator, make_user, client_for):
    sought = make_case(org_a, coordinator)
    located = make_case(org_a, coordinator, given_names="Ana Lucía", first_surname="Ruiz", second_surname="")
    publish(sought, coordinator, public_summary="Ayúdanos a encontrarla.")
    publish(located, coordinator)
    transition(located, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)
    body, _root = fetch_xml()
    cases_before = Case.objects.count()
    coordinator_b = make_user(org_b, "coordinator")

    response = upload(client_for(coordinator_b), body)

    assert response.status_code == 302
    records = {r.record_id: r for r in ImportedPerson.objects.filter(organisation=org_b)}
    first = records[f"alerta.example.org/{sought.publication.public_id}"]
    assert (first.full_name, first.given_name, first.family_name) == (
        "María Fernanda López Hernández",
        "María Fernanda",
        "López Hernández",
    )
    assert [n.status for n in first.notes.all()] == ["information_sought"]
    assert "Ayúdanos a encontrarla." in first.description
    second = records[f"alerta.example.org/{located.publication.public_id}"]
    assert (second.given_name, second.family_name) == ("Ana Lucía", "Ruiz")
    assert [n.status for n in second.notes.all()] == [""]
    assert Case.objects.count() == cases_before  # never straight into cases
    assert not ImportedPerson.objects.filter(organisation=org_a).exists()

    # The same feed read later, after the family withdrew consent: the record leaves the review area.
    withdraw(sought, coordinator)
    atom, _feed = fetch_atom()
    assert upload(client_for(coordinator_b), atom, "personas.atom").status_code == 302
    assert not ImportedPerson.objects.filter(record_id=first.record_id).exists()
    assert ImportedPerson.objects.filter(record_id=second.record_id).exists()


BAD_FILES = {
    "no es XML válido": b"nombre,edad\nAna,15\n",
    "no es un archivo PFIF 1.4": b"<?xml version='1.0'?><personas><persona/></personas>",
    "no sigue PFIF 1.4": b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person><pfif:full_name>Ana"
    b"</pfif:full_name></pfif:person></pfif:pfif>",
    "declara un DOCTYPE": b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
    b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person><pfif:person_record_id>a/b"
    b"</pfif:person_record_id><pfif:full_name>&e;</pfif:full_name></pfif:person></pfif:pfif>",
}


def test_bad_file_gives_a_spanish_message_and_saves_nothing(org_a, coordinator, client_for):
    client = client_for(coordinator)
    for label, content in BAD_FILES.items():
        response = client.post(
            reverse("pfif:review"), {"file": SimpleUploadedFile("x.xml", content)}, HTTP_ACCEPT_LANGUAGE="es"
        )
        assert response.status_code == 400, label
        text = response.content.decode()
        assert "No se importó nada" in text, label
        assert label in text, label
        assert "root:" not in text, label
    assert not ImportedPerson.objects.exists()
    assert not ImportedNote.objects.exists()


def _imported(org, user) -> ImportedPerson:
    return ImportedPerson.objects.create(
        organisation=org,
        record_id="otra.example.org/abc123",
        given_name="Daniela",
        family_name="Pérez Soto",
        full_name="Daniela Pérez Soto",
        age="16",
        sex="female",
        imported_by=user,
    )


def test_other_organisation_and_other_roles_get_404(org_a, org_b, coordinator, make_user, client_for):
    record = _imported(org_a, coordinator)
    outsiders = [make_user(org_b, "coordinator"), make_user(org_a, "caseworker"), make_user(org_a, "analyst")]
    for user in outsiders:
        client = client_for(user)
        assert client.get(reverse("pfif:detail", args=[record.pk])).status_code == 404
        assert client.post(reverse("pfif:dismiss", args=[record.pk])).status_code == 404
        assert client.post(reverse("pfif:open_case", args=[record.pk]), {}).status_code == 404
    assert client_for(outsiders[1]).get(reverse("pfif:review")).status_code == 404
    record.refresh_from_db()
    assert record.status == ReviewStatus.PENDING
    page = client_for(coordinator).get(reverse("pfif:detail", args=[record.pk]))
    assert page.status_code == 200 and "Daniela" in page.content.decode()


def test_coordinator_opens_a_prefilled_case_through_intake(org_a, coordinator, client_for, places):
    record = _imported(org_a, coordinator)
    client = client_for(coordinator)
    page = client.get(reverse("pfif:detail", args=[record.pk])).content.decode()
    assert 'value="Daniela"' in page and 'value="Pérez"' in page and 'value="Soto"' in page

    response = client.post(
        reverse("pfif:open_case", args=[record.pk]),
        {
            "given_names": "Daniela",
            "first_surname": "Pérez",
            "second_surname": "Soto",
            "sex": "female",
            "estimated_age": "16",
            "reported_at": "2026-03-02T10:30",
            "report_channel": "other",
            "last_seen_on": "2026-03-01",
            "last_seen_place_0": "",
            "last_seen_place_1": str(places["qro_city"].pk),
        },
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ReviewStatus.CASE_OPENED
    case = record.case
    assert case.organisation == org_a and case.person.given_names == "Daniela" and case.person.first_surname == "Pérez"
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    # Reviewed: a second attempt opens nothing.
    assert client.post(reverse("pfif:open_case", args=[record.pk]), {}).status_code == 404


def test_coordinator_dismisses_a_record(org_a, coordinator, client_for):
    record = _imported(org_a, coordinator)
    response = client_for(coordinator).post(reverse("pfif:dismiss", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ReviewStatus.DISMISSED and record.case is None


def test_menu_offers_the_review_area_to_coordinators_only(org_a, coordinator, make_user, client_for):
    link = reverse("pfif:review")
    assert link in client_for(coordinator).get(reverse("cases:list")).content.decode()
    assert link not in client_for(make_user(org_a, "caseworker")).get(reverse("cases:list")).content.decode()
