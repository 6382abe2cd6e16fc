"""Every investigation page is for the case team's field investigators, coordinators and lawyers; anyone else,
and anyone from another organisation, gets the same 404 as for a case that does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.services import add_team_member
from redalert.investigation.models import LinkedPerson, Source
from redalert.investigation.tests.conftest import start_search

GET_PAGES = ["investigation:overview", "investigation:facts"]
POSTS = {
    "investigation:source_add": {"source-kind": "witness", "source-description": "Vecina de la calle Hidalgo"},
    "investigation:finding_add": {"finding-body": "La vieron subir a una camioneta blanca."},
    "investigation:person_add": {
        "person-link": "suspect",
        "person-name": "El Güero",
        "person-role_in_process": "unknown",
    },
    "investigation:event_add": {"event-event_type": "Recruitment"},
    "investigation:facts": {
        "trafficking_status": "unknown",
        "relationship_to_trafficker": "unknown",
        "organised_crime": "unknown",
    },
}


@pytest.fixture
def evidence_item(client_for, case, investigator):
    client_for(investigator).post(
        reverse("investigation:evidence_add", args=[case.pk]),
        {
            "evidence-file": SimpleUploadedFile("nota.txt", b"Mensaje recibido"),
            "evidence-title": "Mensaje",
            "evidence-collected_by": "Lucía",
            "evidence-collected_at": "2026-03-03T10:00",
        },
    )
    from redalert.investigation.models import EvidenceItem

    return EvidenceItem.objects.get()


def outsiders(org_a, org_b, make_user, case, coordinator):
    caseworker = make_user(org_a, "caseworker")
    add_team_member(case, caseworker, actor=coordinator)
    health = make_user(org_a, "health")
    add_team_member(case, health, actor=coordinator)
    return {
        "caseworker on the team": caseworker,
        "psychologist on the team": health,
        "investigator not on the team": make_user(org_a, "field_investigator", username="fi-off-team"),
        "analyst": make_user(org_a, "analyst"),
        "coordinator of another organisation": make_user(org_b, "coordinator"),
    }


def test_the_team_investigator_coordinator_and_lawyer_see_the_section(
    client_for, case, investigator, coordinator, make_user, org_a
):
    lawyer = make_user(org_a, "lawyer")
    add_team_member(case, lawyer, actor=coordinator)
    for user in (investigator, coordinator, lawyer):
        for name in GET_PAGES:
            assert client_for(user).get(reverse(name, args=[case.pk])).status_code == 200, (user, name)


def test_everyone_else_gets_404_on_every_page_and_action(
    client_for, case, investigator, coordinator, make_user, org_a, org_b, evidence_item
):
    for label, user in outsiders(org_a, org_b, make_user, case, coordinator).items():
        client = client_for(user)
        for name in GET_PAGES:
            assert client.get(reverse(name, args=[case.pk])).status_code == 404, (label, name)
        for name, data in POSTS.items():
            assert client.post(reverse(name, args=[case.pk]), data).status_code == 404, (label, name)
        for name in ("investigation:evidence", "investigation:evidence_file"):
            assert client.get(reverse(name, args=[case.pk, evidence_item.pk])).status_code == 404, (label, name)
        custody = reverse("investigation:custody_add", args=[case.pk, evidence_item.pk])
        assert client.post(custody, {"custody-action": "examined"}).status_code == 404, label
    assert not Source.objects.exists()
    assert not LinkedPerson.objects.exists()


def test_a_missing_case_and_a_forbidden_one_look_the_same(client_for, investigator):
    assert client_for(investigator).get(reverse("investigation:overview", args=[999999])).status_code == 404


def test_every_view_is_audited(client_for, case, investigator):
    client_for(investigator).get(reverse("investigation:overview", args=[case.pk]))
    entry = AuditEntry.objects.filter(actor=investigator, case_id=case.pk, action=AuditAction.VIEW).latest("id")
    assert entry.detail["section"] == "investigation"


def test_the_team_records_sources_findings_people_and_route(client_for, case, investigator):
    client = client_for(investigator)
    for name, data in POSTS.items():
        response = client.post(reverse(name, args=[case.pk]), data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])
    page = client.get(reverse("investigation:overview", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Vecina de la calle Hidalgo" in page
    assert "camioneta blanca" in page
    assert "El Güero" in page
    assert AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CREATE, actor=investigator).count() >= 5


def test_outcome_is_for_coordinators_and_team_caseworkers_only(
    client_for, case, investigator, coordinator, make_user, org_a, org_b
):
    start_search(case, coordinator)
    url = reverse("investigation:outcome", args=[case.pk])
    caseworker = make_user(org_a, "caseworker")
    add_team_member(case, caseworker, actor=coordinator)
    assert client_for(caseworker).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    for user in (investigator, make_user(org_a, "caseworker", username="cw-off-team"), make_user(org_b, "coordinator")):
        assert client_for(user).get(url).status_code == 404
        assert (
            client_for(user).post(url, {"result": "located_alive", "on": "2026-03-05", "how": "tip"}).status_code == 404
        )
