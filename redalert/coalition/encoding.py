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
- `compare_table(table, threshold)`: the comparison, vectorised with numpy over an `EncodingTable` (columns): every
  pair of different organisations that shares a token, scored in chunks exactly as `similarity` scores it.

Without the coalition key nobody can compute an encoding of a guessed name to test it against the stored ones.
"""

from __future__ import annotations

import hmac
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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


@lru_cache(maxsize=64)
def derive(key: bytes, purpose: str) -> bytes:
    """A subkey for one use (encoding, blocking, key check), so that no two uses share a key."""
    return hmac.digest(key, f"redalert.coalition.{purpose}".encode(), "sha256")


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
    digest = hmac.digest(subkey, feature.encode(), "sha256")  # one-shot C HMAC, as hmac.new().digest()
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
    digest = hmac.digest(subkey, text.encode(), "sha256")
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
    """One encoding as a caller may hold it: whose it is (organisation, case), its bits and its tokens."""

    organisation_id: int
    case_id: int
    bits: int
    ones: tuple[int, ...]
    tokens: frozenset[int]

    @classmethod
    def of(cls, organisation_id: int, case_id: int, bits: bytes, tokens: Iterable[int]) -> Encoded:
        value = int.from_bytes(bits, "big")
        return cls(organisation_id, case_id, value, ones(value), frozenset(tokens))


# The comparison, vectorised -------------------------------------------------------------------------------------
#
# The encodings are held as columns (numpy arrays): the bits as 16 unsigned 64-bit words per encoding, and the
# tokens as one flat array with the row each belongs to. The candidate pairs of all blocks are generated in chunks
# of PAIRS_PER_CHUNK, and each chunk is scored at once: AND of the words, popcount (np.bitwise_count), sum per
# field, Dice per field, weighted mean over the fields known on both sides — the same value as `similarity`.

WORDS = BITS // 64
FIELD_WORDS = np.array([start // 64 for _n, start, _s, _w in FIELDS], dtype=np.intp)  # first word of each field
if any(start % 64 or size % 64 for _n, start, size, _w in FIELDS):  # pragma: no cover - a layout error
    raise ValueError("every field must be a whole number of 64-bit words")
PAIRS_PER_CHUNK = 1 << 18  # candidate pairs scored at once (about 100 MB of temporary arrays)


@dataclass(frozen=True)
class EncodingTable:
    """Encodings as columns, one row each: what the comparison reads (about 160 bytes, and 16 per token, each)."""

    organisations: np.ndarray  # (N,) int64
    cases: np.ndarray  # (N,) int64
    words: np.ndarray  # (N, 16) uint64: the 1,024 bits, names first (as `encode` writes them)
    ones: np.ndarray  # (N, 5) int32: bits set in each field
    token_values: np.ndarray  # (M,) int64: every blocking token of every encoding
    token_rows: np.ndarray  # (M,) int64: the row each token belongs to

    def __len__(self) -> int:
        return len(self.cases)


class TableBuilder:
    """Collects encodings one at a time into compact buffers (no object per encoding), then builds the table."""

    def __init__(self) -> None:
        self._organisations = array("q")
        self._cases = array("q")
        self._bits = bytearray()
        self._tokens = array("q")
        self._token_rows = array("q")

    def add(self, organisation_id: int, case_id: int, bits: bytes, tokens: Iterable[int]) -> None:
        if len(bits) != BYTES:
            raise ValueError(f"an encoding has {BYTES} bytes, not {len(bits)}")
        row = len(self._cases)
        self._organisations.append(organisation_id)
        self._cases.append(case_id)
        self._bits += bits
        before = len(self._tokens)
        self._tokens.extend(tokens)
        self._token_rows.extend([row] * (len(self._tokens) - before))

    def build(self) -> EncodingTable:
        words = np.frombuffer(bytes(self._bits), dtype=">u8").reshape(-1, WORDS).astype(np.uint64)
        return EncodingTable(
            organisations=np.array(self._organisations, dtype=np.int64),
            cases=np.array(self._cases, dtype=np.int64),
            words=words,
            ones=_field_sums(np.bitwise_count(words)),
            token_values=np.array(self._tokens, dtype=np.int64),
            token_rows=np.array(self._token_rows, dtype=np.int64),
        )


def _field_sums(counts: np.ndarray) -> np.ndarray:
    """Per-word bit counts (P, 16) summed over each field's words: (P, 5)."""
    if len(counts) == 0:
        return np.zeros((0, len(FIELDS)), dtype=np.int32)
    return np.add.reduceat(counts, FIELD_WORDS, axis=1, dtype=np.int32)


