"""Normalised keys for matching the same person, phone, vehicle or venue across the cases of an organisation.

The values themselves are encrypted at rest, so the database cannot compare them. Each value is normalised
(names folded, phones in E.164, plates upper-case without separators) and stored as a keyed hash
(HMAC-SHA256 with a key derived from SECRET_KEY) in an indexed column: equal values give equal hashes, and the
hashes say nothing to someone who reads the table without the key. Changing SECRET_KEY needs
`manage.py rebuild_match_keys`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from django.conf import settings

from redalert.lib.text import fold

_NON_WORD = re.compile(r"[^\w]+")
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


class KeyKind:
    """What a key matches on. NAME covers names and aliases alike (an alias in one case is a name in another)."""

    NAME = "name"
    PHONE = "phone"
    PLATE = "plate"
    VENUE = "venue"
    WORD = "word"  # one word of a name or alias: for the staff search, never for "also appears in"

    LINKING = ("name", "phone", "plate", "venue")
    CHOICES = [(NAME, "name"), (PHONE, "phone"), (PLATE, "plate"), (VENUE, "venue"), (WORD, "word")]


def _key() -> bytes:
    return hashlib.sha256(b"redalert.investigation.match-key:" + settings.SECRET_KEY.encode()).digest()


def digest(kind: str, normalised: str) -> str:
    """The keyed hash of a normalised value of a kind."""
    return hmac.new(_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def name_key(text: str) -> str:
    """ "María  López-Hernández" → "maria lopez hernandez"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


def plate_key(text: str) -> str:
    """ "abc-12 3" → "ABC123"."""
    return _NON_ALNUM.sub("", fold(text).upper())


def lines(text: str) -> list[str]:
    """The non-empty lines of a text (several values are entered one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def search_words(text: str) -> list[str]:
    """The words a name search looks for, folded, without repeats."""
    words: list[str] = []
    for word in name_key(text).split():
        if word not in words:
            words.append(word)
    return words


def keys_for(
    *, names: Iterable[str], phones: Iterable[str], plates: Iterable[str], venues: Iterable[str]
) -> set[tuple[str, str]]:
    """(kind, digest) pairs for a linked person's values; phones must already be in E.164."""
    keys: set[tuple[str, str]] = set()
    for name in names:
        normalised = name_key(name)
        if normalised:
            keys.add((KeyKind.NAME, digest(KeyKind.NAME, normalised)))
            keys.update((KeyKind.WORD, digest(KeyKind.WORD, word)) for word in normalised.split())
    keys.update((KeyKind.PHONE, digest(KeyKind.PHONE, phone)) for phone in phones if phone)
    keys.update((KeyKind.PLATE, digest(KeyKind.PLATE, plate_key(p))) for p in plates if plate_key(p))
    keys.update((KeyKind.VENUE, digest(KeyKind.VENUE, name_key(v))) for v in venues if name_key(v))
    return keys
