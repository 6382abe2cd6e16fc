"""/api/v1/: the API (authenticated by client tokens, not by the staff sign-in), its schema and reference."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver

from redalert.accounts.middleware import public
from redalert.api.routes import api


def _public(patterns: list[Any]) -> list[Any]:
    """The staff sign-in middleware must let API calls through: each endpoint authenticates its client itself
    (the schema and its reference page are public: they describe, they hold no data)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            public(pattern.callback)
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _public(list(patterns))
app_name = "api"
