"""Gazetteer places for the steps after the report: the route stops (where she was recruited, moved through and
exploited), where she was located, the state of a prosecutor or of an authority in the directory."""

from __future__ import annotations

import random
from collections import defaultdict

from redalert.demo.after_report.cases import CaseInfo
from redalert.demo.draws import Weighted
from redalert.demo.generate import DEMO_COUNTRIES
from redalert.places.models import Place, PlaceKind

# Subdivisions (ISO 3166-2) where exploitation is recorded most often; absent ones are skipped.
MX_DESTINATIONS: dict[str, float] = {
    "MX-CMX": 16,
    "MX-MEX": 14,
    "MX-JAL": 10,
    "MX-NLE": 9,
    "MX-ROO": 9,
    "MX-BCN": 8,
    "MX-CHH": 6,
    "MX-PUE": 6,
    "MX-CHP": 6,
    "MX-TLA": 5,
    "MX-GRO": 4,
    "MX-VER": 4,
    "MX-GUA": 3,
}
CENTRAL_AMERICA_TO_MX: dict[str, float] = {
    "MX-CHP": 30,
    "MX-CMX": 12,
    "MX-ROO": 10,
    "MX-NLE": 8,
    "MX-MEX": 8,
    "MX-TAM": 6,
    "MX-BCN": 6,
    "MX-VER": 6,
}
US_DESTINATIONS: dict[str, float] = {"US-TX": 4, "US-CA": 3, "US-NY": 2, "US-GA": 1}
MAIN_SUBDIVISIONS = {
    "GT": ("GT-01", "GT-09", "GT-05", "GT-17"),
    "HN": ("HN-FM", "HN-CR", "HN-AT"),
    "SV": ("SV-SS", "SV-LI"),
    "NI": ("NI-MN",),
}
BORDER_TRANSIT = {"to_mx": ("MX-CHP", "GT-12", "GT-13"), "to_us": ("MX-TAM", "MX-CHH", "MX-SON", "MX-BCN")}


class RoutePlaces:
    """Gazetteer places for route stops: localities by subdivision (bigger towns more likely), subdivisions by code."""

    def __init__(self) -> None:
        self.subdivision_by_code: dict[str, int] = {}
        self.subdivision_country: dict[int, str] = {}
        self.subdivision_name: dict[int, str] = {}
        self.subdivision_code: dict[int, str] = {}
        self.subdivisions_of: dict[str, list[int]] = defaultdict(list)
        self.country_place: dict[str, int] = {}
        self.country_of: dict[int, str] = {}
        countries = set(DEMO_COUNTRIES) | {"US"}
        for pk, kind, code, name, country in (
            Place.objects.filter(kind__in=[PlaceKind.COUNTRY, PlaceKind.SUBDIVISION], country_code__in=countries)
            .order_by("pk")
            .values_list("pk", "kind", "code", "name", "country_code")
        ):
            self.country_of[pk] = country
            if kind == PlaceKind.COUNTRY:
                self.country_place[country] = pk
            else:
                self.subdivision_by_code[code] = pk
                self.subdivision_country[pk] = country
                self.subdivision_name[pk] = name
                self.subdivision_code[pk] = code
                self.subdivisions_of[country].append(pk)
        towns: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for pk, subdivision_id, population, country in (
            Place.objects.filter(kind=PlaceKind.LOCALITY, country_code__in=countries, subdivision__isnull=False)
            .order_by("pk")
            .values_list("pk", "subdivision_id", "population", "country_code")
        ):
            self.country_of[pk] = country
            towns[subdivision_id].append((pk, max(population or 10_000, 1_000) ** 0.5))
        self.towns = {sub: Weighted(rows) for sub, rows in towns.items()}
        self._present: dict[tuple[tuple[str, ...], int | None], Weighted] = {}

    def subdivision(self, code: str) -> int | None:
        return self.subdivision_by_code.get(code)

    def in_subdivision(self, rng: random.Random, subdivision_id: int | None, *, town_share: float = 0.8) -> int | None:
        """A town of the subdivision, sometimes only the subdivision (the state is known, not the town)."""
        if subdivision_id is None:
            return None
        towns = self.towns.get(subdivision_id)
        if towns and rng.random() < town_share:
            return int(towns.pick(rng))
        return subdivision_id

    def pick_code(self, rng: random.Random, table: dict[str, float], exclude: int | None = None) -> int | None:
        """A subdivision of `table` (code → weight) that the gazetteer has, other than `exclude`; None if none."""
        key = (tuple(table), exclude)
        choices = self._present.get(key)
        if choices is None:
            present = [(self.subdivision_by_code[c], w) for c, w in table.items() if c in self.subdivision_by_code]
            choices = self._present[key] = Weighted([(pk, w) for pk, w in present if pk != exclude])
        return int(choices.pick(rng)) if choices else None

    def destination(self, rng: random.Random, case: CaseInfo) -> int | None:
        """The subdivision where she was exploited: mostly another state or country than where she was last seen."""
        home = case.subdivision_id
        roll = rng.random()
        if case.place_country == "MX":
            if roll < 0.10:
                return home
            if roll < 0.16:
                return self.pick_code(rng, US_DESTINATIONS) or self.pick_code(rng, MX_DESTINATIONS, exclude=home)
            return self.pick_code(rng, MX_DESTINATIONS, exclude=home) or home
        if roll < 0.45:
            return self.pick_code(rng, CENTRAL_AMERICA_TO_MX) or home
        if roll < 0.75:
            main = MAIN_SUBDIVISIONS.get(case.place_country, ())
            return self.pick_code(rng, dict.fromkeys(main, 1.0), exclude=home) if main else home
        if roll < 0.90:
            others = [c for country, codes in MAIN_SUBDIVISIONS.items() if country != case.place_country for c in codes]
            return self.pick_code(rng, dict.fromkeys(others, 1.0)) or home
        return self.pick_code(rng, US_DESTINATIONS) or home

    def transit(self, rng: random.Random, case: CaseInfo, destination: int | None) -> int | None:
        """A subdivision she was moved through on the way, or None when the route had no recorded stop."""
        to_country = self.subdivision_country.get(destination or 0, case.place_country)
        if to_country == case.place_country:
            if rng.random() < 0.75:
                return None
            pool = self.subdivisions_of.get(to_country, [])
            choices = [pk for pk in pool if pk not in (case.subdivision_id, destination)]
            return rng.choice(choices) if choices else None
        if rng.random() < 0.25:
            return None
        codes = BORDER_TRANSIT["to_us"] if to_country == "US" else BORDER_TRANSIT["to_mx"]
        return self.pick_code(rng, dict.fromkeys(codes, 1.0), exclude=destination)
