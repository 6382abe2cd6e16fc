"""A small labelled set for the Splink model's tests: girls with common Mexican names (namesakes are realistic),
a third of them reported again by another reporter with the variation reports have (accents dropped, a nickname,
surnames swapped or the second one missing, an estimated age instead of the birth date, a few days' difference)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from redalert.matching.facts import PersonFacts

GIVEN = [
    "María Guadalupe",
    "Fernanda",
    "Valeria",
    "Ximena",
    "Daniela",
    "Sofía",
    "Paola",
    "Andrea",
    "Gabriela",
    "Concepción",
    "Teresa",
    "Rosario",
    "Itzel",
    "Nayeli",
    "Jimena",
    "Lucía",
    "Dolores",
    "Karla",
    "Brenda",
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
    "Vázquez",
    "Jiménez",
    "Núñez",
    "Chávez",
    "Valdez",
    "Espinoza",
    "Zúñiga",
]
NICK = {
    "María Guadalupe": "Lupita",
    "Concepción": "Conchita",
    "Teresa": "Tere",
    "Rosario": "Chayo",
    "Dolores": "Lola",
    "Gabriela": "Gaby",
}
STATES = [("MX-JAL", 20.6, -103.3), ("MX-MEX", 19.3, -99.6), ("MX-VER", 19.2, -96.1), ("MX-CHP", 16.7, -93.1)]


def _plain(text: str) -> str:
    return text.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))


def _pick(rng: random.Random, items: list[str]) -> str:
    return rng.choices(items, [1 / (i + 1) for i in range(len(items))])[0]


def generate(people: int, seed: int = 3) -> tuple[list[tuple[int, PersonFacts]], set[tuple[int, int]]]:
    """(id, facts) records and the true pairs (lower id first)."""
    rng = random.Random(seed)
    records: list[tuple[int, PersonFacts]] = []
    truth: set[tuple[int, int]] = set()
    for _ in range(people):
        state, lat, lon = STATES[min(3, int(rng.expovariate(1)))]
        town = rng.randrange(8)
        seen = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        person = PersonFacts(
            given_names=_pick(rng, GIVEN),
            first_surname=_pick(rng, SURNAMES),
            second_surname=_pick(rng, SURNAMES),
            sex="female",
            birth_date=seen - timedelta(days=rng.randint(12 * 365, 22 * 365)),
            event_date=seen,
            place_id=hash((state, town)) % 10_000,
            subdivision_code=state,
            country_code="MX",
            latitude=lat + town / 10,
            longitude=lon,
        )
        first = len(records) + 1
        records.append((first, person))
        if rng.random() < 0.35:
            given, s1, s2 = person.given_names, person.first_surname, person.second_surname
            if rng.random() < 0.5:
                given, s1, s2 = _plain(given), _plain(s1), _plain(s2)
            if rng.random() < 0.3 and person.given_names in NICK:
                given = NICK[person.given_names]
            if rng.random() < 0.15:
                s1, s2 = s2, s1
            elif rng.random() < 0.25:
                s2 = ""
            born: date = person.birth_date  # type: ignore[assignment]  # always set above
            birth: date | None = born
            age = None
            if rng.random() < 0.4:
                birth, age = None, (seen - born).days // 365 + rng.randint(-1, 1)
            other = PersonFacts(
                given_names=given,
                first_surname=s1,
                second_surname=s2,
                sex="female",
                birth_date=birth,
                age_min=age,
                age_max=age,
                event_date=seen + timedelta(days=rng.randint(-4, 4)),
                place_id=person.place_id,
                subdivision_code=state,
                country_code="MX",
                latitude=person.latitude,
                longitude=person.longitude,
            )
            records.append((first + 1, other))
            truth.add((first, first + 1))
    return records, truth
