"""The public pages: consent gating, lists and filters, the case page, what never reaches the public."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.services import record_decision
from redalert.public.models import PublicText
from redalert.public.services import publication_for, set_public
from redalert.public.tests.conftest import consent, public_id, publish, to_active_search

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# Consent gating ---------------------------------------------------------------------------------------------------


def test_a_published_case_with_consent_is_on_the_list_and_has_a_page(client, published):
    listing = client.get("/", **EN)
    assert listing.status_code == 200
    assert "María Fernanda López Hernández" in listing.content.decode()
    page = client.get(f"/se-busca/{public_id(published)}/", **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ayúdanos a encontrarla." in html
    assert "Uniforme escolar azul." in html


def test_without_consent_to_publish_nothing_is_public(client, make_case, org_a, coordinator):
    case = to_active_search(make_case(org_a, coordinator), coordinator)
    publication = publication_for(case)
    publication.is_public = True  # marked public by hand, but no consent was ever recorded
    publication.save()
    pid = publication.public_id
    assert "María Fernanda" not in client.get("/").content.decode()
    assert client.get(f"/se-busca/{pid}/").status_code == 404
    assert client.get(f"/se-busca/{pid}/foto-480.jpg").status_code == 404
    assert client.get(f"/se-busca/{pid}/compartir.png").status_code == 404


def test_withdrawal_takes_the_case_down_everywhere_at_once(client, published, coordinator):
    pid = public_id(published)
    assert client.get(f"/se-busca/{pid}/compartir.png").status_code == 200
    withdrawal = ConsentRecord(
        purpose=Purpose.PUBLISH,
        decision=Decision.WITHDRAWN,
        given_by_name="Rosa Hernández Cruz",
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ana Ruiz",
        decided_on=date(2026, 3, 5),
    )
    record_decision(published, withdrawal, actor=coordinator)
    assert "María Fernanda" not in client.get("/").content.decode()
    assert "María Fernanda" not in client.get("/localizadas/").content.decode()
    assert client.get(f"/se-busca/{pid}/").status_code == 404
    assert client.get(f"/se-busca/{pid}/compartir.png").status_code == 404
    assert client.get(f"/se-busca/{pid}/foto-160.jpg").status_code == 404


@pytest.mark.parametrize("status", [CaseStatus.REPORTED, CaseStatus.VERIFICATION])
def test_a_case_not_yet_in_active_search_is_not_public(client, make_case, org_a, coordinator, status):
    case = make_case(org_a, coordinator)
    if status == CaseStatus.VERIFICATION:
        transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    consent(case, Purpose.PUBLISH, coordinator)
    publication = publication_for(case)
    publication.is_public = True
    publication.save()
    assert "María Fernanda" not in client.get("/").content.decode()
    assert client.get(f"/se-busca/{publication.public_id}/").status_code == 404


def test_an_unknown_public_id_is_404(client, db):
    assert client.get("/se-busca/nosuchcase/").status_code == 404


# Located ----------------------------------------------------------------------------------------------------------


def locate(case: Any, user: Any, on: date) -> Any:
    return transition(case, TransitionRequest(CaseStatus.LOCATED_ALIVE, on=on), user)


def test_a_located_case_is_only_under_localizadas_and_says_only_that(client, published, coordinator):
    locate(published, coordinator, timezone.localdate())
    assert "María Fernanda" not in client.get("/").content.decode()
    assert "María Fernanda" in client.get("/localizadas/").content.decode()
    html = client.get(f"/se-busca/{public_id(published)}/", **EN).content.decode()
    assert "She was located." in html
    for hidden in ("Uniforme escolar", "Lunar en la mejilla", "Complexión delgada", "Ayúdanos a encontrarla"):
        assert hidden not in html
    assert "/pista/" not in html  # no tip button
    assert "ficha.pdf" not in html  # no bulletin
    assert 'content="LOCATED: María Fernanda López Hernández"' in html


def test_a_located_case_loses_its_photo_after_the_configured_days(client, published, coordinator, photo_of_case):
    photo = photo_of_case(published)
    publication = published.publication
    publication.photo = photo
    set_public(published, publication, True, actor=coordinator)
    long_ago = timezone.localdate() - timedelta(days=settings.LOCATED_PHOTO_DAYS + 1)
    locate(published, coordinator, max(long_ago, published.last_seen_on))
    pid = public_id(published)
    html = client.get(f"/se-busca/{pid}/").content.decode()
    assert "foto-" not in html
    assert "foto-" not in client.get("/localizadas/").content.decode()
    assert client.get(f"/se-busca/{pid}/foto-480.jpg").status_code == 404


def test_by_default_a_located_womans_photo_goes_the_day_she_is_located(client, published, coordinator, photo_of_case):
    publication = published.publication
    publication.photo = photo_of_case(published)
    set_public(published, publication, True, actor=coordinator)
    locate(published, coordinator, timezone.localdate())
    pid = public_id(published)
    html = client.get(f"/se-busca/{pid}/").content.decode()
    assert "She was located." in html or "localizada" in html.lower()
    assert "foto-" not in html
    assert client.get(f"/se-busca/{pid}/foto-480.jpg").status_code == 404


def test_where_configured_a_recently_located_case_keeps_its_photo(
    client, published, coordinator, photo_of_case, settings
):
    settings.LOCATED_PHOTO_DAYS = 7
    publication = published.publication
    publication.photo = photo_of_case(published)
    set_public(published, publication, True, actor=coordinator)
    locate(published, coordinator, timezone.localdate())
    pid = public_id(published)
    assert f"/se-busca/{pid}/foto-480.jpg" in client.get(f"/se-busca/{pid}/").content.decode()
    assert client.get(f"/se-busca/{pid}/foto-480.jpg").status_code == 200


# Search and filters -----------------------------------------------------------------------------------------------


@pytest.fixture
def several(make_case: Any, org_a: Any, org_b: Any, make_user: Any, coordinator: Any, places: Any) -> dict[str, Any]:
    coordinator_b = make_user(org_b, "coordinator")
    cases = {
        "maria": make_case(org_a, coordinator),  # 17, Santiago de Querétaro (locality in MX-QUE), 2026-03-01
        "ana": make_case(
            org_a,
            coordinator,
            given_names="Ana",
            first_surname="Núñez",
            second_surname="",
            birth_date=date(1996, 1, 10),
            last_seen_on=date(2025, 11, 20),
            last_seen_place=places["tlax"],
        ),
        "lucia": make_case(
            org_b,
            coordinator_b,
            given_names="Lucía",
            first_surname="Pérez",
            second_surname="",
            birth_date=None,
            last_seen_on=date(2026, 1, 5),
            last_seen_place=places["gt"],
        ),
        "rosa": make_case(
            org_a,
            coordinator,
            given_names="Rosa",
            first_surname="Ortega",
            second_surname="",
            aliases="La Güera",
            birth_date=date(2010, 2, 1),
            last_seen_on=date(2026, 2, 10),
            last_seen_place=places["qro"],
        ),
    }
    for key, case in cases.items():
        publish(case, coordinator_b if key == "lucia" else coordinator)
    return cases


def names_in(response: Any) -> set[str]:
    html = response.content.decode()
    return {n for n in ("María Fernanda", "Ana Núñez", "Lucía Pérez", "Rosa Ortega") if n in html}


def test_search_ignores_accents_and_case(client, several):
    assert names_in(client.get("/", {"q": "Maria Lopez"})) == {"María Fernanda"}
    assert names_in(client.get("/", {"q": "nunez"})) == {"Ana Núñez"}
    assert names_in(client.get("/", {"q": "LUCÍA"})) == {"Lucía Pérez"}
    assert names_in(client.get("/", {"q": "maria perez"})) == set()


def test_search_does_not_find_private_aliases(client, several):
    assert names_in(client.get("/", {"q": "guera"})) == set()


def test_filters_by_country_state_age_and_date(client, several):
    assert names_in(client.get("/", {"country": "GT"})) == {"Lucía Pérez"}
    assert names_in(client.get("/", {"country": "MX"})) == {"María Fernanda", "Ana Núñez", "Rosa Ortega"}
    # A state finds cases last seen in it and in its localities.
    assert names_in(client.get("/", {"state": "MX-QUE"})) == {"María Fernanda", "Rosa Ortega"}
    assert names_in(client.get("/", {"state": "MX-TLA"})) == {"Ana Núñez"}
    # Unknown ages are left out only when an age filter is set.
    assert names_in(client.get("/", {"age_min": "18"})) == {"Ana Núñez"}
    assert names_in(client.get("/", {"age_max": "17"})) == {"María Fernanda", "Rosa Ortega"}
    assert names_in(client.get("/", {"age_min": "17", "age_max": "17"})) == {"María Fernanda"}
    assert "Lucía Pérez" in names_in(client.get("/", {"q": ""}))
    assert names_in(client.get("/", {"date_from": "2026-01-01"})) == {"María Fernanda", "Lucía Pérez", "Rosa Ortega"}
    assert names_in(client.get("/", {"date_from": "2026-01-01", "date_to": "2026-02-28"})) == {
        "Lucía Pérez",
        "Rosa Ortega",
    }


def test_filter_choices_only_offer_places_with_public_cases(client, several, places):
    html = client.get("/", **EN).content.decode()
    assert 'value="GT"' in html and 'value="MX"' in html and 'value="MX-QUE"' in html
    assert 'value="BR"' not in html


def test_a_hidden_age_cannot_be_found_by_filtering(client, several, coordinator):
    publication = several["ana"].publication
    publication.show_age = False
    set_public(several["ana"], publication, True, actor=coordinator)
    assert names_in(client.get("/", {"age_min": "18"})) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"age_min": "abc"},
        {"age_max": "-3"},
        {"age_min": "30", "age_max": "20"},
        {"date_from": "yesterday"},
        {"date_from": "2026-03-01", "date_to": "2026-01-01"},
        {"country": "ZZ"},
        {"state": "<script>"},
        {"page": "9999"},
        {"page": "x"},
        {"q": "x" * 500},
    ],
)
def test_bad_filter_input_gives_a_clear_error_not_a_500(client, several, params):
    response = client.get("/", params, **EN)
    assert response.status_code == 200
    if "page" not in params:
        assert 'class="errorlist"' in response.content.decode()


def test_the_list_is_paginated_newest_published_first(client, several, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    first = client.get("/").content.decode()
    assert names_in(client.get("/")) == {"Rosa Ortega", "Lucía Pérez"}
    assert "page=2" in first
    assert names_in(client.get("/", {"page": "2"})) == {"Ana Núñez", "María Fernanda"}


def test_the_list_does_not_query_once_per_case(client, several, django_assert_max_num_queries):
    client.get("/")  # warm up (sessions, content types)
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert len(names_in(response)) == 4


# What never reaches the public -------------------------------------------------------------------------------------


def test_private_details_never_reach_the_public_pages(client, published):
    pid = public_id(published)
    pages = [
        client.get("/").content.decode(),
        client.get(f"/se-busca/{pid}/").content.decode(),
        client.get("/", {"q": "maria"}).content.decode(),
        client.get("/acerca/").content.decode(),
    ]
    private = [
        "+524421234567",
        "4421234567",
        "+524429876543",
        "Avenida Zaragoza",
        "Calle Hidalgo",
        "frente a la tienda",
        "20.5931",
        "-100.3920",
        "20.58806",  # the locality's coordinates are public, but pages do not need them either
        "Salió a la escuela",
        "Rosa Hernández",  # the reporter
        published.reference,
    ]
    for html in pages:
        for value in private:
            assert value not in html, value


def test_unchecked_details_are_not_shown(client, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator, clothing="Sudadera roja", physical_description="Alta")
    publish(case, coordinator, show_clothing=False, show_physical_description=False, show_age=False)
    html = client.get(f"/se-busca/{public_id(case)}/").content.decode()
    assert "Sudadera roja" not in html
    assert "Alta" not in html
    assert "17" not in re.sub(r"<[^>]+>", " ", html).replace("2026", "")


# The case page ----------------------------------------------------------------------------------------------------


def test_case_page_has_open_graph_tags_and_share_links(client, published):
    pid = public_id(published)
    response = client.get(f"/se-busca/{pid}/", **EN)
    html = response.content.decode()
    url = f"http://testserver/se-busca/{pid}/"
    assert 'property="og:title" content="LOOKING FOR: María Fernanda López Hernández"' in html
    assert f'property="og:url" content="{url}"' in html
    assert re.search(rf'property="og:image" content="http://testserver/se-busca/{pid}/compartir\.png\?lang=en', html)
    assert 'property="og:image:width" content="1200"' in html
    assert 'property="og:image:height" content="630"' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert "og:description" in html and "Santiago de Querétaro" in html
    assert "https://wa.me/?text=" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fse-busca%2F" in html
    assert "https://twitter.com/intent/tweet?url=" in html
    assert "https://t.me/share/url?url=" in html
    assert f"/se-busca/{pid}/pista/" in html
    assert f"/se-busca/{pid}/ficha.pdf?lang=es" in html
    assert f"/se-busca/{pid}/ficha.pdf?lang=en" in html


def test_case_page_shows_the_organisation_contact_and_hotline(client, published, org_a):
    PublicText.objects.create(
        organisation=org_a, language="en", contact_line="Write to contacto@example.org", hotline="800 123 4567"
    )
    html = client.get(f"/se-busca/{public_id(published)}/", **EN).content.decode()
    assert "Red de Búsqueda A" in html
    assert 'Write to <a href="mailto:contacto@example.org">contacto@example.org</a>' in html
    assert '<a href="tel:8001234567">800 123 4567</a>' in html


def test_phones_in_the_contact_line_are_tap_to_call_links_and_the_rest_stays_escaped(client, published, org_a):
    PublicText.objects.create(
        organisation=org_a, language="es", contact_line="Llámanos al +52 55 5555 0100 <b>24 h</b>, día 7"
    )
    for path in (f"/se-busca/{public_id(published)}/", "/acerca/"):
        html = client.get(path).content.decode()
        assert '<a href="tel:+525555550100">+52 55 5555 0100</a>' in html
        assert "&lt;b&gt;24 h&lt;/b&gt;, día 7" in html


def test_public_pages_work_without_javascript_and_load_no_external_resources(client, published):
    for path in ("/", "/localizadas/", "/acerca/", f"/se-busca/{public_id(published)}/"):
        html = client.get(path).content.decode()
        assert "<script" not in html
        assert "public.css" in html and "app.css" not in html
        assert not re.search(r'(src|href)="https?://(?!testserver)[^"]*\.(css|js|woff2?)', html)
        assert 'action="/idioma/"' in html


def test_list_page_weight_without_photos_is_under_budget(client, several, settings):
    html = client.get("/").content
    css = finders.find("css/public.css")
    assert css is not None
    with open(css, "rb") as f:
        weight = len(html) + len(f.read())
    assert weight < 200 * 1024


def test_the_page_is_spanish_by_default(client, published):
    html = client.get("/").content.decode()
    assert '<html lang="es">' in html


# About ------------------------------------------------------------------------------------------------------------


def test_about_shows_public_texts_in_the_current_language_with_spanish_fallback(client, org_a, org_b):
    PublicText.objects.create(organisation=org_a, language="en", about="We search.", hotline="800 111")
    PublicText.objects.create(organisation=org_a, language="es", about="Buscamos.", hotline="800 111")
    PublicText.objects.create(organisation=org_b, language="es", about="Colectivo en Guatemala.", contact_line="Zona 1")
    html = client.get("/acerca/", **EN).content.decode()
    assert "We search." in html and "Buscamos." not in html
    assert "Colectivo en Guatemala." in html and "Zona 1" in html
    assert "800 111" in html


def test_favicon_is_served_and_every_page_names_its_icon(client, published):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert 'rel="icon"' in client.get(f"/se-busca/{public_id(published)}/").content.decode()


def test_about_gives_an_organisation_with_public_searches_a_default_text_until_it_writes_its_own(
    client, published, org_a, org_b
):
    html = client.get("/acerca/").content.decode()
    assert "Red de Búsqueda A" in html and "no han publicado" not in html
    assert org_b.name not in html  # no public search, no text: not listed
    PublicText.objects.create(organisation=org_a, language="es", about="Texto propio de la red.")
    html = client.get("/acerca/").content.decode()
    assert "Texto propio de la red." in html


def test_a_case_without_a_photo_says_so_and_keeps_the_button_high(client, published):
    html = client.get(f"/se-busca/{public_id(published)}/").content.decode()
    assert 'class="nophoto large"' not in html and 'class="nophoto-note"' in html
    assert html.index('class="nophoto-note"') < html.index("/pista/")
    listing = client.get("/").content.decode()
    assert '<span class="nophoto">' in listing and 'class="nophoto" aria-hidden' not in listing


def test_a_name_search_keeps_more_filters_closed_and_another_filter_opens_them(client, published):
    assert '<details class="filters">' in client.get("/", {"q": "maria"}).content.decode()
    assert '<details class="filters" open>' in client.get("/", {"q": "", "age_min": "10"}).content.decode()
