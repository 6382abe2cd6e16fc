"""The public listing is exactly public_cases(), whatever changes: publishing, edits, consent, the lifecycle."""

from __future__ import annotations

import threading
import time
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.services import save_changes
from redalert.consent.choices import Decision, Purpose
from redalert.public.exposure import LOCATED, MISSING, public_cases
from redalert.public.listing import LISTED_FIELDS, computed_rows, rebuild_listing
from redalert.public.models import Publication, PublicListing, PublicVersion
from redalert.public.services import publication_for, set_public
from redalert.testing import make_public, record_consent, start_search


def listing() -> dict[int, tuple[Any, ...]]:
    return {row.case_id: tuple(getattr(row, f) for f in LISTED_FIELDS) for row in PublicListing.objects.all()}


def assert_listing_is_public_cases() -> None:
    """Same cases as public_cases(), and every column as a fresh computation gives it."""
    assert set(listing()) == set(public_cases().values_list("pk", flat=True))
    expected = {pk: tuple(getattr(row, f) for f in LISTED_FIELDS) for pk, row in computed_rows().items()}
    assert listing() == expected


@pytest.fixture
def shown(make_case: Any, org_a: Any, coordinator: Any) -> Any:
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    return case


def test_publishing_lists_the_case_with_what_the_lists_filter_on(shown):
    assert_listing_is_public_cases()
    row = PublicListing.objects.get(case=shown)
    assert row.kind == MISSING
    assert row.name == "maria fernanda lopez hernandez"  # folded, and never the aliases
    assert (row.country_code, row.state_code) == ("MX", "MX-QUE")
    assert row.age == 17
    assert row.last_seen_on == date(2026, 3, 1)
    assert row.published_at == shown.publication.published_at
    assert row.organisation_id == shown.organisation_id


def test_a_hidden_age_is_not_in_the_listing(shown, coordinator):
    publication = shown.publication
    publication.show_age = False
    set_public(shown, publication, True, actor=coordinator)
    assert PublicListing.objects.get(case=shown).age is None
    assert_listing_is_public_cases()


def test_unpublishing_removes_the_row_and_publishing_again_restores_it(shown, coordinator):
    set_public(shown, Publication.objects.get(case=shown), False, actor=coordinator)
    assert not PublicListing.objects.filter(case=shown).exists()
    assert_listing_is_public_cases()
    set_public(shown, Publication.objects.get(case=shown), True, actor=coordinator)
    assert PublicListing.objects.filter(case=shown).exists()
    assert_listing_is_public_cases()


