"""Privacy-preserving encodings of a person for matching across the coalition (issue 15, docs/coalition-matching.md).

Plain functions, no database: the same code runs in the app, in the tests and in bench/coalition_matching.py.

- `encode(facts, key)`: a keyed Bloom-filter encoding (a "cryptographic long-term key", CLK, Schnell et al. 2011)
  of 1,024 bits. Each feature (a padded bigram of a folded name word, the Spanish phonetic key of a name word, a
  possible birth year, the sex, the state and the place last seen) sets `k` bits chosen by double hashing with
  HMAC-SHA256 under a key derived from the coalition key: position_i = (h1 + i·h2) mod 1024. Given names are
  read as redalert.matching reads them (nicknames expanded to their canonical names: Lupita → guadalupe), and the
  surnames as a set (either order, one missing). Unknown facts set no bit: they neither match nor mismatch.
- `blocking_tokens(facts, key)`: 64-bit keyed digests (HMAC-SHA256 under another derived key) of "a given-name
  word's phonetic key | a surname word's phonetic key | a 4-year band of the birth year"; two encodings are
  compared only if they share a token, so the cost grows with the candidates, not with the square of the records.
  A person of unknown age is filed under every band.
- `dice(...)`: the Dice coefficient of two encodings, 2·|A∧B| / (|A| + |B|).

Without the coalition key nobody can compute an encoding of a guessed name to test it against the stored ones.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from redalert.matching.facts import PersonFacts
from redalert.matching.names import canonical_given, spanish_key, surname_words

BITS = 1024
BYTES = BITS // 8
BAND_YEARS = 4  # width of a birth-year band in the blocking tokens
UNKNOWN_AGE_YEARS = 60  # a person of unknown age is filed under every band of the 60 years before the event

# Bits set per feature: names carry the identity; the birth year, sex and place confirm it (a few bits each, so
# that a common year or state cannot make strangers look alike).
K_NAME_BIGRAM = 12
K_NAME_SOUND = 12
K_YEAR = 12
K_SEX = 4
K_PLACE = 6


def derive(key: bytes, purpose: str) -> bytes:
    """A subkey for one use (encoding, blocking, key check), so that no two uses share a key."""
    return hmac.new(key, f"redalert.coalition.{purpose}".encode(), hashlib.sha256).digest()


def key_check(key: bytes) -> str:
    """A short public check value of the key (stored with each encoding to notice a changed key; not the key)."""
    return derive(key, "key-check").hex()[:16]


def _bigrams(word: str) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def _given_words(facts: PersonFacts) -> set[str]:
    out: set[str] = set()
    for text in (facts.given_names, *facts.aliases):
        for reading in canonical_given(text):
            out.update(reading.split())
    return out


def _surnames(facts: PersonFacts) -> set[str]:
    return set(surname_words(facts.first_surname, facts.second_surname))


def features(facts: PersonFacts) -> Iterator[tuple[str, int]]:
    """(feature, bits to set) for one person; each feature is prefixed by its field, so that "ana" as a given
    name and "ana" inside a surname set different bits."""
    for field, names in (("g", _given_words(facts)), ("s", _surnames(facts))):
        for name in sorted(names):
            for bigram in _bigrams(name):
                yield f"{field}b:{bigram}", K_NAME_BIGRAM
            sound = spanish_key(name)
            if sound:
                yield f"{field}k:{sound}", K_NAME_SOUND
    years = facts.birth_years()
    if years is not None:
        for year in range(years[0], years[1] + 1):
            yield f"y:{year}", K_YEAR
    if facts.known_sex:
        yield f"x:{facts.known_sex}", K_SEX
    if facts.subdivision_code:
        yield f"a:{facts.subdivision_code}", K_PLACE
    if facts.place_code:
        yield f"p:{facts.place_code}", K_PLACE


def _positions(subkey: bytes, feature: str, k: int) -> Iterator[int]:
    digest = hmac.new(subkey, feature.encode(), hashlib.sha256).digest()
    h1 = int.from_bytes(digest[:8], "big")
    h2 = int.from_bytes(digest[8:16], "big") | 1  # odd: with 1,024 positions every step reaches k distinct ones
    for i in range(k):
        yield (h1 + i * h2) % BITS


def has_names(facts: PersonFacts) -> bool:
    return bool(_given_words(facts) or _surnames(facts))


def encode(facts: PersonFacts, key: bytes) -> bytes:
    """The 1,024-bit keyed Bloom filter of a person (128 bytes, big-endian)."""
    subkey = derive(key, "clk")
    value = 0
    for feature, k in features(facts):
        for position in _positions(subkey, feature, k):
            value |= 1 << position
    return value.to_bytes(BYTES, "big")


def _bands(facts: PersonFacts) -> set[int]:
    years = facts.birth_years()
    if years is None:
        if facts.event_date is None:
            return {-1}  # nothing tells her age: only others of unknown age and date share this band
        end = facts.event_date.year
        return {y // BAND_YEARS for y in range(end - UNKNOWN_AGE_YEARS, end + 1)}
    # One year of slack either side: a birth year typed or estimated one off still shares a band.
    return {y // BAND_YEARS for y in range(years[0] - 1, years[1] + 2)}


def _token(subkey: bytes, text: str) -> int:
    digest = hmac.new(subkey, text.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def blocking_tokens(facts: PersonFacts, key: bytes) -> set[int]:
    """Keyed digests of (given-name sound, surname sound, birth-year band): two records are candidates only if
    they share one. Each token pairs two names with the age, so that no token holds a large share of the cases."""
    subkey = derive(key, "block")
    given = {spanish_key(w) for w in _given_words(facts)} - {""}
    surnames = {spanish_key(w) for w in _surnames(facts)} - {""}
    if not given:
        given = {"?"}
    if not surnames:
        surnames = {"?"}
    if given == {"?"} and surnames == {"?"}:
        return set()
    bands = _bands(facts)
    return {_token(subkey, f"{g}|{s}|{b}") for g in given for s in surnames for b in bands}


def ones(bits: bytes) -> int:
    return int.from_bytes(bits, "big").bit_count()


def dice(a: int, b: int, ones_a: int, ones_b: int) -> float:
    """Dice coefficient of two encodings given as integers with their bit counts."""
    total = ones_a + ones_b
    return 2 * (a & b).bit_count() / total if total else 0.0


@dataclass(frozen=True)
class Encoded:
    """One encoding as the comparison reads it: whose it is (organisation, case), its bits and its tokens."""

    organisation_id: int
    case_id: int
    bits: int
    ones: int
    tokens: frozenset[int]


def compare_all(records: Iterable[Encoded], threshold: float) -> list[tuple[Encoded, Encoded, float]]:
    """Pairs of encodings of DIFFERENT organisations that share a blocking token and whose Dice coefficient is at
    least `threshold`, each pair once (lower case id first)."""
    by_token: dict[int, list[Encoded]] = {}
    for record in records:
        for token in record.tokens:
            by_token.setdefault(token, []).append(record)
    seen: set[tuple[int, int]] = set()
    found: list[tuple[Encoded, Encoded, float]] = []
    for block in by_token.values():
        if len(block) < 2:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if a.organisation_id == b.organisation_id:
                    continue
                pair = (a.case_id, b.case_id) if a.case_id < b.case_id else (b.case_id, a.case_id)
                if pair in seen:
                    continue
                seen.add(pair)
                score = dice(a.bits, b.bits, a.ones, b.ones)
                if score >= threshold:
                    first, second = (a, b) if a.case_id < b.case_id else (b, a)
                    found.append((first, second, score))
    return found
