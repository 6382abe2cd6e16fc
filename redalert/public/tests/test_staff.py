"""Staff pages of the public site: publishing a case (coordinators, with consent), the public texts (editors)."""

from __future__ import annotations

from typing import Any

import pytest

from redalert.cases.choices import CaseStatus
from redalert.consent.choices import Decision, Purpose
from redalert.public.exposure import public_cases
from redalert.public.models import Publication, PublicText
from redalert.public.tests.conftest import consent, to_active_search

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ready(make_case: Any, org_a: Any, coordinator: Any, photo_of_case: Any) -> Any:
    """A case in active search with a photo and consent to publish, not yet public."""
    case = to_active_search(make_case(org_a, coordinator), coordinator)
    photo_of_case(case)
    consent(case, Purpose.PUBLISH, coordinator)
    return case


def page(case: Any) -> str:
    return f"/cases/{case.pk}/publication/"


def test_coordinator_publishes_with_photo_and_chosen_details(client_for, coordinator, ready):
    client = client_for(coordinator)
    response = client.get(page(ready), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    photo = ready.photos.get()
    assert f"/cases/{ready.pk}/photos/{photo.pk}/" in html
    assert 'value="publish"' in html
    response = client.post(
        page(ready),
        {
            "action": "publish",
            "photo": photo.pk,
            "show_age": "on",
            "show_clothing": "on",
            "public_summary": "Ayúdanos a encontrarla.",
        },
        **EN,
    )
    assert response.status_code == 302
    publication = Publication.objects.get(case=ready)
    assert publication.is_public and publication.photo == photo and publication.published_by == coordinator
    assert publication.show_physical_description is False
    assert public_cases().filter(pk=ready.pk).exists()
    html = client.get(page(ready), **EN).content.decode()
    assert f"/se-busca/{publication.public_id}/" in html
    assert "Published." in html


def test_publishing_without_consent_is_refused_and_nothing_is_saved(client_for, coordinator, make_case, org_a):
    case = to_active_search(make_case(org_a, coordinator), coordinator)
    client = client_for(coordinator)
    html = client.get(page(case), **EN).content.decode()
    assert "There is no consent recorded" in html
    assert f"/cases/{case.pk}/consent/" in html
    response = client.post(page(case), {"action": "publish", "public_summary": "Texto"}, follow=True, **EN)
    assert response.status_code == 200
    assert "Not published" in response.content.decode()
    publication = Publication.objects.get(case=case)
    assert not publication.is_public and publication.public_summary == ""


def test_publishing_after_withdrawal_is_refused(client_for, coordinator, ready):
    consent(ready, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    client = client_for(coordinator)
    client.post(page(ready), {"action": "publish", "show_age": "on"}, **EN)
    assert not Publication.objects.filter(case=ready, is_public=True).exists()


def test_a_case_in_verification_cannot_be_published(client_for, coordinator, make_case, org_a):
    from redalert.cases.lifecycle import TransitionRequest, transition

    case = make_case(org_a, coordinator)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    consent(case, Purpose.PUBLISH, coordinator)
    client = client_for(coordinator)
    response = client.post(page(case), {"action": "publish"}, follow=True, **EN)
    assert "active search" in response.content.decode()
    assert not public_cases().filter(pk=case.pk).exists()


def test_coordinator_removes_a_case_from_the_public_site(client_for, coordinator, ready):
    client = client_for(coordinator)
    client.post(page(ready), {"action": "publish", "show_age": "on", "without_photo": "1"})
    public_id = Publication.objects.get(case=ready).public_id
    assert client.get(f"/se-busca/{public_id}/").status_code == 200
    client.post(page(ready), {"action": "remove"})
    assert not Publication.objects.get(case=ready).is_public
    assert client.get(f"/se-busca/{public_id}/").status_code == 404


def test_a_photo_of_another_case_cannot_be_chosen(client_for, coordinator, ready, make_case, org_a, photo_of_case):
    other = make_case(org_a, coordinator)
    foreign = photo_of_case(other)
    client = client_for(coordinator)
    client.post(page(ready), {"action": "publish", "photo": foreign.pk})
    assert not Publication.objects.filter(case=ready, is_public=True).exists()


@pytest.mark.parametrize("roles", [("caseworker",), ("public_editor",), ("analyst",), ("lawyer",)])
def test_only_coordinators_of_the_organisation_publish(client_for, make_user, org_a, ready, roles):
    user = make_user(org_a, *roles)
    client = client_for(user)
    assert client.get(page(ready)).status_code == 404
    assert client.post(page(ready), {"action": "publish"}).status_code == 404
    assert not Publication.objects.filter(case=ready, is_public=True).exists()


def test_a_coordinator_of_another_organisation_gets_404(client_for, make_user, org_b, ready):
    client = client_for(make_user(org_b, "coordinator"))
    assert client.get(page(ready)).status_code == 404
    assert client.post(page(ready), {"action": "publish"}).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, ready):
    response = client.get(page(ready))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Public texts -----------------------------------------------------------------------------------------------------


def test_public_editor_edits_texts_in_each_language(client_for, make_user, org_a, client):
    editor = make_user(org_a, "public_editor")
    staff = client_for(editor)
    assert staff.get("/public-texts/").status_code == 200
    response = staff.post(
        "/public-texts/",
        {
            "es-about": "Buscamos a mujeres desaparecidas.",
            "es-contact_line": "contacto@example.org",
            "es-hotline": "800 123 4567",
            "en-about": "We search for missing women.",
            "en-contact_line": "",
            "en-hotline": "",
            "pt-about": "",
            "pt-contact_line": "",
            "pt-hotline": "",
        },
    )
    assert response.status_code == 302
    texts = {t.language: t for t in PublicText.objects.filter(organisation=org_a)}
    assert set(texts) == {"es", "en"}  # an empty language is not stored
    assert texts["es"].hotline == "800 123 4567" and texts["es"].updated_by == editor
    assert "We search for missing women." in client.get("/acerca/", **EN).content.decode()
    assert "Buscamos a mujeres desaparecidas." in client.get("/acerca/", HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_too_long_text_is_refused_with_a_message(client_for, make_user, org_a):
    staff = client_for(make_user(org_a, "public_editor"))
    response = staff.post("/public-texts/", {"es-hotline": "9" * 100}, **EN)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not PublicText.objects.exists()


@pytest.mark.parametrize("roles", [("coordinator",), ("caseworker",), ("administrator",), ("analyst",)])
def test_other_roles_cannot_edit_public_texts(client_for, make_user, org_a, roles):
    staff = client_for(make_user(org_a, *roles))
    assert staff.get("/public-texts/").status_code == 404
    assert staff.post("/public-texts/", {"es-about": "x"}).status_code == 404
    assert not PublicText.objects.exists()


def test_the_newest_photo_is_preselected_and_publishing_without_one_needs_a_tick(
    client_for, coordinator, ready, photo_of_case
):
    newest = photo_of_case(ready)
    client = client_for(coordinator)
    html = client.get(page(ready), **EN).content.decode()
    checked = html.split("checked")[0].rsplit("<input", 1)[1]
    assert f'value="{newest.pk}"' in checked, "the newest photo is the one preselected"

    refused = client.post(page(ready), {"action": "publish", "photo": ""}, **EN)
    assert (
        refused.status_code == 200 and "No photo is chosen although the case has 2 on file" in refused.content.decode()
    )
    assert not Publication.objects.get(case=ready).is_public

    done = client.post(page(ready), {"action": "publish", "photo": "", "without_photo": "1"}, **EN)
    assert done.status_code == 302
    publication = Publication.objects.get(case=ready)
    assert publication.is_public and publication.photo is None
