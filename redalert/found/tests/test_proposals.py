"""The rules that propose pairs, as plain functions: what a record tells matching, and the description rule."""

from __future__ import annotations

from datetime import date

from redalert.found.choices import FoundReason
from redalert.found.facts import facts_for_found
from redalert.found.models import FoundPerson
from redalert.found.proposals import described_alike
from redalert.matching.facts import PersonFacts


def found_facts(**overrides: object) -> PersonFacts:
    values: dict[str, object] = {
        "sex": "female",
        "age_min": 16,
        "age_max": 19,
        "event_date": date(2026, 4, 10),
        "place_id": 1,
        "subdivision_code": "MX-QUE",
        "country_code": "MX",
    }
    values.update(overrides)
    return PersonFacts(**values)  # type: ignore[arg-type]


def case_facts(**overrides: object) -> PersonFacts:
    values: dict[str, object] = {
        "given_names": "María Fernanda",
        "first_surname": "López",
        "sex": "female",
        "birth_date": date(2008, 5, 14),
        "event_date": date(2026, 3, 1),
        "place_id": 1,
        "subdivision_code": "MX-QUE",
        "country_code": "MX",
    }
    values.update(overrides)
    return PersonFacts(**values)  # type: ignore[arg-type]


def test_the_names_she_gives_are_aliases_and_unknown_stays_unknown(places):
    found = FoundPerson(
        condition="deceased", found_on=date(2026, 4, 10), names="Lupita; la Güera", sex="unknown", age_min=None
    )
    facts = facts_for_found(found)
    assert facts.aliases == ("Lupita", "la Güera")
    assert facts.given_names == "" and facts.first_surname == ""
    assert facts.sex == "" and facts.birth_years() is None and facts.place_id is None


def test_a_nameless_woman_of_the_right_age_found_where_she_was_last_seen_is_proposed():
    proposal = described_alike(found_facts(), case_facts())
    assert proposal is not None and proposal.score == 0.9
    assert FoundReason.DESCRIPTION_ONLY in proposal.reasons and FoundReason.SAME_PLACE in proposal.reasons


def test_the_same_state_is_close_enough_but_scores_lower():
    proposal = described_alike(found_facts(place_id=2), case_facts())
    assert proposal is not None and 0.7 <= proposal.score < 1.0
    assert FoundReason.PLACE_CLOSE in proposal.reasons


def test_found_before_she_disappeared_is_never_her():
    assert described_alike(found_facts(event_date=date(2026, 2, 1)), case_facts()) is None


def test_a_different_sex_an_age_far_off_or_another_state_is_not_proposed():
    assert described_alike(found_facts(sex="male"), case_facts()) is None
    assert described_alike(found_facts(age_min=30, age_max=35), case_facts()) is None
    assert described_alike(found_facts(place_id=9, subdivision_code="MX-TLA"), case_facts()) is None


def test_unknown_age_or_place_proposes_nothing_by_description():
    """Unknown is not zero: without both an age and a place, a description alone says nothing."""
    assert described_alike(found_facts(age_min=None, age_max=None), case_facts()) is None
    assert described_alike(found_facts(place_id=None, subdivision_code="", country_code=""), case_facts()) is None
    assert described_alike(found_facts(), case_facts(birth_date=None)) is None