def test_withdrawal_removes_the_row_and_a_new_grant_and_decision_to_publish_restore_it(shown, coordinator):
    record_consent(shown, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    assert not PublicListing.objects.filter(case=shown).exists()
    assert_listing_is_public_cases()
    record_consent(shown, Purpose.PUBLISH, coordinator, Decision.GRANTED)
    assert not PublicListing.objects.filter(case=shown).exists()  # the withdrawal ended the publication
    set_public(shown, Publication.objects.get(case=shown), True, actor=coordinator)
    assert PublicListing.objects.filter(case=shown).exists()
    assert_listing_is_public_cases()


def test_located_moves_the_row_to_the_located_list_and_closing_keeps_it_there(shown, coordinator):
    transition(shown, TransitionRequest(CaseStatus.LOCATED_ALIVE, on=timezone.localdate()), coordinator)
    assert PublicListing.objects.get(case=shown).kind == LOCATED
    assert_listing_is_public_cases()
    transition(shown, TransitionRequest(CaseStatus.CLOSED, reason="Reunited with her family."), coordinator)
    assert PublicListing.objects.get(case=shown).kind == LOCATED  # a located person stays under "localizadas"
    assert_listing_is_public_cases()


def test_closing_a_searched_case_removes_it_and_reopening_lists_it_again(shown, coordinator):
    transition(shown, TransitionRequest(CaseStatus.CLOSED, reason="The family asked to stop."), coordinator)
    assert not PublicListing.objects.filter(case=shown).exists()
    assert_listing_is_public_cases()
    transition(shown, TransitionRequest(CaseStatus.ACTIVE_SEARCH, reason="New information."), coordinator)
    assert PublicListing.objects.get(case=shown).kind == MISSING
    assert_listing_is_public_cases()


def test_edits_of_the_name_place_and_date_reach_the_listing(shown, coordinator, places):
    person = shown.person
    person.given_names = "Ana Lucía"
    shown.last_seen_place = places["tlax_city"]
    shown.last_seen_on = date(2026, 2, 1)
    save_changes(shown, [shown, person], actor=coordinator)
    row = PublicListing.objects.get(case=shown)
    assert row.name == "ana lucia lopez hernandez"
    assert row.state_code == "MX-TLA"
    assert row.last_seen_on == date(2026, 2, 1)
    assert_listing_is_public_cases()


def test_cases_that_are_not_public_never_get_a_row(make_case, org_a, coordinator):
    case = start_search(make_case(org_a, coordinator), coordinator)
    record_consent(case, Purpose.PUBLISH, coordinator)  # consent, but not marked public
    other = make_case(org_a, coordinator)
    publication = Publication(case=other, is_public=True)  # marked public, but no consent, not in search
    publication.save()
    assert PublicListing.objects.count() == 0
    assert_listing_is_public_cases()


def test_changes_of_public_cases_renew_the_public_version_and_others_do_not(shown, coordinator, make_case, org_a):
    before = PublicVersion.current()
    record_consent(shown, Purpose.STATISTICS, coordinator)  # not about publishing
    private = make_case(org_a, coordinator)
    start_search(private, coordinator)  # a case nobody published
    assert PublicVersion.current() == before
    publication = shown.publication
    publication.public_summary = "Nuevo texto."
    set_public(shown, publication, True, actor=coordinator)
    assert PublicVersion.current() != before


def test_rebuild_is_idempotent_and_repairs_any_drift(shown, make_case, org_a, coordinator):
    second = make_case(org_a, coordinator, given_names="Lucía")
    make_public(second, coordinator)
    out = StringIO()
    call_command("rebuild_public_listing", stdout=out)
    assert "0 added, 0 changed, 0 removed" in out.getvalue()
    # Drift that only changes past the application's functions could cause:
    PublicListing.objects.filter(case=shown).delete()
    PublicListing.objects.filter(case=second).update(name="someone else", age=99)
    hidden = make_case(org_a, coordinator, given_names="Rosa")
    PublicListing.objects.create(
        case=hidden, organisation=org_a, kind=MISSING, name="rosa", last_seen_on=date(2026, 3, 1)
    )
    before = PublicVersion.current()
    result = rebuild_listing()
    assert (result.added, result.changed, result.removed) == (1, 1, 1)
    assert PublicVersion.current() != before
    assert_listing_is_public_cases()
    again = rebuild_listing()
    assert again.total == 0
    assert_listing_is_public_cases()


def test_the_demo_seeder_fills_the_listing(places):
    call_command("seed_demo", "--cases", "40", "--seed", "7", stdout=StringIO())
    assert PublicListing.objects.exists()
    assert_listing_is_public_cases()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need a server database")
def test_publishing_racing_a_withdrawal_cannot_list_the_case(make_case, org_a, coordinator):
    """Publishing reads the consent before the withdrawal commits, but its sync waits for the withdrawal's
    transaction (the version row lock) and then sees it: the case is not listed."""
    case = start_search(make_case(org_a, coordinator), coordinator)
    record_consent(case, Purpose.PUBLISH, coordinator)
    publication = publication_for(case)  # not public yet
    withdrawn_not_committed = threading.Event()
    errors: list[BaseException] = []

    def withdraw() -> None:
        try:
            with transaction.atomic():
                record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
                withdrawn_not_committed.set()
                time.sleep(0.5)  # publishing starts meanwhile
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def publish() -> None:
        try:
            withdrawn_not_committed.wait(5)
            set_public(case, publication, True, actor=coordinator)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Publication.objects.get(case_id=case.pk).is_public  # marked public, yet not shown: no consent
    assert not PublicListing.objects.filter(case_id=case.pk).exists()
    assert_listing_is_public_cases()
