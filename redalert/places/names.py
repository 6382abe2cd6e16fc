"""Country names in the user's language, from pycountry's gettext catalogues (Debian iso-codes).

`Place.name` of a country holds pycountry's English name ("Mexico", "Bolivia"); what people read is
`country_name(code)`: "México" in Spanish, "Brasil" in Portuguese.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from typing import Any

import pycountry
from django.conf import settings
from django.utils.translation import get_language

# Django's language → iso-codes catalogues, most specific first. The project's "pt" is Brazilian Portuguese
# first ("Irã", not "Irão"): the organisations using it are in Latin America.
_CATALOGUES = {"pt": ("pt_BR", "pt"), "es": ("es",), "en": ("en",)}

_CONNECTORS = {"de", "del", "da", "do", "das", "dos", "des", "du", "di", "of", "the", "la", "le", "el"}

# Codes GeoNames uses that ISO 3166-1 has not assigned (user-assigned codes).
EXTRA_COUNTRIES = {"XK": "Kosovo"}

# Names the iso-codes catalogues leave in English although the language has its own ("Algeria" in a Spanish
# nationality list). Checked against the English name for every code: see places/tests/test_names.py.
CATALOGUE_GAPS = {
    "es": {"DZ": "Argelia", "BN": "Brunéi", "PN": "Islas Pitcairn"},
    "pt": {"BJ": "Benim", "BM": "Bermudas"},
}


@lru_cache(maxsize=32)
def catalogue(language: str, domain: str = "iso3166-1") -> gettext.NullTranslations:
    """The iso-codes catalogue of `domain` for a Django language code ("es", "pt-br"); untranslated if none."""
    language = language.replace("-", "_")
    base, _, region = language.partition("_")
    base = base.lower()
    candidates = [f"{base}_{region.upper()}"] if region else []
    candidates += [lang for lang in _CATALOGUES.get(base, (base,)) if lang not in candidates]
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=candidates, fallback=True)


def english_name(country: Any) -> str:
    """pycountry's common name where it has one ("Bolivia"), else its name ("Mexico")."""
    return str(getattr(country, "common_name", None) or country.name)


def uninvert(name: str) -> str:
    """ISO's inverted names as people write them: "Palestina, Estado de" → "Estado de Palestina".

    Only where ISO clearly inverted the name — a short tail ending in "de", "of"..., or one word after one
    word ("Valenciana, Comunidad") — never a list ("Bonaire, Sint Eustatius and Saba") nor an adjective
    ("Islas Vírgenes, Británicas").
    """
    head, comma, tail = name.partition(", ")
    if comma and "," not in tail:
        tail_words = tail.split()
        if (len(tail_words) == 1 and " " not in head) or (
            len(tail_words) <= 5 and tail_words[-1].lower() in _CONNECTORS
        ):
            return f"{tail} {head}"
    return name


@lru_cache(maxsize=2048)
def _country_name(code: str, language: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return EXTRA_COUNTRIES.get(code, code)
    gap = CATALOGUE_GAPS.get(language[:2].lower(), {}).get(code)
    return gap or uninvert(catalogue(language).gettext(english_name(country)))


def country_name(code: str, language: str | None = None) -> str:
    """The name of the country with ISO 3166-1 alpha-2 `code` in `language` (default: the active language).

    country_name("MX", "es") == "México"; country_name("BR", "pt") == "Brasil"; country_name("MX", "en") == "Mexico".
    An unknown code is returned as it is.
    """
    return _country_name(code.upper(), language or get_language() or settings.LANGUAGE_CODE)


# Spanish names people type for the languages of the region, folded (see redalert.lib.text.fold), with their
# ISO 639-3 code (639-5 for a family, such as "nah" for the Nahuatl languages). The first name of each code is
# also how it is shown in Spanish where iso-codes has no Spanish name.
SPANISH_LANGUAGE_NAMES: dict[str, str] = {
    "espanol": "spa",
    "castellano": "spa",
    "ingles": "eng",
    "portugues": "por",
    "frances": "fra",
    "nahuatl": "nah",
    "maya": "yua",
    "maya yucateco": "yua",
    "mixteco": "mix",
    "zapoteco": "zap",
    "otomi": "oto",
    "tzeltal": "tzh",
    "tsotsil": "tzo",
    "tzotzil": "tzo",
    "mazahua": "maz",
    "totonaco": "top",
    "chol": "ctu",
    "ch'ol": "ctu",
    "mazateco": "maj",
    "huasteco": "hus",
    "tenek": "hus",
    "kiche": "quc",
    "k'iche'": "quc",
    "qeqchi": "kek",
    "q'eqchi'": "kek",
    "kaqchikel": "cak",
    "mam": "mam",
    "garifuna": "cab",
    "miskito": "miq",
    "creole haitiano": "hat",
    "criollo haitiano": "hat",
    "quechua": "que",
    "aimara": "aym",
    "guarani": "grn",
}

SPANISH_DISPLAY = {
    "nah": "Náhuatl",
    "yua": "Maya yucateco",
    "mix": "Mixteco",
    "zap": "Zapoteco",
    "oto": "Otomí",
    "tzh": "Tzeltal",
    "tzo": "Tsotsil",
    "maz": "Mazahua",
    "top": "Totonaco",
    "ctu": "Ch'ol",
    "maj": "Mazateco",
    "hus": "Huasteco (tének)",
    "quc": "K'iche'",
    "kek": "Q'eqchi'",
    "cak": "Kaqchikel",
    "mam": "Mam",
    "cab": "Garífuna",
    "miq": "Miskito",
    "hat": "Criollo haitiano",
    "que": "Quechua",
    "aym": "Aimara",
    "grn": "Guaraní",
}


@lru_cache(maxsize=1024)
def _language_name(code: str, language: str) -> str:
    if language.startswith("es") and code in SPANISH_DISPLAY:
        return SPANISH_DISPLAY[code]
    found = pycountry.languages.get(alpha_3=code)
    if found is not None:
        return catalogue(language, "iso639-3").gettext(str(found.name))
    family = pycountry.language_families.get(alpha_3=code)  # collective codes such as "nah" (Nahuatl)
    if family is not None:
        return catalogue(language, "iso639-5").gettext(str(family.name))
    return code


def language_name(code: str, language: str | None = None) -> str:
    """The name of an ISO 639-3 language (or ISO 639-5 family) in `language` (default: the active one)."""
    return _language_name(code.lower(), language or get_language() or settings.LANGUAGE_CODE)
