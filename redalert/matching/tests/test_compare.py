"""compare(): the rules as examples, and properties that must hold for any input."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from redalert.matching.compare import REVIEW_THRESHOLD, SHOW_THRESHOLD, Reason, compare
from redalert.matching.facts import PersonFacts

LUPITA = PersonFacts(
    given_names="Guadalupe",
    first_surname="Espinoza",
    second_surname="López",
    sex="female",
    birth_date=date(2010, 3, 4),
    event_date=date(2026, 1, 5),
    place_id=7,
    subdivision_code="MX-QUE",
    country_code="MX",
)


def facts(**changes):
    values = {**LUPITA.__dict__, **changes}
    return PersonFacts(**values)


def test_a_nickname_swapped_surnames_and_an_estimated_age_are_the_same_girl():
    other = facts(given_names="Lupita", first_surname="Lopez", second_surname="Espinosa", birth_date=None)
    other = facts(**{**other.__dict__, "age_min": 15, "age_max": 15, "event_date": date(2026, 1, 7)})
    result = compare(LUPITA, other)
    assert result.score >= REVIEW_THRESHOLD
    assert {Reason.NICKNAME, Reason.SURNAMES_SWAPPED, Reason.AGE_WITHIN_TOLERANCE, Reason.DATES_CLOSE} <= set(
        result.reasons
    )
    assert Reason.SAME_MUNICIPALITY in result.reasons


def test_a_missing_second_surname_is_unknown_not_different():
    result = compare(LUPITA, facts(second_surname=""))
    assert result.parts["surnames"] == 1.0
    assert Reason.ONE_SURNAME in result.reasons
    assert result.score == 1.0


def test_unknown_parts_neither_match_nor_mismatch():
    unknown_age = facts(birth_date=None)
    result = compare(LUPITA, unknown_age)
    assert result.parts["age"] is None
    assert result.score == 1.0  # nothing known differs
    assert compare(LUPITA, facts(sex="")).score == 1.0


def test_a_different_person_scores_low():
    other = facts(
        given_names="Ana Karen",
        first_surname="Martínez",
        second_surname="Ruiz",
        birth_date=date(2001, 1, 1),
        event_date=date(2025, 6, 1),
        place_id=9,
        subdivision_code="MX-TLA",
    )
    assert compare(LUPITA, other).score < SHOW_THRESHOLD


def test_a_known_difference_of_sex_halves_the_score():
    assert compare(LUPITA, facts(sex="male")).score == 0.5
    assert Reason.DIFFERENT_SEX in compare(LUPITA, facts(sex="male")).reasons


def test_sounds_alike_and_typos():
    sounds = compare(LUPITA, facts(first_surname="Espinosa"))
    assert Reason.SOUNDS_ALIKE in sounds.reasons and sounds.score > 0.95
    typo = compare(LUPITA, facts(first_surname="Espnoza"))
    assert 0.8 < typo.score < 1.0


def test_compound_given_names():
    maria_jose = facts(given_names="María José")
    assert compare(maria_jose, facts(given_names="Jose")).parts["given"] == 0.6  # the plain second name is weak
    assert compare(facts(given_names="Ana Sofía"), facts(given_names="Sofía")).parts["given"] == 0.85
    assert compare(maria_jose, facts(given_names="Majo")).parts["given"] == 1.0
    assert compare(maria_jose, facts(given_names="María Fernanda")).parts["given"] < 0.6


def test_place_and_date_alone_never_make_a_match():
    nameless = PersonFacts(event_date=LUPITA.event_date, place_id=7, birth_date=LUPITA.birth_date)
    assert compare(LUPITA, nameless).score == 0.0
    assert compare(nameless, nameless).score == 0.0


def test_dates_far_apart_and_other_states_lower_the_score():
    far = compare(LUPITA, facts(event_date=date(2024, 1, 5), place_id=9, subdivision_code="MX-TLA"))
    assert far.parts["date"] == 0.0 and far.parts["place"] == 0.1
    assert far.score < 0.9  # same names and birth date still deserve a look: she may have gone missing twice
    assert (
        compare(
            LUPITA, facts(event_date=date(2024, 1, 5), birth_date=None, subdivision_code="MX-TLA", place_id=9)
        ).score
        < REVIEW_THRESHOLD
    )


name = st.sampled_from(["", "María", "Lupita", "Guadalupe", "Ana Sofía", "José", "Xóchitl", "Chuy", "Rosa María"])
surname = st.sampled_from(["", "López", "Lopez", "Espinosa", "Espinoza", "de la Cruz", "Hernández", "Ernandes"])
people = st.builds(
    PersonFacts,
    given_names=name,
    first_surname=surname,
    second_surname=surname,
    aliases=st.lists(name, max_size=2).map(tuple),
    sex=st.sampled_from(["", "female", "male", "unknown"]),
    birth_date=st.none() | st.dates(date(1990, 1, 1), date(2020, 12, 31)),
    age_min=st.none() | st.integers(0, 60),
    age_max=st.none() | st.integers(0, 60),
    event_date=st.none() | st.dates(date(2015, 1, 1), date(2026, 12, 31)),
    place_id=st.none() | st.integers(1, 4),
    subdivision_code=st.sampled_from(["", "MX-QUE", "MX-TLA"]),
    country_code=st.sampled_from(["", "MX", "GT"]),
    latitude=st.none() | st.floats(14, 22),
    longitude=st.none() | st.floats(-105, -88),
)


@given(people, people)
def test_compare_is_symmetric_and_bounded(a, b):
    ab, ba = compare(a, b), compare(b, a)
    assert ab.score == ba.score
    assert 0.0 <= ab.score <= 1.0
    assert set(ab.reasons) == set(ba.reasons)


@given(people)
def test_identical_facts_with_a_name_score_one(a):
    result = compare(a, a)
    if a.given_names or a.first_surname or a.second_surname or any(a.aliases):
        if any(part for part in (a.given_names, a.first_surname, a.second_surname, *a.aliases) if part.strip()):
            assert result.score == 1.0
    else:
        assert result.score == 0.0


@given(people, people)
def test_forgetting_a_fact_never_makes_a_known_difference_of_sex_matter(a, b):
    """Unknown is not a mismatch: removing sex on one side never lowers the score."""
    assert compare(PersonFacts(**{**a.__dict__, "sex": ""}), b).score >= compare(a, b).score
