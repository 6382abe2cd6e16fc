"""Privacy-preserving encodings of a person for matching across the coalition (issue 15, docs/coalition-matching.md).

Plain functions, no database: the same code runs in the app, in the tests and in bench/coalition_matching.py.

- `encode(facts, key)`: a keyed Bloom-filter encoding of 1,024 bits, made of one filter per field (field-level
  Bloom filters, Schnell et al. 2009; concatenated into one value like a CLK): names (512 bits), birth (128), date
  last seen (256), place (64), sex (64). Each feature — a padded bigram of a folded name word, the Spanish phonetic
  key of a name word, each possible birth year and the years next to it, the birth date, each day within a week of
  the date last seen, the state and the place, the sex — sets `k` bits of its field's segment, chosen by double
  hashing with HMAC-SHA256 under a key derived from the coalition key: position_i = (h1 + i·h2) mod segment. Given
  names are read as redalert.matching reads them (nicknames expanded to their canonical names: Lupita → guadalupe),
  the surnames as a set (either order, one missing).
- `similarity(a, b)`: the weighted mean of the fields' Dice coefficients, 2·|A∧B| / (|A| + |B|), over the fields
  known on BOTH sides: an unknown field (an empty segment) neither matches nor mismatches.
- `blocking_tokens(facts, key)`: 64-bit keyed digests (HMAC-SHA256 under another derived key) of name sounds paired
  with a birth-year band and a window of the date last seen (and of the full name's sounds with the birth year);
  two encodings are compared only if they share a token, so the cost grows with the candidates, not with the
  square of the records.

Without the coalition key nobody can compute an encoding of a guessed name to test it against the stored ones.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from redalert.matching.facts import PersonFacts
from redalert.matching.names import canonical_given, spanish_key, surname_words

BITS = 1024
BYTES = BITS // 8

# The fields: (name, first bit, bits, weight in the similarity). The names carry the identity; the dates and the
# place tell apart the many strangers who share a common name. The weights were tuned on bench/coalition_matching.py
# (best F1 on its generated Spanish names; see docs/coalition-matching.md).
FIELDS = (
    ("names", 0, 512, 0.30),
    ("birth", 512, 128, 0.10),
    ("event", 640, 256, 0.15),
    ("place", 896, 64, 0.15),
    ("sex", 960, 64, 0.03),
)
SEGMENT = {name: (start, size) for name, start, size, _w in FIELDS}
MASKS = tuple(((1 << size) - 1) << (BITS - start - size) for _n, start, size, _w in FIELDS)  # big-endian bits
WEIGHTS = tuple(w for *_rest, w in FIELDS)

K_NAME_BIGRAM = 6
K_NAME_SOUND = 6
K_BIRTH = 6
K_EVENT = 5
K_PLACE = 6
K_SEX = 4
BIRTH_YEARS = 1  # a possible birth year also sets the years next to it: an estimated age is often one or two off
EVENT_DAYS = 7  # the date last seen sets the days within a week of it: dates d days apart share 15 - d of 15

BAND_YEARS = 4  # width of a birth-year band in the blocking tokens
EVENT_WINDOW_DAYS = 30  # width of a window of the date last seen in the blocking tokens
UNKNOWN_AGE_YEARS = 60  # a person of unknown age is filed under every band of the 60 years before the event


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


def has_names(facts: PersonFacts) -> bool:
    return bool(_given_words(facts) or _surnames(facts))


def features(facts: PersonFacts) -> Iterator[tuple[str, str, int]]:
    """(field, feature, bits to set) for one person. Each feature is prefixed by its kind, so that "ana" as a given
    name and "ana" inside a surname set different bits."""
    for kind, names in (("g", _given_words(facts)), ("s", _surnames(facts))):
        for name in sorted(names):
            for bigram in _bigrams(name):
                yield "names", f"{kind}b:{bigram}", K_NAME_BIGRAM
            sound = spanish_key(name)
            if sound:
                yield "names", f"{kind}k:{sound}", K_NAME_SOUND
    years = facts.birth_years()
    if years is not None:
        for year in range(years[0] - BIRTH_YEARS, years[1] + BIRTH_YEARS + 1):
            yield "birth", f"y:{year}", K_BIRTH
    if facts.birth_date is not None:
        yield "birth", f"d:{facts.birth_date.isoformat()}", K_BIRTH
    if facts.event_date is not None:
        day = facts.event_date.toordinal()
        for d in range(day - EVENT_DAYS, day + EVENT_DAYS + 1):
            yield "event", f"e:{d}", K_EVENT
    if facts.subdivision_code:
        yield "place", f"a:{facts.subdivision_code}", K_PLACE
    if facts.place_code and facts.place_code != facts.subdivision_code:
        yield "place", f"p:{facts.place_code}", K_PLACE
    if facts.known_sex:
        yield "sex", f"x:{facts.known_sex}", K_SEX


@lru_cache(maxsize=1 << 17)
def _mask(subkey: bytes, field: str, feature: str, k: int) -> int:
    """The bits one feature sets in its field's segment: k positions by double hashing (cached: names, years and
    places repeat from person to person)."""
    start, size = SEGMENT[field]
    digest = hmac.new(subkey, feature.encode(), hashlib.sha256).digest()
    h1 = int.from_bytes(digest[:8], "big")
    h2 = int.from_bytes(digest[8:16], "big") | 1  # odd: in a segment of 2^n bits every step reaches k distinct ones
    mask = 0
    for i in range(k):
        mask |= 1 << (BITS - 1 - start - (h1 + i * h2) % size)
    return mask


def encode(facts: PersonFacts, key: bytes) -> bytes:
    """The 1,024-bit keyed field-level Bloom filters of a person (128 bytes, big-endian: the names first)."""
    subkey = derive(key, "clk")
    value = 0
    for field, feature, k in features(facts):
        value |= _mask(subkey, field, feature, k)
    return value.to_bytes(BYTES, "big")


def ones(bits: bytes | int) -> tuple[int, ...]:
    """Bits set in each field's segment."""
    value = int.from_bytes(bits, "big") if isinstance(bits, bytes) else bits
    return tuple((value & mask).bit_count() for mask in MASKS)