def scores(table: EncodingTable, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """`similarity` of each pair of rows, for many pairs at once: the same floating-point operations in the same
    order, so the same value to the last bit (a score exactly at the threshold stays on the same side)."""
    common = _field_sums(np.bitwise_count(table.words[rows_a] & table.words[rows_b]))
    ones_a, ones_b = table.ones[rows_a], table.ones[rows_b]
    total = np.zeros(len(common))
    weight = np.zeros(len(common))
    for field, w in enumerate(WEIGHTS):
        na, nb = ones_a[:, field], ones_b[:, field]
        known = (na > 0) & (nb > 0)
        total += np.where(known, w * 2 * common[:, field] / np.maximum(na + nb, 1), 0.0)
        weight += np.where(known, w, 0.0)
    return np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), 0.0)


def candidate_chunks(table: EncodingTable, chunk: int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every pair of rows that share a blocking token, block after block, in chunks of about `chunk` pairs
    (PAIRS_PER_CHUNK by default; rows of the same organisation included; a pair sharing several tokens comes once
    per token)."""
    chunk = chunk or PAIRS_PER_CHUNK
    order = np.argsort(table.token_values, kind="stable")
    values, rows = table.token_values[order], table.token_rows[order]
    del order
    if len(values) < 2:
        return
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    sizes = np.diff(np.append(starts, len(values)))
    # How many later members of its block each element is paired with (a block of s gives s(s-1)/2 pairs).
    later = np.repeat(starts + sizes, sizes) - np.arange(len(values)) - 1
    del starts, sizes, values
    firsts = np.flatnonzero(later > 0)
    counts = later[firsts]
    del later
    ends = np.cumsum(counts)
    lo = 0
    while lo < len(firsts):
        done = int(ends[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(ends, done + chunk, side="right")), lo + 1)
        first, count = firsts[lo:hi], counts[lo:hi]
        n = int(ends[hi - 1]) - done
        a = np.repeat(first, count)
        b = a + 1 + np.arange(n) - np.repeat(np.cumsum(count) - count, count)
        yield rows[a], rows[b]
        lo = hi


@dataclass(frozen=True)
class Comparison:
    """Pairs found by `compare_table`: rows into the table (case of `rows_a` < case of `rows_b`) and scores."""

    rows_a: np.ndarray
    rows_b: np.ndarray
    scores: np.ndarray
    candidates: int  # cross-organisation pairs scored (a pair sharing several tokens counts once per token)


def compare_table(table: EncodingTable, threshold: float) -> Comparison:
    """Pairs of encodings of DIFFERENT organisations that share a blocking token and whose similarity is at least
    `threshold`, each pair once. Memory: the table, the sorted tokens, one chunk of candidates, and the pairs found."""
    n = len(table)
    keys: list[np.ndarray] = []
    values: list[np.ndarray] = []
    pending = candidates = 0
    for rows_a, rows_b in candidate_chunks(table):
        other = table.organisations[rows_a] != table.organisations[rows_b]
        rows_a, rows_b = rows_a[other], rows_b[other]
        candidates += len(rows_a)
        score = scores(table, rows_a, rows_b)
        hit = score >= threshold
        low, high = np.minimum(rows_a[hit], rows_b[hit]), np.maximum(rows_a[hit], rows_b[hit])
        keys.append(low * n + high)
        values.append(score[hit])
        pending += int(hit.sum())
        if pending > 4 * PAIRS_PER_CHUNK and len(keys) > 1:  # a pair found in several blocks is kept once
            key, value = _unique(keys, values)
            keys, values, pending = [key], [value], len(key)
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return Comparison(empty, empty, np.zeros(0), candidates)
    key, value = _unique(keys, values)
    low, high = key // n, key % n
    swap = table.cases[low] > table.cases[high]
    rows_a, rows_b = np.where(swap, high, low), np.where(swap, low, high)
    return Comparison(rows_a, rows_b, value, candidates)


def _unique(keys: list[np.ndarray], values: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    key = np.concatenate(keys)
    value = np.concatenate(values)
    key, first = np.unique(key, return_index=True)
    return key, value[first]


def compare_all(records: Iterable[Encoded], threshold: float) -> list[tuple[Encoded, Encoded, float]]:
    """`compare_table` for a list of `Encoded` (lower case id first in each pair)."""
    records = list(records)
    builder = TableBuilder()
    for r in records:
        builder.add(r.organisation_id, r.case_id, r.bits.to_bytes(BYTES, "big"), r.tokens)
    found = compare_table(builder.build(), threshold)
    return [
        (records[a], records[b], float(s))
        for a, b, s in zip(found.rows_a.tolist(), found.rows_b.tolist(), found.scores.tolist(), strict=True)
    ]
