"""The investigation page, "my tasks" and the case search on a phone-sized screen (screenshots kept)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from redalert.e2e.sign_in import sign_in_with_a_session
from redalert.investigation.models import LinkedPerson, TraffickingEvent, TraffickingFacts
from redalert.investigation.services import save_linked_person
from redalert.investigation.tests.conftest import start_search
from redalert.tasks.services import add_task
from redalert.testing import follow_changes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_investigation_pages_on_a_phone(
    live_server, phone_page, screenshot, org_a, make_user, make_case, coordinator, places
):
    case = make_case(org_a, coordinator)
    start_search(case, coordinator)
    other = make_case(org_a, coordinator, given_names="Daniela", first_surname="Ruiz")
    save_linked_person(
        case,
        LinkedPerson(
            link="perpetrator",
            name="José Luis Gómez",
            aliases="El Güero",
            role_in_process="RecruiterOrIntermediary",
            phones="+524425551234",
        ),
        actor=coordinator,
    )
    save_linked_person(other, LinkedPerson(link="suspect", name="Pepe", phones="+524425551234"), actor=coordinator)
    follow_changes()  # the match keys follow through the workers
    for kind, place, days in (
        ("Recruitment", "qro_city", 30),
        ("Transit", "tlax_city", 20),
        ("Exploitation", None, 10),
    ):
        TraffickingEvent.objects.create(
            case=case,
            event_type=kind,
            place=places[place] if place else None,
            on=timezone.localdate() - timedelta(days=days),
            recorded_by=coordinator,
        )
    TraffickingFacts.objects.create(
        case=case,
        methods_of_recruitment=["ThroughOnlineSocialNetworks"],
        exploitation_types=["SexualExploitation"],
        organised_crime="unknown",
        updated_by=coordinator,
    )
    add_task(
        case,
        title="Pedir videos del C5",
        owner=coordinator,
        due_at=timezone.now() - timedelta(days=1),
        actor=coordinator,
    )

    page = phone_page
    base = live_server.url
    sign_in_with_a_session(page, base, coordinator)
    page.goto(f"{base}/cases/{case.pk}/investigation/")
    assert page.locator("#route-table tbody tr").count() == 3
    assert page.get_by_text(other.reference).count() >= 1
    screenshot(page, "investigation-phone")
    page.goto(f"{base}/tasks/mine/")
    assert page.get_by_text("Pedir videos del C5").count() == 1
    screenshot(page, "my-tasks-phone")
    page.goto(f"{base}/cases/?q=maria&seen_from=2026-01-01")
    assert page.get_by_text(case.reference).count() == 1
    screenshot(page, "case-search-phone")
