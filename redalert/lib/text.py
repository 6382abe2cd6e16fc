"""Text helpers shared by search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a text, for accent-insensitive matching.

    "María  López" and "maria lopez" both fold to "maria lopez"; "ñ" folds to "n".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()
