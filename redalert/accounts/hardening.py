"""Browser hardening of staff responses: nothing a member saw is kept in a cache, and a session has an end.

- `NoStoreMiddleware`: every response to a signed-in member, and every response of a view not marked @public,
  carries `Cache-Control: private, no-store`, so that no browser, proxy or shared computer keeps a copy of a case
  page or a download.
- `AbsoluteSessionMiddleware`: besides the idle timeout (SESSION_COOKIE_AGE, pushed forward on every request), a
  session ends SESSION_ABSOLUTE_SECONDS (12 h by default) after the sign-in, however busy it was. The sign-in time
  is stored in the session the first time a signed-in request is seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from redalert.audit.log import record
from redalert.audit.models import AuditAction

SIGNED_IN_AT = "redalert_signed_in_at"
_PUBLIC_VIEW = "_redalert_public_view"


def absolute_session_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        staff = signed_in or not getattr(request, _PUBLIC_VIEW, False)
        if staff and not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        setattr(request, _PUBLIC_VIEW, bool(getattr(view_func, "redalert_public", False)))


class AbsoluteSessionMiddleware:
    """Sign out a member whose sign-in is older than SESSION_ABSOLUTE_SECONDS (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if not isinstance(signed_in_at, (int, float)):
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > absolute_session_seconds():
                record(user, AuditAction.LOGOUT, request=request, detail={"reason": "absolute_session_lifetime"})
                logout(request)  # flushes the session: the next sign-in starts a new clock
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
