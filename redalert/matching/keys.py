"""Blocking keys: what two records of the same person most likely share, as keyed digests.

Names are personal data: the index stores, for each open case, a keyed hash (HMAC-SHA256 with a key derived from
SECRET_KEY, truncated to a signed 64-bit integer so that the index stays small) of each blocking key, never the
names. A lookup computes the same digests from the facts typed at intake and asks the database for the cases that
share any of them; scoring then decrypts and compares only those cases. A 64-bit collision only adds a candidate
that scoring rejects. Changing SECRET_KEY needs `manage.py rebuild_matching_index`.

Keys (g: phonetic key of a given name word after nickname expansion; s: phonetic key of a surname word;
y: a possible birth year; a: the state (else the place) last seen or found):
  gsy:g|s|y   gsa:g|s|a   gya:g|y|a   sya:s|y|a   (and gs:g|s, looked up only when nothing else is known)
Each key joins three facts, so that no key is shared by a large share of an organisation's cases ("maria" alone,
or "maria|hernandez" alone, would be), and a true duplicate shares more keys than a namesake, which ranks it
first in the shortlist; bench/matching_quality.py prints the candidates per record and the blocking recall.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from redalert.matching.facts import PersonFacts
from redalert.matching.names import given_tokens, spanish_key, surname_words

# A query also looks this many years either side of its own birth years: an estimated age is a guess.
QUERY_YEAR_SLACK = 2


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"redalert.matching.blocking-key:" + secret.encode()).digest()


def digest(text: str) -> int:
    return _digest(_key(settings.SECRET_KEY), text)


def _digest(key: bytes, text: str) -> int:
    return int.from_bytes(hmac.digest(key, text.encode(), "sha256")[:8], "big", signed=True)


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> frozenset[str]:
    return frozenset(spanish_key(t) for t in given_tokens(name) if spanish_key(t))


@lru_cache(maxsize=65536)
def _surname_pair_keys(first: str, second: str) -> frozenset[str]:
    return frozenset(spanish_key(w) for w in surname_words(first, second) if spanish_key(w))


def _given_keys(facts: PersonFacts) -> set[str]:
    keys: set[str] = set()
    for name in (facts.given_names, *facts.aliases):
        keys |= _name_keys(name)
    return keys


def _surname_keys(facts: PersonFacts) -> frozenset[str]:
    return _surname_pair_keys(facts.first_surname, facts.second_surname)


def _place(facts: PersonFacts) -> str:
    return str(facts.place_id) if facts.place_id is not None else facts.place_code


def blocking_keys(facts: PersonFacts, *, query: bool = False) -> set[str]:
    """The plain blocking keys of a person (stored for a case; or looked up, with year slack, for a query)."""
    given, surnames = _given_keys(facts), _surname_keys(facts)
    years: set[int] = set()
    known_years = facts.birth_years()
    if known_years is not None:
        slack = QUERY_YEAR_SLACK if query else 0
        years = set(range(known_years[0] - slack, known_years[1] + slack + 1))
    area = facts.subdivision_code or _place(facts)
    keys = {f"gsy:{g}|{s}|{y}" for g in given for s in surnames for y in years}
    if area:
        keys |= {f"gsa:{g}|{s}|{area}" for g in given for s in surnames}
        # A surname typed wrong or missing, or a given name the nickname table does not know: the other name,
        # the birth year and the state still agree.
        keys |= {f"gya:{g}|{y}|{area}" for g in given for y in years}
        keys |= {f"sya:{s}|{y}|{area}" for s in surnames for y in years}
    # Names alone only when nothing else is known: "maria|hernandez" alone is shared by thousands of cases.
    if not query or not (years or area):
        keys |= {f"gs:{g}|{s}" for g in given for s in surnames}
    return keys


def digests(facts: PersonFacts, *, query: bool = False) -> set[int]:
    key = _key(settings.SECRET_KEY)
    return {_digest(key, k) for k in blocking_keys(facts, query=query)}
