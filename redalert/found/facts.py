"""The facts matching compares a person found on (redalert.matching.PersonFacts): the names or nicknames she gives
(as aliases: she rarely gives a full name in order), sex, the approximate age range on the day found, and the place
found. Nothing is matched here: redalert.matching compares."""

from __future__ import annotations

from typing import Any

from redalert.found.models import FoundPerson
from redalert.matching.facts import PersonFacts, split_aliases


def facts_for_found(found: FoundPerson) -> PersonFacts:
    """A record of the register as matching sees her; unknown stays unknown (empty or None)."""
    return PersonFacts(
        aliases=split_aliases(found.names),
        sex="" if found.sex == "unknown" else found.sex,
        age_min=found.age_min,
        age_max=found.age_max,
        event_date=found.found_on,
        **_place_facts(found.found_place),
    )


def _place_facts(place: Any) -> dict[str, Any]:
    """The gazetteer place found: its id and code, its subdivision and country, its public centre."""
    if place is None:
        return {}
    subdivision = place.subdivision if place.kind != "subdivision" else place
    return {
        "place_id": place.pk,
        "place_code": place.code,
        "subdivision_code": subdivision.code if subdivision is not None else "",
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
