"""Former ISO 3166-2 codes and "place, state, country" names (issue 14: historical import files)."""

from __future__ import annotations

import pycountry

from redalert.places.models import Place, PlaceKind
from redalert.places.search import FORMER_SUBDIVISION_CODES, current_code, places_named


def test_former_codes_lead_to_current_iso_codes_of_the_same_subdivision():
    assert current_code("gt-av") == "GT-16"
    assert current_code("MX-DIF") == "MX-CMX"
    assert current_code("MX-QUE") == "MX-QUE"
    for former, current in FORMER_SUBDIVISION_CODES.items():
        assert pycountry.subdivisions.get(code=former) is None, former
        assert pycountry.subdivisions.get(code=current) is not None, current


def test_place_state_country_with_another_name_of_the_place(places):
    oax = Place.objects.create(
        kind=PlaceKind.SUBDIVISION, code="MX-OAX", name="Oaxaca", search_name="oaxaca", country_code="MX"
    )
    city = Place.objects.create(
        kind=PlaceKind.LOCALITY,
        code="gn:3522507",
        name="Oaxaca",
        search_name="oaxaca | oaxaca de juarez",
        country_code="MX",
        parent=places["mx"],
        subdivision=oax,
    )
    assert places_named("Oaxaca de Juárez, Oaxaca, México") == [city]
    assert places_named("Oaxaca de Juárez, MX") == [city]
    assert places_named("Oaxaca de Juárez, Querétaro, México") == []
