"""A place made coarse enough to keep after a person's identity is erased: the state, never the town."""

from __future__ import annotations

from redalert.places.models import Place, PlaceKind


def state_level(place_id: int | None) -> int | None:
    """The state (first-level subdivision) a gazetteer place lies in; a state or country stays as it is."""
    if place_id is None:
        return None
    place = Place.objects.filter(pk=place_id).only("kind", "subdivision_id").first()
    if place is not None and place.kind == PlaceKind.LOCALITY and place.subdivision_id is not None:
        return place.subdivision_id
    return place_id
