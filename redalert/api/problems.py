"""Errors as RFC 9457 problem details (application/problem+json), in the caller's language (Accept-Language)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema

PROBLEM_TYPE_BASE = "https://redalert.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: dict[str, list[str]] | None = None


class ApiProblem(Exception):
    """Raise to answer with a problem; the handler in redalert.api.api turns it into the response."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str = "",
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.errors, self.headers = errors, headers or {}


def problem_response(
    request: HttpRequest,
    status: int,
    kind: str,
    title: str,
    detail: str = "",
    *,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def json_response(body: Any, status: int = 200) -> HttpResponse:
    """A JSON answer written directly (the shapes are declared in redalert.api.schemas and checked against the
    document by the schemathesis test): validating 50 rows through pydantic again cost more than the query."""
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )


def not_found() -> ApiProblem:
    return ApiProblem(404, "not-found", _("Not found."), _("There is nothing here, or you may not see it."))


def insufficient_scope(scope: str) -> ApiProblem:
    return ApiProblem(
        403,
        "insufficient-scope",
        _("This client may not do that."),
        _("The client lacks the scope “%(scope)s”.") % {"scope": scope},
    )


def invalid(errors: dict[str, list[str]]) -> ApiProblem:
    return ApiProblem(
        422, "invalid", _("The request has errors."), _("Correct the fields listed in “errors”."), errors=errors
    )
