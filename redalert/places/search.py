"""Finding places by what people type: accent- and case-insensitive, every word must match.

`Place.search_name` holds the search keys of a place's names — its own name first, then its aliases — joined
by " | ": "santiago de queretaro | queretaro | ...". A key is the folded text (redalert.lib.text.fold) with
punctuation turned into spaces, so "Bogotá, D.C." and "bogota d c" are the same.

The database narrows the candidates with LIKE on `search_name` (a few bounded queries); Python ranks them:
exact name > name starting with the query > every word starting a word > every word somewhere; at equal rank
countries, then subdivisions, then localities; then the most populous first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import translation

from redalert.lib.text import fold
from redalert.places.models import Place, PlaceKind

SEPARATOR = " | "
SEARCH_NAME_LENGTH = 400
CANDIDATES = 5000  # rows fetched per tier, at most (most populous first)

_NON_WORD = re.compile(r"[^\w]+")
_KIND_ORDER: dict[str, int] = {PlaceKind.COUNTRY: 0, PlaceKind.SUBDIVISION: 1, PlaceKind.LOCALITY: 2}

# Ranks, best first.
EXACT, PREFIX, WORD_PREFIX, CONTAINS = range(4)


def search_key(text: str) -> str:
    """The searchable form of a text: folded, punctuation as spaces, single-spaced. "Bogotá, D.C." → "bogota d c"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


def build_search_name(names: Iterable[str], max_length: int = SEARCH_NAME_LENGTH) -> str:
    """Join the keys of `names` (the place's own name first) into a `search_name`, without repeats, bounded."""
    keys: list[str] = []
    length = 0
    for name in names:
        key = search_key(name)
        if not key or key in keys:
            continue
        added = len(key) + (len(SEPARATOR) if keys else 0)
        if length + added > max_length:
            if not keys:  # the place's own name always goes in, cut if it must
                keys.append(key[:max_length])
                length = len(keys[0])
            continue  # a shorter alias further on may still fit
        keys.append(key)
        length += added
    return SEPARATOR.join(keys)


def name_keys(place: Place) -> list[str]:
    """The keys in a place's `search_name`: its own name's first."""
    return [part.strip() for part in place.search_name.split("|") if part.strip()]


