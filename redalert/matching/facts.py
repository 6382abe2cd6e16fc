"""What matching knows about a person: the facts two records are compared on (stable API, issue 15).

`PersonFacts` is the one shape every comparison takes: a missing person's case (`facts_for_case`), a report being
typed at intake, a person found (redalert.found builds its own). Every field may be unknown (empty string, empty
tuple or None), and an unknown field neither matches nor mismatches (redalert.matching.compare).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

OPEN_STATUSES = ("reported", "verification", "active_search")  # still searched for: the cases matching proposes


@dataclass(frozen=True)
class PersonFacts:
    """A person as matching sees her. Names are as typed (folding happens in redalert.matching.names).

    - `aliases`: nicknames and other names she is known by, one per item.
    - `sex`: "female", "male", "intersex" or "" (unknown; "unknown" is read as unknown too).
    - Age: `birth_date`, else `birth_year`, else an estimated age range `age_min`..`age_max` (years) on `event_date`.
    - `event_date`: the day she was last seen (missing) or found (register of people found).
    - Place of that event: `place_id`/`place_code` (the gazetteer's locality, or subdivision, or country),
      `subdivision_code` (ISO 3166-2), `country_code` (ISO 3166-1), `latitude`/`longitude` (the public centre of
      the place, or a precise point if known; never shown).
    """

    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    aliases: tuple[str, ...] = ()
    sex: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    event_date: date | None = None
    place_id: int | None = None
    place_code: str = ""
    subdivision_code: str = ""
    country_code: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def known_sex(self) -> str:
        return "" if self.sex in ("", "unknown") else self.sex

    def birth_years(self) -> tuple[int, int] | None:
        """The range of possible birth years (inclusive), or None when nothing tells her age."""
        if self.birth_date is not None:
            return (self.birth_date.year, self.birth_date.year)
        if self.birth_year is not None:
            return (self.birth_year, self.birth_year)
        if self.event_date is not None and (self.age_min is not None or self.age_max is not None):
            low = self.age_min if self.age_min is not None else self.age_max
            high = self.age_max if self.age_max is not None else self.age_min
            assert low is not None and high is not None
            low, high = min(low, high), max(low, high)
            # Someone aged A on a day was born in that day's year - A - 1 or year - A.
            return (self.event_date.year - high - 1, self.event_date.year - low)
        return None


def _place_facts(place: Any) -> dict[str, Any]:
    if place is None:
        return {}
    subdivision = getattr(place, "subdivision", None)
    subdivision_code = ""
    if place.kind == "subdivision":
        subdivision_code = place.code
    elif subdivision is not None:
        subdivision_code = subdivision.code
    return {
        "place_id": place.pk,
        "place_code": place.code,
        "subdivision_code": subdivision_code,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def split_aliases(text: str) -> tuple[str, ...]:
    """ "Lupe, la Güera; Lupita" → ("Lupe", "la Güera", "Lupita")."""
    parts = [p.strip() for chunk in (text or "").splitlines() for p in chunk.replace(";", ",").split(",")]
    return tuple(p for p in parts if p)


def facts_for_case(case: Any) -> PersonFacts:
    """The facts of a case's missing person, on the day she was last seen (reads the person and the place)."""
    person = case.person
    age = person.estimated_age if person.birth_date is None else None
    return PersonFacts(
        given_names=person.given_names or "",
        first_surname=person.first_surname or "",
        second_surname=person.second_surname or "",
        aliases=split_aliases(person.aliases),
        sex="" if person.sex == "unknown" else person.sex,
        birth_date=person.birth_date,
        age_min=age,
        age_max=age,
        event_date=case.last_seen_on,
        **_place_facts(case.last_seen_place),
    )
