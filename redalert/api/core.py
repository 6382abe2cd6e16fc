"""The NinjaAPI object: authentication of clients, scopes, rate limit, per-call audit, and problem details."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from redalert.accounts.models import User
from redalert.api import ratelimit
from redalert.api.clients import address_allowed, client_for_token, principal_of
from redalert.api.models import ApiClient
from redalert.api.problems import MEDIA_TYPE, ApiProblem, insufficient_scope, problem_response
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.http import client_address


def _unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(
        401,
        "unauthorised",
        _("Authentication needed."),
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="redalert"'},
    )


class ClientToken(HttpBearer):
    """`Authorization: Bearer ra_<key id>_<secret>`: the client, then its address, its rate, and one audit entry."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        client = client_for_token(token)
        if client is None:
            raise _unauthorised(_("The token is not valid."))
        if client.revoked_at is not None:
            raise _unauthorised(_("This client was revoked."))
        if not client.is_active:
            raise _unauthorised(_("This client has expired."))
        address = client_address(request)
        if not address_allowed(client, address):
            raise ApiProblem(
                403, "address-not-allowed", _("This address may not use this client."), _("Ask your administrator.")
            )
        allowed, retry_after = ratelimit.take(client.key_id, client.rate_per_minute)
        if not allowed:
            raise ApiProblem(
                429,
                "rate-limited",
                _("Too many calls."),
                _("This client may make %(count)s calls a minute.") % {"count": client.rate_per_minute},
                headers={"Retry-After": str(retry_after)},
            )
        user = principal_of(client)
        request.api_client = client  # type: ignore[attr-defined]
        request.api_audit = {}  # type: ignore[attr-defined]  # what the endpoint adds to the call's audit entry
        request.user = user
        return user


def note_for_audit(request: HttpRequest, *, case: Any = None, **detail: Any) -> None:
    """Add to the audit entry of this call (the ids of the cases a list showed; the case it read or changed, so
    that the entry is in that case's audit trail, as a page view is)."""
    notes: dict[str, Any] = getattr(request, "api_audit", {})
    notes.update(detail)
    if case is not None:
        request.api_audit_case = case  # type: ignore[attr-defined]


def audit_call(request: HttpRequest, status: int) -> None:
    """Every authenticated call is audited like a page view, once: who (the client's account), what (method,
    path, status, what the endpoint noted), from where. Written after the endpoint ran (redalert.api.urls)."""
    client = getattr(request, "api_client", None)
    if client is None:
        return
    call = {"client": client.key_id, "method": request.method, "path": request.path, "status": status}
    notes: dict[str, Any] = getattr(request, "api_audit", {})
    case = getattr(request, "api_audit_case", None)
    audit_record(request.user, AuditAction.VIEW, case, case=case, request=request, detail={"api": call, **notes})


def api_client(request: HttpRequest) -> ApiClient:
    return request.api_client  # type: ignore[attr-defined]


def require_scope(request: HttpRequest, scope: str) -> User:
    """The principal, if the client holds the scope; else 403 insufficient scope."""
    if scope not in api_client(request).scopes:
        raise insufficient_scope(scope)
    return request.user  # type: ignore[return-value]


class RedAlertApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Error answers are problem details: say so in the document (application/problem+json)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in (operation.get("responses") or {}).items():
                    content = response.get("content")
                    if str(status) >= "400" and content and "application/json" in content:
                        response["content"] = {MEDIA_TYPE: content.pop("application/json")}
        return schema


api = RedAlertApi(
    title="Red Alert System API",
    version="1",
    description=(
        "The REST API of the Red Alert System for member organisations. Authenticate with "
        "`Authorization: Bearer <token>` (an API client created by an administrator). Errors are RFC 9457 problem "
        "details in the language of Accept-Language (es, pt, en). See docs/api.md."
    ),
    auth=ClientToken(),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(
        request, exc.status, exc.kind, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(
        request, 404, "not-found", _("Not found."), _("There is nothing here, or you may not see it.")
    )


@api.exception_handler(AuthenticationError)
def _authentication(request: HttpRequest, exc: Exception) -> HttpResponse:
    problem = _unauthorised(_("Send the header “Authorization: Bearer <token>”."))
    return _problem(request, problem)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(location) or "request", []).append(str(error.get("msg", "")))
    return problem_response(
        request,
        422,
        "invalid",
        _("The request has errors."),
        _("Correct the fields listed in “errors”."),
        errors=errors,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem_response(request, 400, "unreadable", _("The request could not be read."), str(exc.message))
    return problem_response(request, exc.status_code, "http-error", str(exc.message))
