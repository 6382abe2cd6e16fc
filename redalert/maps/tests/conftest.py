"""Fixtures of the maps tests: users by role in two organisations, and cases with facts and routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from redalert.investigation.models import TraffickingEvent, TraffickingFacts
from redalert.investigation.services import add_record


@pytest.fixture
def analyst(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "analyst")


@pytest.fixture
def caseworker(org_a: Any, make_user: Any) -> Any:
    return make_user(org_a, "caseworker")


@pytest.fixture
def route(places: dict[str, Any]) -> Callable[..., Any]:
    """Record a stop of a case's route through the investigation service (as the route form does)."""

    def add(case: Any, by: Any, event_type: str, place: str | None, on: date | None = None) -> Any:
        event = TraffickingEvent(event_type=event_type, place=places[place] if place else None, on=on, recorded_by=by)
        return add_record(case, event, actor=by)

    return add


@pytest.fixture
def exploitation() -> Callable[..., Any]:
    """Record a case's types of exploitation through the investigation service (as the facts form does)."""

    def record(case: Any, by: Any, *types: str) -> Any:
        facts = TraffickingFacts.objects.filter(case=case).first() or TraffickingFacts(case=case)
        facts.exploitation_types = list(types)
        facts.updated_by = by
        return add_record(case, facts, actor=by)

    return record


def geojson(client: Client, name: str, **params: Any) -> dict[str, Any]:
    """GET a layer, check it is a GeoJSON FeatureCollection, and return it."""
    from django.urls import reverse

    response = client.get(reverse(f"maps:{name}"), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Point", "LineString", "Polygon", "MultiPolygon"}
    return data
