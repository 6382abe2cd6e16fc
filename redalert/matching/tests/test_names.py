"""The name rules, one by one (plain functions, no database)."""

from __future__ import annotations

import jellyfish
import pytest

from redalert.matching.names import canonical_given, folded, given_tokens, is_nickname, spanish_key, words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hernández", "Ernandes"),
        ("Valdez", "Baldés"),
        ("Espinosa", "Espinoza"),
        ("Yesenia", "Llesenia"),
        ("Giménez", "Jiménez"),
        ("Ximena", "Jimena"),
        ("Cecilia", "Sesilia"),
        ("Quiroz", "Kiroz"),
        ("Chávez", "Chaves"),
        ("Vázquez", "Basques"),
        ("Guillermo", "Guiyermo"),
        ("Hilda", "Ilda"),
        ("Gerardo", "Jerardo"),
        ("Barrera", "Varrera"),
    ],
)
def test_words_that_sound_alike_in_spanish_share_a_key(a, b):
    assert spanish_key(a) == spanish_key(b)


@pytest.mark.parametrize(("a", "b"), [("Chávez", "Cavez"), ("Guerra", "Jerra"), ("Ana", "Alma"), ("Rosa", "Rocío")])
def test_words_that_sound_different_keep_different_keys(a, b):
    assert spanish_key(a) != spanish_key(b)


def test_english_phonetics_do_not_fit_spanish_names():
    """Why the key is ours: jellyfish's English algorithms split pairs any Mexican reads the same."""
    assert jellyfish.metaphone("Valdez") != jellyfish.metaphone("Baldez")  # v/b
    assert jellyfish.soundex("Giménez") != jellyfish.soundex("Jiménez")  # g/j
    assert jellyfish.metaphone("Hernandez") != jellyfish.metaphone("Ernandez")  # mute h
    assert spanish_key("Valdez") == spanish_key("Baldez")
    assert spanish_key("Hernandez") == spanish_key("Ernandez")


def test_folding_drops_accents_case_and_particles():
    assert folded("MARÍA de los Ángeles") == "maria angeles"
    assert words("de la Cruz") == ["cruz"]
    assert folded("Peña") == "pena"


@pytest.mark.parametrize(
    ("nickname", "name"),
    [
        ("Lupita", "guadalupe"),
        ("Chuy", "jesus"),
        ("Lalo", "eduardo"),
        ("Paco", "francisco"),
        ("Conchita", "concepcion"),
        ("Pepe", "jose"),
        ("Nacho", "ignacio"),
        ("Memo", "guillermo"),
        ("Lola", "dolores"),
        ("Maru", "maria eugenia"),
        ("Mari", "maria"),
    ],
)
def test_nicknames_stand_for_their_names(nickname, name):
    assert name in canonical_given(nickname)
    assert is_nickname(nickname)


def test_compound_given_names_stay_one_reading_and_give_every_word_for_blocking():
    assert canonical_given("María José") == ["maria jose"]
    assert given_tokens("María José") == {"maria", "jose"}
    assert given_tokens("Maru") == {"maria", "eugenia"}
    assert canonical_given("Beto") == ["alberto", "roberto", "humberto"]
    assert not is_nickname("Fernanda")
