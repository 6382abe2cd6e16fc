"""The public search forgives spelling, on published cases only, and never matches a place or an alias."""

from __future__ import annotations

import pytest

from redalert.matching.public_search import name_matches, word_matches
from redalert.testing import make_public

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Espinosa", "lupita espinoza lopez"),
        ("Guadalupe", "lupita espinoza"),
        ("Ernandez", "maria hernandez"),
        ("Jimena", "ximena ruiz"),
        ("Fernada", "maria fernanda"),
        ("Maria Lopez", "maria fernanda lopez hernandez"),
        ("ana", "mariana lopez"),
    ],
)
def test_forgiven(query, name):
    assert name_matches(query, name)


@pytest.mark.parametrize(
    ("query", "name"),
    [("maria perez", "maria fernanda lopez"), ("rosa", "maria lopez"), ("Querétaro", "maria lopez"), ("", "ana")],
)
def test_not_forgiven(query, name):
    assert not name_matches(query, name)


def test_short_words_need_more_than_one_letter_right():
    assert not word_matches("ana", "ema")


def published(make_case, org_a, coordinator, **names):
    case = make_case(org_a, coordinator, **names)
    make_public(case, coordinator)
    return case


def test_the_public_list_forgives_spelling_on_published_cases_only(client, make_case, org_a, coordinator):
    published(make_case, org_a, coordinator, given_names="Lupita", first_surname="Espinoza", aliases="La Güera")
    make_case(org_a, coordinator, given_names="Guadalupe", first_surname="Espinosa")  # not published
    page = client.get("/", {"q": "Guadalupe Espinosa"}).content.decode()
    assert "Lupita" in page
    assert "Lupita Espinoza" in page
    assert "Espinosa Hernández" not in page  # the unpublished girl
    assert "Lupita" not in client.get("/", {"q": "Guera"}).content.decode()  # aliases are not public
    assert "Lupita" not in client.get("/", {"q": "Santiago de Queretaro"}).content.decode()  # never by place
