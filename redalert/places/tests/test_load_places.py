"""load_places for real, on the test database: one test, as the load takes a few seconds."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pycountry
from django.core.management import call_command
from django.db.models import F
from django.utils import translation

from redalert.places.management.commands.load_places import ADMIN1_MAP
from redalert.places.models import Place, PlaceKind
from redalert.places.search import search_places

CENTRAL_AMERICA_AND_COLOMBIA = ["GT", "HN", "SV", "NI", "CR", "PA", "CO"]


def load() -> str:
    out = io.StringIO()
    call_command("load_places", stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(Place.objects.order_by("code").values_list(
        "code", "kind", "name", "search_name", "country_code", "parent_id", "subdivision_id",
        "latitude", "longitude", "population",
    ))  # fmt: skip


def test_load_places(db):
    first = load()
    assert "created" in first
    count = Place.objects.count()
    assert count > 35000
    before = snapshot()
    second = load()
    assert "0 created, 0 updated" in second
    assert snapshot() == before  # idempotent

    mx = Place.objects.get(code="MX")
    assert (mx.kind, mx.name, mx.parent) == (PlaceKind.COUNTRY, "Mexico", None)
    assert Place.objects.filter(kind=PlaceKind.COUNTRY).count() >= 249
    qro = Place.objects.get(code="MX-QUE")
    assert (qro.kind, qro.name, qro.parent, qro.country_code) == (PlaceKind.SUBDIVISION, "Querétaro", mx, "MX")
    assert Place.objects.filter(kind=PlaceKind.SUBDIVISION, country_code="MX").count() == 32
    assert not Place.objects.filter(code="ES-M").exists()  # a province of Spain: second level, not loaded

    city = Place.objects.get(code="gn:3991164")
    assert city.name == "Santiago de Querétaro"
    assert city.subdivision == qro
    assert city.parent == mx
    assert round(city.latitude, 2) == 20.59 and city.population > 500000

    # Every Mexican locality knows its state; so do those of Central America and Colombia.
    assert not Place.objects.filter(kind=PlaceKind.LOCALITY, country_code="MX", subdivision=None).exists()
    for country in CENTRAL_AMERICA_AND_COLOMBIA:
        localities = Place.objects.filter(kind=PlaceKind.LOCALITY, country_code=country)
        assert localities.exists() and not localities.filter(subdivision=None).exists(), country
    # ...and the subdivision is always a subdivision of the locality's own country.
    placed = Place.objects.filter(kind=PlaceKind.LOCALITY, subdivision__isnull=False)
    assert placed.count() > 25000
    assert not placed.exclude(subdivision__country_code=F("country_code")).exists()
    assert not placed.exclude(subdivision__kind=PlaceKind.SUBDIVISION).exists()

    with translation.override("es"):
        assert [p.code for p in search_places("Queretaro")][:2] == ["MX-QUE", "gn:3991164"]
        assert search_places("tlaxcala")[0].code == "MX-TLA"
        assert search_places("Brasil")[0].code == "BR"
        assert search_places("cdmx", country="MX")[0].code == "gn:3530597"
        assert search_places("Ciudad de Guatemala")[0].label == "Guatemala City, Guatemala, Guatemala"
        assert all(len(p.search_name) <= 400 for p in Place.objects.filter(code__in=["gn:3530597", "MX", "BO"]))


def test_admin1_map_is_sound():
    """The committed admin1 → ISO 3166-2 table: first-level codes of the right country, Mexico complete."""
    with ADMIN1_MAP.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    reached = defaultdict(set)
    for row in rows:
        subdivision = pycountry.subdivisions.get(code=row["iso3166_2"])
        assert subdivision is not None and subdivision.parent_code is None, row
        assert subdivision.country_code == row["country"], row
        reached[row["country"]].add(row["iso3166_2"])
    assert len({(row["country"], row["geonames_admin1"]) for row in rows}) == len(rows)
    for country in ["MX", *CENTRAL_AMERICA_AND_COLOMBIA]:
        first_level = {s.code for s in pycountry.subdivisions.get(country_code=country) if s.parent_code is None}
        missing = first_level - reached[country]
        assert missing <= {"PA-NT"}, (country, missing)  # Naso Tjër Di (2020) has no GeoNames code yet
