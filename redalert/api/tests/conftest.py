"""API clients of two organisations, with several scopes, and a test client that sends their tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from redalert.api.clients import NewClient, create_client
from redalert.api.scopes import Scope

ALL_SCOPES = list(Scope.values)


class ApiCaller:
    """Calls /api/v1/ with a token, as a program would."""

    def __init__(self, token: str, language: str = "en", address: str = "127.0.0.1") -> None:
        self.token = token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get("/api/v1" + path, params or {}, headers=headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post("/api/v1" + path, body, content_type="application/json", headers=headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.patch("/api/v1" + path, body, content_type="application/json", headers=headers)


@pytest.fixture
def admin_a(org_a: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(org_a, "administrator", username="admin-a")


@pytest.fixture
def admin_b(org_b: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(org_b, "administrator", username="admin-b")


@pytest.fixture
def make_api_client(db: Any) -> Callable[..., NewClient]:
    def make(admin: Any, scopes: list[str] | None = None, **kwargs: Any) -> NewClient:
        return create_client(
            organisation_id=admin.organisation_id,
            name=kwargs.pop("name", "Hotline"),
            scopes=ALL_SCOPES if scopes is None else scopes,
            expires_at=kwargs.pop("expires_at", timezone.now() + timedelta(days=30)),
            actor=admin,
            **kwargs,
        )

    return make


@pytest.fixture
def caller() -> Callable[..., ApiCaller]:
    return ApiCaller


@pytest.fixture
def full_a(admin_a: Any, make_api_client: Callable[..., NewClient]) -> ApiCaller:
    """Every scope, organisation A."""
    return ApiCaller(make_api_client(admin_a).token)


@pytest.fixture
def reader_a(admin_a: Any, make_api_client: Callable[..., NewClient]) -> ApiCaller:
    return ApiCaller(make_api_client(admin_a, [Scope.READ_CASES], name="Reader").token)


@pytest.fixture
def full_b(admin_b: Any, make_api_client: Callable[..., NewClient]) -> ApiCaller:
    return ApiCaller(make_api_client(admin_b, name="Other org").token)


def intake_body(place_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reported_at": "2026-03-02T10:30:00-06:00",
        "report_channel": "family",
        "reporter_name": "Rosa Hernández",
        "reporter_relationship": "mother",
        "reporter_phone": "+52 442 123 4567",
        "last_seen_on": "2026-03-01",
        "last_seen_place": place_id,
        "circumstances": "Salió a la escuela y no regresó.",
        "person": {"given_names": "Ana Sofía", "first_surname": "Ramírez", "sex": "female", "languages": ["spa"]},
    }
    body.update(overrides)
    return body