def label_keys(place: Place) -> set[str]:
    """The keys of the place's label in every language of the interface (the page may be older than a switch)."""
    keys = {search_key(place.label)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            keys.add(search_key(place.label))
    return keys


def _kind_order() -> Case:
    return Case(
        *(When(kind=kind, then=Value(order)) for kind, order in _KIND_ORDER.items()),
        default=Value(3),
        output_field=IntegerField(),
    )


def _has_name(phrase: str) -> Q:
    """search_name has a name that is exactly `phrase`."""
    return (
        Q(search_name=phrase)
        | Q(search_name__startswith=phrase + SEPARATOR)
        | Q(search_name__contains=SEPARATOR + phrase + SEPARATOR)
        | Q(search_name__endswith=SEPARATOR + phrase)
    )


def _has_name_starting(phrase: str) -> Q:
    return Q(search_name__startswith=phrase) | Q(search_name__contains=SEPARATOR + phrase)


def _has_word_starting(word: str) -> Q:
    return Q(search_name__startswith=word) | Q(search_name__contains=" " + word)


def rank(search_name: str, words: Sequence[str]) -> int:
    """EXACT, PREFIX, WORD_PREFIX or CONTAINS: how well the query's words match a place's `search_name`."""
    phrase = " ".join(words)
    keys = [part.strip() for part in search_name.split("|")]
    if phrase in keys:
        return EXACT
    if any(key.startswith(phrase) for key in keys):
        return PREFIX
    key_words = search_name.split()
    if all(any(kw.startswith(word) for kw in key_words) for word in words):
        return WORD_PREFIX
    return CONTAINS


_Row = tuple[int, str, str, int | None, str]  # pk, search_name, kind, population, name


def _sort_key(row: _Row, words: Sequence[str]) -> tuple[int, int, int, int, str, int]:
    pk, search_name, kind, population, name = row
    own_name = 0 if search_name.startswith(" ".join(words)) else 1
    return (rank(search_name, words), _KIND_ORDER.get(kind, 3), own_name, -(population or 0), name, pk)


def search_places(
    query: str, *, limit: int = 10, country: str | None = None, kinds: Iterable[str] | None = None
) -> list[Place]:
    """The places best matching `query`, best first, at most `limit`.

    Every word of the query must match (as the start of a word ranks higher than inside one). Text after a
    comma narrows by subdivision or country: "San José, Costa Rica". `country` (ISO alpha-2) and `kinds`
    (PlaceKind values) restrict the places searched.
    """
    head, _, tail = query.partition(",")
    words = search_key(head).split()
    context = search_key(tail).split()
    if not words or limit <= 0:
        return []
    base: QuerySet[Place] = Place.objects.all()
    if country:
        base = base.filter(country_code=country.upper())
    if kinds is not None:
        base = base.filter(kind__in=list(kinds))
    for word in context:
        base = base.filter(
            Q(search_name__contains=word)
            | Q(subdivision__search_name__contains=word)
            | Q(parent__search_name__contains=word)
        )
    base = base.annotate(kind_order=_kind_order()).order_by(
        "kind_order", F("population").desc(nulls_last=True), "name", "pk"
    )

    # The tiers are queried best first, each one's rows fetched light and bounded; as every place of a tier
    # outranks every place of the next, a tier is only needed while fewer than `limit` places were found.
    phrase = " ".join(words)
    all_words_start = Q()
    all_words_in = Q()
    for word in words:
        all_words_start &= _has_word_starting(word)
        all_words_in &= Q(search_name__contains=word)
    rows: dict[int, _Row] = {}
    for condition in (_has_name_starting(phrase), all_words_start, all_words_in):
        if len(rows) >= limit:
            break
        found = base.filter(condition).exclude(pk__in=list(rows))
        for row in found.values_list("pk", "search_name", "kind", "population", "name")[:CANDIDATES]:
            rows[row[0]] = row
    best = [row[0] for row in sorted(rows.values(), key=lambda row: _sort_key(row, words))[:limit]]
    places = Place.objects.select_related("subdivision").in_bulk(best)
    result = [places[pk] for pk in best]
    if context:  # a whole label typed or pasted: that place first
        whole = search_key(query)
        result.sort(key=lambda place: whole not in label_keys(place))
    return result


def matching_places(text: str) -> list[Place]:
    """The places `text` names exactly: by label (in any language), else by name, else by alias.

    "Santiago de Querétaro, Querétaro, México", "santiago de queretaro" or an alias like "CDMX". Several
    places when the text is ambiguous, none when it names nothing.
    """
    key = search_key(text)
    if not key:
        return []
    words = key.split()
    # The label starts with the place's own name: look up every leading run of words as a name or alias.
    condition = Q()
    for end in range(1, len(words) + 1):
        condition |= _has_name(" ".join(words[:end]))
    candidates = list(Place.objects.select_related("subdivision").filter(condition).order_by("pk")[:500])
    for matches in (
        [place for place in candidates if key in label_keys(place)],
        [place for place in candidates if search_key(place.name) == key],
        [place for place in candidates if key in name_keys(place)],
    ):
        if matches:
            return matches
    return []


def resolve_place(text: str) -> Place | None:
    """The one place `text` names exactly (see matching_places), or None if it names none or several."""
    matches = matching_places(text)
    return matches[0] if len(matches) == 1 else None


# --- Former codes and "place, state, country" ---------------------------------------------------------------------

# ISO 3166-2 codes withdrawn by ISO and still found in older files → the current code. pycountry carries only the
# current codes (its historic database is of countries, ISO 3166-3), so the table is kept here, by hand, for the
# countries the organisations work in: Guatemala's departments (ISO 3166-2 newsletter of 2021-11-25 replaced the
# letter codes by the numbers of the national statistics office) and Mexico City (MX-DIF → MX-CMX, 2016).
FORMER_SUBDIVISION_CODES: dict[str, str] = {
    "GT-AV": "GT-16",  # Alta Verapaz
    "GT-BV": "GT-15",  # Baja Verapaz
    "GT-CM": "GT-04",  # Chimaltenango
    "GT-CQ": "GT-20",  # Chiquimula
    "GT-PR": "GT-02",  # El Progreso
    "GT-ES": "GT-05",  # Escuintla
    "GT-GU": "GT-01",  # Guatemala
    "GT-HU": "GT-13",  # Huehuetenango
    "GT-IZ": "GT-18",  # Izabal
    "GT-JA": "GT-21",  # Jalapa
    "GT-JU": "GT-22",  # Jutiapa
    "GT-PE": "GT-17",  # Petén
    "GT-QZ": "GT-09",  # Quetzaltenango
    "GT-QC": "GT-14",  # Quiché
    "GT-RE": "GT-11",  # Retalhuleu
    "GT-SA": "GT-03",  # Sacatepéquez
    "GT-SM": "GT-12",  # San Marcos
    "GT-SR": "GT-06",  # Santa Rosa
    "GT-SO": "GT-07",  # Sololá
    "GT-SU": "GT-10",  # Suchitepéquez
    "GT-TO": "GT-08",  # Totonicapán
    "GT-ZA": "GT-19",  # Zacapa
    "MX-DIF": "MX-CMX",  # Distrito Federal → Ciudad de México
}


def current_code(code: str) -> str:
    """The gazetteer code of a place code, a former ISO 3166-2 code replaced by the current one ("GT-AV" → "GT-16")."""
    code = code.strip()
    if code.lower().startswith("gn:"):
        return code.lower()
    code = code.upper()
    return FORMER_SUBDIVISION_CODES.get(code, code)


def _context_keys(place: Place) -> set[str]:
    """What a part after a comma may say of a place: its subdivision's and country's names and codes."""
    keys: set[str] = set()
    for other in (place.subdivision, place.parent):
        if other is None:
            continue
        keys |= set(name_keys(other)) | label_keys(other) | {search_key(other.code)}
        if "-" in other.code:
            keys.add(search_key(other.code.split("-", 1)[1]))
    keys.add(search_key(place.country_code))
    return keys


def places_named(text: str) -> list[Place]:
    """The places "name, state, country" (or "name, country") names, where the name is the place's own name or
    one of its other names and every part after it names its subdivision or country: "Oaxaca de Juárez, Oaxaca,
    México" finds the city the gazetteer calls Oaxaca. Several places when ambiguous, none when it names nothing."""
    head, *context = [part for part in text.split(",")]
    head_key = search_key(head)
    context_keys = [search_key(part) for part in context if search_key(part)]
    if not head_key or not context_keys:
        return []
    candidates = Place.objects.select_related("subdivision", "parent").filter(_has_name(head_key)).order_by("pk")
    found = []
    for place in candidates[:500]:
        if head_key not in name_keys(place):
            continue
        keys = _context_keys(place)
        if all(part in keys for part in context_keys):
            found.append(place)
    return found
