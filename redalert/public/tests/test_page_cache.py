"""Cached public pages: reused while nothing changes, never shown once the case may no longer be public."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.services import save_changes
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord, CurrentConsent
from redalert.consent.services import record_decision
from redalert.public import pagecache
from redalert.public.models import Publication, PublicListing, PublicText, PublicVersion
from redalert.public.services import set_public
from redalert.testing import make_public

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NAME = "María Fernanda López Hernández"


@pytest.fixture(autouse=True)
def page_cache_on(settings: Any) -> None:
    settings.PUBLIC_CACHE_SECONDS = 300
    pagecache.clear()


@pytest.fixture
def shown(make_case: Any, org_a: Any, coordinator: Any) -> Any:
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    return case


def case_url(case: Any) -> str:
    return f"/se-busca/{case.publication.public_id}/"


def warm(client: Any, *paths: str) -> None:
    """Request each page twice: the second answer comes from the page cache."""
    for path in paths:
        first = client.get(path, **EN)
        second = client.get(path, **EN)
        assert first.status_code == second.status_code == 200


def withdraw(case: Any, by: Any) -> None:
    decision = ConsentRecord(
        purpose=Purpose.PUBLISH,
        decision=Decision.WITHDRAWN,
        given_by_name="Rosa Hernández Cruz",
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ana Ruiz",
        decided_on=date(2026, 3, 5),
    )
    record_decision(case, decision, actor=by)


def test_a_cached_page_is_reused_while_nothing_changes(client, shown):
    # A list: the public version, then the re-check of the cases shown. A case page: one query that checks the
    # case is public and reads its version. Nothing else is read or drawn again.
    for path, expected_queries in (("/", 2), (case_url(shown), 1)):
        first = client.get(path, **EN).content.decode()
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path, **EN).content.decode()
        assert NAME in again
        assert len(queries) == expected_queries
        strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731 (the token differs per answer)
        assert strip(again) == strip(first)


def test_a_cached_page_never_shows_a_case_after_withdrawal(client, shown, coordinator):
    warm(client, "/", "/?q=maria", "/?country=MX&page=1", case_url(shown))
    assert NAME in client.get("/?q=maria", **EN).content.decode()
    withdraw(shown, coordinator)
    for path in ("/", "/?q=maria", "/?country=MX&page=1", "/localizadas/"):
        assert NAME not in client.get(path, **EN).content.decode(), path
    assert client.get(case_url(shown), **EN).status_code == 404


def test_unpublishing_closing_and_locating_take_effect_on_cached_pages_at_once(client, make_case, org_a, coordinator):
    cases = [make_case(org_a, coordinator, given_names=name) for name in ("Ana", "Lucía", "Rosa")]
    for case in cases:
        make_public(case, coordinator)
    unpublished, closed, located = cases
    warm_paths = ["/", *(case_url(c) for c in cases)]
    for path in warm_paths:
        client.get(path, **EN)
        client.get(path, **EN)
    set_public(unpublished, Publication.objects.get(case=unpublished), False, actor=coordinator)
    transition(closed, TransitionRequest(CaseStatus.CLOSED, reason="The family asked to stop."), coordinator)
    transition(located, TransitionRequest(CaseStatus.LOCATED_ALIVE, on=timezone.localdate()), coordinator)
    html = client.get("/", **EN).content.decode()
    assert "Ana López" not in html and "Lucía López" not in html and "Rosa López" not in html
    assert client.get(case_url(unpublished), **EN).status_code == 404
    assert client.get(case_url(closed), **EN).status_code == 404
    assert "Rosa López" in client.get("/localizadas/", **EN).content.decode()
    assert "She was located." in client.get(case_url(located), **EN).content.decode()


def test_a_change_committed_by_another_process_hides_the_case_from_this_process(client, shown):
    """Another web process shares nothing with this one but the database: its withdrawal renews the version row,
    and this process's cached copies become unreachable although nobody touched its cache."""
    warm(client, "/", case_url(shown))
    entries = len(pagecache._process_cache._cache)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:  # what the other process's transaction wrote
        cursor.execute(
            "UPDATE consent_currentconsent SET decision = %s WHERE case_id = %s AND purpose = %s",
            [Decision.WITHDRAWN, shown.pk, Purpose.PUBLISH],
        )
        cursor.execute("UPDATE public_publicversion SET token = %s", ["another-process"])
    assert len(pagecache._process_cache._cache) == entries  # type: ignore[attr-defined]
    assert NAME not in client.get("/", **EN).content.decode()
    assert client.get(case_url(shown), **EN).status_code == 404


