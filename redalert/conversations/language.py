"""The sender's language for the automatic first reply: Spanish, Portuguese or English (one sentence: the words of
her first message decide, else the country of her number, else the organisation's language)."""

from __future__ import annotations

import re

from django.conf import settings

from redalert.lib.text import fold

_WORDS = {
    "es": {
        "hola",
        "buenas",
        "buenos",
        "dias",
        "tardes",
        "noches",
        "ayuda",
        "hija",
        "hermana",
        "desaparecida",
        "desaparecio",
        "gracias",
        "por",
        "favor",
        "quiero",
        "necesito",
        "donde",
        "esta",
        "mi",
        "no",
        "la",
        "el",
        "que",
        "una",
        "con",
        "vi",
        "senora",
        "nina",
        "ella",
        "ayer",
        "hoy",
    },
    "pt": {
        "ola",
        "oi",
        "bom",
        "boa",
        "dia",
        "tarde",
        "noite",
        "ajuda",
        "filha",
        "irma",
        "desaparecida",
        "desapareceu",
        "obrigado",
        "obrigada",
        "favor",
        "quero",
        "preciso",
        "onde",
        "esta",
        "minha",
        "nao",
        "a",
        "o",
        "que",
        "uma",
        "com",
        "vi",
        "senhora",
        "menina",
        "ela",
        "ontem",
        "hoje",
        "voce",
    },
    "en": {
        "hello",
        "hi",
        "help",
        "daughter",
        "sister",
        "missing",
        "thanks",
        "thank",
        "you",
        "please",
        "want",
        "need",
        "where",
        "is",
        "my",
        "not",
        "the",
        "that",
        "a",
        "with",
        "saw",
        "lady",
        "girl",
        "she",
        "yesterday",
        "today",
    },
}
_COUNTRY = {
    "BR": "pt",
    "PT": "pt",
    "AO": "pt",
    "MZ": "pt",
    "CV": "pt",
    "GW": "pt",
    "ST": "pt",
    "TL": "pt",
    "US": "en",
    "GB": "en",
    "CA": "en",
    "AU": "en",
    "NZ": "en",
    "IE": "en",
    "JM": "en",
    "TT": "en",
    "BZ": "en",
    "GY": "en",
    "BS": "en",
    "BB": "en",
}
SUPPORTED = ("es", "pt", "en")


def guess_language(text: str, country: str = "") -> str:
    """es, pt or en for a first message and the country of the sender's number."""
    words = re.findall(r"[a-z]+", fold(text or "").lower())
    scores = {lang: sum(1 for w in words if w in vocabulary) for lang, vocabulary in _WORDS.items()}
    best = max(scores.values())
    leaders = [lang for lang in SUPPORTED if scores[lang] == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0]
    by_country = _COUNTRY.get(country.upper()) if country else None
    if by_country and (best == 0 or by_country in leaders):
        return by_country
    if best > 0 and len(leaders) > 1:
        return leaders[0]
    default = settings.LANGUAGE_CODE.split("-")[0]
    return default if default in SUPPORTED else "es"
