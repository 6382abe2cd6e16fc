from __future__ import annotations

import pytest
from django.utils import translation

from redalert.places.models import PlaceKind
from redalert.places.search import build_search_name, matching_places, resolve_place, search_key, search_places


def codes(places):
    return [place.code for place in places]


@pytest.mark.parametrize("query", ["Tlaxcala", "tlaxcala", "TLAXCALA", "  tlaxcala  "])
def test_search_ignores_case_and_spaces(places, query):
    assert codes(search_places(query))[:2] == ["MX-TLA", "gn:3815415"]


@pytest.mark.parametrize("query", ["Queretaro", "querétaro", "QUERÉTARO", "Quere"])
def test_search_ignores_accents(places, query):
    assert codes(search_places(query))[:2] == ["MX-QUE", "gn:3991164"]


def test_every_word_must_match_as_word_starts_or_inside_words(places):
    assert codes(search_places("santiago queretaro")) == ["gn:3991164"]
    assert codes(search_places("sant quer")) == ["gn:3991164"]
    assert codes(search_places("xicoh tlax")) == ["gn:3815415"]
    assert codes(search_places("tiago")) == ["gn:3991164"]  # inside a word: still found
    assert search_places("queretaro tlaxcala") == []


def test_aliases_are_searched(more_places):
    assert codes(search_places("CDMX")) == ["gn:3530597"]
    assert codes(search_places("mexiko stadt")) == ["gn:3530597"]
    assert codes(search_places("Mexiko-Stadt")) == ["gn:3530597"]


def test_ranking_exact_then_prefix_then_contains_and_kinds_before_localities(more_places):
    # Exact names first (country, then subdivision, then the city whose alias it is), then name prefixes.
    assert codes(search_places("guatemala")) == ["GT", "GT-01", "gn:3598132"]
    # "Ciudad de México": the state's own name and the city's alias are both exact; the state goes first.
    assert codes(search_places("ciudad de mexico")) == ["MX-CMX", "gn:3530597"]
    # Then names (or aliases) starting with the query: "Mexico City" is an alias of the state and the city's name.
    assert codes(search_places("mexico")) == ["MX", "MX-CMX", "gn:3530597"]
    # Localities at equal rank: the most populous first (Mexico City, then "Ciudad de Guatemala").
    assert codes(search_places("ciudad de")) == ["MX-CMX", "gn:3530597", "gn:3598132"]
    # Names starting with the query beat words starting with it, which beat words containing it.
    assert codes(search_places("quer")) == ["MX-QUE", "gn:3991164"]
    assert codes(search_places("xicohtencatl")) == ["gn:3815415"]
    assert codes(search_places("cala")) == ["MX-TLA", "gn:3815415"]
    assert codes(search_places("tlaxcala xic")) == ["gn:3815415"]
    # At equal rank, the most populous locality first.
    assert codes(search_places("san jose", kinds=[PlaceKind.LOCALITY])) == ["gn:3621849", "gn:3621841"]


def test_country_and_kind_filters(more_places):
    assert codes(search_places("guatemala", country="GT", kinds=[PlaceKind.LOCALITY])) == ["gn:3598132"]
    assert codes(search_places("san jose", country="mx")) == []
    assert codes(search_places("tlaxcala", kinds=[PlaceKind.SUBDIVISION])) == ["MX-TLA"]


def test_text_after_a_comma_narrows_by_subdivision_or_country(more_places):
    assert codes(search_places("san jose, alajuela")) == ["gn:3621841"]
    with translation.override("es"):  # a whole label: that place first
        assert codes(search_places("San José, San José, Costa Rica"))[0] == "gn:3621849"
        assert codes(search_places("San José, Alajuela, Costa Rica"))[0] == "gn:3621841"
    assert codes(search_places("santiago, mexico")) == ["gn:3991164"]
    assert search_places("santiago, guatemala") == []


def test_limit_and_empty_queries(more_places):
    assert len(search_places("a", limit=2)) == 2
    assert search_places("") == []
    assert search_places(" ,. ") == []
    assert search_places("san jose", limit=0) == []
    assert search_places("atlantis") == []


def test_search_name_building():
    assert search_key("Bogotá, D.C.") == "bogota d c"
    assert search_key("  Saint-Denis ") == "saint denis"
    assert build_search_name(["Querétaro", "Queretaro", "QUERÉTARO", "Santiago de Querétaro"]) == (
        "queretaro | santiago de queretaro"
    )
    long = build_search_name(["Ciudad"] + [f"Alias number {i}" for i in range(100)])
    assert len(long) <= 400
    assert long.startswith("ciudad | alias number 0 | ")


def test_resolve_by_label_name_or_alias(more_places):
    with translation.override("es"):
        assert resolve_place("Santiago de Querétaro, Querétaro, México") == more_places["qro_city"]
        assert resolve_place("santiago de queretaro") == more_places["qro_city"]
        assert resolve_place("Querétaro") == more_places["qro"]
        assert resolve_place("cdmx") == more_places["mexico_city"]
        # "México" is the label of the country only (the state would be "México, México").
        assert resolve_place("México") == more_places["mx"]
    with translation.override("en"):
        assert resolve_place("Santiago de Querétaro, Querétaro, Mexico") == more_places["qro_city"]
        # A label in another language of the interface still resolves (the page was older than the switch).
        assert resolve_place("Santiago de Querétaro, Querétaro, México") == more_places["qro_city"]


def test_resolve_refuses_unknown_and_ambiguous_text(more_places):
    assert resolve_place("Atlantis") is None
    assert resolve_place("") is None
    assert resolve_place("Santiago") is None  # a prefix is not a name
    assert {p.code for p in matching_places("San José")} == {"CR-SJ", "gn:3621849", "gn:3621841"}
    assert resolve_place("San José") is None
    with translation.override("es"):
        assert resolve_place("San José, Alajuela, Costa Rica") == more_places["san_jose_a"]
