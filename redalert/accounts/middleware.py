"""Every page is a staff page unless its view is marked @public; staff pages need a password and a second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from redalert.accounts import sessions
from redalert.accounts.passwords import must_change_password, temporary_password_expired
from redalert.accounts.two_factor import has_confirmed_device

# Pages a logged-in user must reach before her second factor is checked.
SECOND_FACTOR_PAGES = {"accounts:verify", "accounts:enrol", "accounts:logout"}
# Pages a member with a temporary password may reach (after her second factor) before she changes it.
PASSWORD_PAGES = {"accounts:password", "accounts:logout"}


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as public: no login, no second factor. Public views must show nothing personal without consent."""
    view.redalert_public = True  # type: ignore[attr-defined]
    return view


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view_func, "redalert_public", False) or request.path.startswith(settings.STATIC_URL):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_PAGES:
            return None
        if not getattr(user, "is_verified", lambda: False)():
            target = "accounts:verify" if has_confirmed_device(user) else "accounts:enrol"
            return redirect(f"{_url(target)}?next={request.get_full_path()}")
        # A temporary password (handed out by an administrator) must be changed before any staff page, and once
        # expired it opens nothing: the session ends.
        if temporary_password_expired(user):
            sessions.forget(request.session.session_key)
            logout(request)
            messages.error(request, _("Your temporary password has expired. Ask your administrator for a new one."))
            return redirect_to_login(request.get_full_path())
        if must_change_password(user) and (match is None or match.view_name not in PASSWORD_PAGES):
            return redirect(_url("accounts:password"))
        sessions.touch(request)
        return None


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
