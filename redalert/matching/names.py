"""Spanish names, the way matching reads them: folding, particles, nicknames and a Spanish phonetic key.

Plain functions, no database: the rules are tested one by one (redalert/matching/tests/test_names.py) and
explained in docs/matching.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from redalert.lib.text import fold

_NON_LETTER = re.compile(r"[^a-z ]+")

# Words that join a name's parts and say nothing about who she is ("María de los Ángeles", "de la Cruz").
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "do", "dos", "das", "van", "von", "san"})

# A small curated table of Spanish (mostly Mexican and Central American) hypocoristics: nickname → the name(s) it
# stands for. A nickname may stand for a compound name ("Maru" → "maria eugenia") or for several names ("Beto").
# Keep it short and sure: a wrong entry makes strangers look alike. Add entries with a test.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "lupita": ("guadalupe",),
    "lupe": ("guadalupe",),
    "chuy": ("jesus",),
    "chucho": ("jesus",),
    "chuyita": ("jesus",),
    "lalo": ("eduardo",),
    "paco": ("francisco",),
    "pancho": ("francisco",),
    "paquita": ("francisca",),
    "pancha": ("francisca",),
    "conchita": ("concepcion",),
    "concha": ("concepcion",),
    "conchis": ("concepcion",),
    "pepe": ("jose",),
    "chepe": ("jose",),
    "pepa": ("josefa",),
    "pepita": ("josefa",),
    "chepina": ("josefina",),
    "nacho": ("ignacio",),
    "memo": ("guillermo",),
    "lola": ("dolores",),
    "lolita": ("dolores",),
    "maru": ("maria eugenia",),
    "mari": ("maria",),
    "mary": ("maria",),
    "majo": ("maria jose",),
    "marijose": ("maria jose",),
    "maite": ("maria teresa",),
    "male": ("maria elena",),
    "malena": ("maria elena", "magdalena"),
    "marilu": ("maria luisa",),
    "tere": ("teresa",),
    "teresita": ("teresa",),
    "chayo": ("rosario",),
    "charo": ("rosario",),
    "chabela": ("isabel",),
    "chavela": ("isabel",),
    "isa": ("isabel",),
    "lucha": ("luz",),
    "luchita": ("luz",),
    "pili": ("pilar",),
    "meche": ("mercedes",),
    "cuca": ("refugio",),
    "cuquita": ("refugio",),
    "tona": ("antonia",),
    "tonita": ("antonia",),
    "juani": ("juana",),
    "juanita": ("juana",),
    "yoli": ("yolanda",),
    "vero": ("veronica",),
    "paty": ("patricia",),
    "pati": ("patricia",),
    "lety": ("leticia",),
    "leti": ("leticia",),
    "chela": ("graciela",),
    "licha": ("alicia",),
    "chelo": ("consuelo",),
    "gaby": ("gabriela",),
    "gabi": ("gabriela",),
    "ale": ("alejandra",),
    "fer": ("fernanda",),
    "fany": ("estefania",),
    "vicky": ("victoria",),
    "betty": ("beatriz",),
    "bety": ("beatriz",),
    "nati": ("natalia",),
    "sofi": ("sofia",),
    "caro": ("carolina",),
    "dany": ("daniela",),
    "rosy": ("rosa",),
    "rosita": ("rosa",),
    "anita": ("ana",),
    "marisa": ("marisol", "maria luisa"),
    "toño": ("antonio",),
    "tono": ("antonio",),
    "quique": ("enrique",),
    "kike": ("enrique",),
    "chava": ("salvador",),
    "beto": ("alberto", "roberto", "humberto"),
    "nando": ("fernando",),
    "poncho": ("alfonso",),
    "goyo": ("gregorio",),
    "chema": ("jose maria",),
    "chente": ("vicente",),
    "tencha": ("hortensia",),
    "licho": ("luis",),
    "yeni": ("yesenia",),
}


def words(text: str) -> list[str]:
    """Folded words of a name, without particles: "María de los Ángeles" → ["maria", "angeles"]."""
    return list(_words(text or ""))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _NON_LETTER.sub(" ", fold(text or "").replace("-", " ")).split() if w not in PARTICLES)


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    return " ".join(words(text))


@lru_cache(maxsize=65536)
def spanish_key(word: str) -> str:
    """A phonetic key for one Spanish word: words that sound alike in Latin-American Spanish get the same key.

    b/v sound alike; c before e/i, s, z sound alike (seseo); ll and y sound alike (yeísmo), and "i" alike; h is
    mute; qu, k and c before a/o/u are /k/; g before e/i and j are /x/ (and x in Mexican names: Ximena, Xavier);
    ch stays /tʃ/; double letters are one; vowels are kept (Spanish vowels are stable, unlike English ones).
    "Hernández" and "Ernandes" → "ernandes"; "Valdez" and "Baldés" → "baldes"; "Yesenia" and "Llesenia".
    """
    w = folded(word).replace(" ", "")
    if not w:
        return ""
    w = w.replace("ch", "0")  # /tʃ/ kept apart from c and h
    w = w.replace("ph", "f")
    w = w.replace("ll", "y")
    w = w.replace("qu", "k")
    w = re.sub(r"gu(?=[ei])", "1", w)  # guerra, guillermo: the u is silent, the g stays hard
    w = re.sub(r"g(?=[ei])", "j", w)  # gerardo / jerardo
    w = w.replace("1", "g")
    w = re.sub(r"c(?=[ei])", "s", w)  # cecilia / sesilia
    w = re.sub(r"sc(?=[ei])", "s", w)
    w = w.replace("c", "k").replace("q", "k").replace("z", "s")
    w = w.replace("x", "j")  # Ximena / Jimena, Xavier / Javier
    w = w.replace("v", "b").replace("w", "u")
    w = w.replace("h", "")  # mute
    w = w.replace("y", "i")
    w = re.sub(r"(.)\1+", r"\1", w)  # double letters: rr, nn, ss
    return w.replace("0", "ch")


def canonical_given(text: str) -> list[str]:
    """The given names a text stands for, folded, nicknames expanded: "Lupita" → ["guadalupe"];
    "María José" → ["maria jose"]; "Beto" → ["alberto", "roberto", "humberto"]. Each item is one full reading."""
    return list(_canonical_given(text or ""))


@lru_cache(maxsize=65536)
def _canonical_given(text: str) -> tuple[str, ...]:
    parts = words(text)
    if not parts:
        return ()
    joined = " ".join(parts)
    readings: list[str] = []
    if joined.replace(" ", "") in NICKNAMES:
        readings.extend(NICKNAMES[joined.replace(" ", "")])
    expanded: list[list[str]] = [[]]
    for part in parts:
        options = NICKNAMES.get(part, (part,))
        expanded = [prefix + option.split() for prefix in expanded for option in options][:8]
    readings.extend(" ".join(p) for p in expanded)
    out: list[str] = []
    for reading in readings:
        if reading not in out:
            out.append(reading)
    return tuple(out)


def is_nickname(text: str) -> bool:
    parts = words(text)
    return bool(parts) and (all(p in NICKNAMES for p in parts) or "".join(parts) in NICKNAMES)


def given_tokens(text: str) -> set[str]:
    """Every single given-name word a text may stand for, nicknames expanded: for blocking keys."""
    return {word for reading in canonical_given(text) for word in reading.split()}


def surname_words(*surnames: str) -> list[str]:
    """Folded words of the surnames, particles dropped: ("de la Cruz", "Pérez") → ["cruz", "perez"]."""
    return [w for s in surnames for w in words(s)]
