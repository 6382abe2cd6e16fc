"""The public search forgives spelling (issue 15, ability 5): "Espinosa" finds "Espinoza", "Guadalupe" finds
"Lupita", "Ernandez" finds "Hernández", "Jimena" finds "Ximena", a one-letter typo in a long word is forgiven.

Only names are forgiven, and only on what the public listing holds (published cases, the public name, never the
aliases): the caller passes the listing rows already narrowed by the other filters. A place is never fuzzed and
never searched here: this answers "which of these published names match these words", nothing else.

The listing stores the folded public name; the forgiving comparison needs each word's phonetic key and nickname
readings, which the database cannot compute, so the names of the rows left after the other filters are compared
here (two short columns per published case; published cases are thousands, not millions).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from redalert.matching.names import canonical_given, spanish_key, words


@lru_cache(maxsize=8192)
def _readings(word: str) -> frozenset[str]:
    """The word itself, its phonetic key, and the names it stands for (and their keys)."""
    out = {word, "~" + spanish_key(word)}
    for reading in canonical_given(word):
        for part in reading.split():
            out |= {part, "~" + spanish_key(part)}
    return frozenset(out)


def word_matches(query_word: str, name_word: str) -> bool:
    """Does a folded query word match a folded word of a public name, forgiving spelling?"""
    if query_word in name_word:  # what the search always did: a part of a word
        return True
    if _readings(query_word) & _readings(name_word):
        return True
    # One typo (a letter left out, added, changed or two swapped) in a word of five letters or more.
    return (
        min(len(query_word), len(name_word)) >= 5
        and Levenshtein.distance(query_word, name_word, weights=(1, 1, 1)) <= 1
    )


def name_matches(query: str, name: str) -> bool:
    """Every word of the query matches some word of the name."""
    query_words, name_words = words(query), words(name)
    return bool(query_words) and all(any(word_matches(q, n) for n in name_words) for q in query_words)


def matching_ids(query: str, rows: Iterable[tuple[int, str]]) -> list[int]:
    """The ids of the (id, public name) rows whose name matches the query."""
    return [pk for pk, name in rows if name_matches(query, name)]