def similarity(a: int, b: int, ones_a: tuple[int, ...], ones_b: tuple[int, ...]) -> float:
    """Weighted mean of the fields' Dice coefficients over the fields known on both sides (0 if none is)."""
    both = a & b
    total = weight = 0.0
    for mask, w, na, nb in zip(MASKS, WEIGHTS, ones_a, ones_b, strict=True):
        if na and nb:
            total += w * 2 * (both & mask).bit_count() / (na + nb)
            weight += w
    return total / weight if weight else 0.0


def _bands(facts: PersonFacts) -> set[str]:
    years = facts.birth_years()
    if years is None:
        if facts.event_date is None:
            return {"?"}  # nothing tells her age: only others of unknown age and date share this band
        end = facts.event_date.year
        return {str(y // BAND_YEARS) for y in range(end - UNKNOWN_AGE_YEARS, end + 1)}
    # One year of slack either side: a birth year typed or estimated one off still shares a band.
    return {str(y // BAND_YEARS) for y in range(years[0] - 1, years[1] + 2)}


def _windows(facts: PersonFacts) -> set[str]:
    """30-day windows of the date last seen, counted from the date and from ten days either side of it: two
    reports of one disappearance up to ten days apart share one."""
    if facts.event_date is None:
        return {"?"}
    day = facts.event_date.toordinal()
    return {str((day + shift) // EVENT_WINDOW_DAYS) for shift in (-10, 0, 10)}


@lru_cache(maxsize=1 << 17)
def _token(subkey: bytes, text: str) -> int:
    digest = hmac.new(subkey, text.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def blocking_tokens(facts: PersonFacts, key: bytes) -> set[int]:
    """Keyed digests of (given-name sound, surname sound, birth-year band, window of the date last seen, state), of
    (both surnames' sounds, band, window, state) and of (given-name sound, both surnames' sounds, birth year): two
    records are candidates only if they share one. Each token pairs names with dates (and the state), so that no
    token holds a large share of the cases."""
    subkey = derive(key, "block")
    given = {spanish_key(w) for w in _given_words(facts)} - {""}
    surnames = {spanish_key(w) for w in _surnames(facts)} - {""}
    if not given and not surnames:
        return set()
    bands, windows = _bands(facts), _windows(facts)
    state = facts.subdivision_code or "?"
    tokens = {
        _token(subkey, f"gs|{g}|{s}|{b}|{w}|{state}")
        for g in (given or {"?"})
        for s in (surnames or {"?"})
        for b in bands
        for w in windows
    }
    ordered = sorted(surnames)
    pairs = {f"{a}|{b}" for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
    tokens |= {_token(subkey, f"ss|{p}|{b}|{w}|{state}") for p in pairs for b in bands for w in windows}
    years = facts.birth_years()
    if years is not None:  # reported months apart: the full name's sounds and the birth year still agree
        tokens |= {
            _token(subkey, f"gss|{g}|{p}|{y}") for g in given for p in pairs for y in range(years[0], years[1] + 1)
        }
    return tokens


@dataclass(frozen=True)
class Encoded:
    """One encoding as the comparison reads it: whose it is (organisation, case), its bits and its tokens."""

    organisation_id: int
    case_id: int
    bits: int
    ones: tuple[int, ...]
    tokens: frozenset[int]
    segments: tuple[int, ...] = ()  # the fields' bits, each as its own integer (the comparison's inner loop)

    @classmethod
    def of(cls, organisation_id: int, case_id: int, bits: bytes, tokens: Iterable[int]) -> Encoded:
        value = int.from_bytes(bits, "big")
        segments = tuple(value & mask for mask in MASKS)
        return cls(organisation_id, case_id, value, ones(value), frozenset(tokens), segments)


def _score(a: Encoded, b: Encoded) -> float:
    """`similarity` on the precomputed segments (the same value, faster)."""
    total = weight = 0.0
    for sa, sb, na, nb, w in zip(a.segments, b.segments, a.ones, b.ones, WEIGHTS, strict=True):
        if na and nb:
            total += w * 2 * (sa & sb).bit_count() / (na + nb)
            weight += w
    return total / weight if weight else 0.0


def compare_all(records: Iterable[Encoded], threshold: float) -> list[tuple[Encoded, Encoded, float]]:
    """Pairs of encodings of DIFFERENT organisations that share a blocking token and whose similarity is at least
    `threshold`, each pair once (lower case id first). A pair that shares several tokens is scored only in the block
    of the smallest token they share, so no set of the pairs seen is kept (memory stays proportional to the
    encodings)."""
    by_token: dict[int, list[Encoded]] = {}
    for record in records:
        for token in record.tokens:
            by_token.setdefault(token, []).append(record)
    found: list[tuple[Encoded, Encoded, float]] = []
    for token, block in by_token.items():
        if len(block) < 2:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if a.organisation_id == b.organisation_id:
                    continue
                if len(a.tokens) > 1 and len(b.tokens) > 1 and min(a.tokens & b.tokens) != token:
                    continue
                score = _score(a, b)
                if score >= threshold:
                    found.append((a, b, score) if a.case_id < b.case_id else (b, a, score))
    return found
