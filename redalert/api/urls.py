"""/api/v1/: the API (authenticated by client tokens, not by the staff sign-in), its schema and reference."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver

from redalert.accounts.middleware import public
from redalert.api.core import audit_call
from redalert.api.routes import api


def _audited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps csrf_exempt (ninja's) on the wrapper
    def call(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        audit_call(request, response.status_code)
        return response

    return call


def _public(patterns: list[Any]) -> list[Any]:
    """The staff sign-in middleware must let API calls through: each endpoint authenticates its client itself
    (the schema and its reference page are public: they describe, they hold no data). Each authenticated call is
    audited once, after it ran."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = public(_audited(pattern.callback))
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _public(list(patterns))
app_name = "api"