def test_a_change_that_missed_every_hook_still_hides_the_case_and_repairs_the_listing(client, shown):
    """Belt and braces: a bulk update past ConsentRecord.save() renews nothing, yet the cases of a cached page are
    checked again against public_cases() before it is served."""
    warm(client, "/", case_url(shown))
    version = PublicVersion.current()
    CurrentConsent.objects.filter(case=shown, purpose=Purpose.PUBLISH).update(decision=Decision.WITHDRAWN)
    assert PublicVersion.current() == version
    assert NAME not in client.get("/", **EN).content.decode()
    assert client.get(case_url(shown), **EN).status_code == 404
    assert not PublicListing.objects.filter(case=shown).exists()  # repaired by the list page
    assert PublicVersion.current() != version


def test_edits_and_public_texts_show_at_once_on_cached_pages(client, shown, coordinator, org_a):
    warm(client, "/", case_url(shown))
    person = shown.person
    person.given_names = "Ana Lucía"
    save_changes(shown, [person], actor=coordinator)
    assert "Ana Lucía López Hernández" in client.get("/", **EN).content.decode()
    assert "Ana Lucía López Hernández" in client.get(case_url(shown), **EN).content.decode()
    PublicText.objects.create(organisation=org_a, language="en", contact_line="Write to ayuda@example.org")
    assert ">ayuda@example.org</a>" in client.get(case_url(shown), **EN).content.decode()


def test_each_language_has_its_own_copy(client, shown):
    assert "Last seen" in client.get("/", **EN).content.decode()
    assert "Vista por última vez" in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Last seen" in client.get("/", **EN).content.decode()


def test_unknown_parameters_share_the_copy_and_never_reach_the_page(client, shown):
    client.get("/", **EN)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/", {"utm_source": "<script>x</script>"}, **EN).content.decode()
    assert len(queries) == 2
    main = html.split('<main id="main">')[1].split("</main>")[0]
    assert "utm_source" not in main and "<script>x" not in html


def test_public_pages_ask_browsers_to_check_again_and_proxies_not_to_keep_them(client, shown):
    for path in ("/", "/localizadas/", case_url(shown)):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-cache" in cache_control and "private" in cache_control


def test_with_the_cache_off_every_page_is_drawn_again(client, shown, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get("/", **EN)
    with CaptureQueriesContext(connection) as queries:
        assert NAME in client.get("/", **EN).content.decode()
    assert len(queries) > 2


def test_a_change_of_one_case_keeps_the_cached_copies_of_the_others(client, shown, make_case, org_a, coordinator):
    other = make_case(org_a, coordinator, given_names="Lucía")
    make_public(other, coordinator)
    warm(client, "/", case_url(other))
    withdraw(shown, coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert "Lucía López" in client.get(case_url(other), **EN).content.decode()
    assert len(queries) == 1  # her page is still the cached copy
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/", **EN).content.decode()
    assert "Lucía López" in html and NAME not in html
    # The list is drawn again (the version changed) but her card comes from the cache: no case is read in full.
    assert not any("cases_missingperson" in q["sql"] for q in queries.captured_queries)


def test_a_shared_store_serves_a_page_drawn_by_another_process_and_withdrawal_still_wins(
    client, shown, coordinator, settings
):
    settings.CACHES = {**settings.CACHES, "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.get("/", **EN)
    pagecache.clear()  # this process forgets its copy, as another process would never have had it
    with CaptureQueriesContext(connection) as queries:
        assert NAME in client.get("/", **EN).content.decode()
    assert len(queries) == 2  # served from the shared store
    withdraw(shown, coordinator)
    pagecache.clear()
    assert NAME not in client.get("/", **EN).content.decode()


def test_the_language_form_of_a_cached_page_needs_no_token(shown):
    """No CSRF token in the public pages (a shared cache keeps them, redalert.public.edge): the language form posts
    to public:language, which only sets the language cookie."""
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")
    html = visitor.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in visitor.cookies
    assert 'action="/idioma/"' in html
    answer = visitor.post("/idioma/", {"language": "en", "next": "/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert "Last seen" in visitor.get("/").content.decode()
    assert visitor.post("/idioma/", {"language": "en", "next": "https://evil.example/"})["Location"] == "/"


def test_the_path_in_the_frame_is_escaped(client, shown):
    html = client.get("/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html
