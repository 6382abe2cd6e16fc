"""The staff menu's flags and the case file's tab flags, each registered by the app that owns the page it links to.

An app lists its entries in a module `navigation.py` of its own: `register("may_view_maps", may_view_maps)`, where
the check takes the user and says whether the menu (or a page) may offer the link. The `access` app loads every
installed app's `navigation` module once at start-up (its AppConfig.ready), and the template context processor
`redalert.access.context.navigation` evaluates every registered check for the signed-in member of an
organisation. Templates read the flags by name (`{% if may_view_maps %}`).

The tabs of a case file work the same way with a check of the user and the case:
`register_case_tab("may_see_care", may_see_care)`; `redalert.cases.views.case_nav_context` evaluates them for the
case shown, so the case file's header offers other apps' tabs without importing them.

This module imports no app, so that any app, at any layer, may register here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NavigationCheck = Callable[[Any], bool]
CaseTabCheck = Callable[[Any, Any], bool]

_CHECKS: dict[str, NavigationCheck] = {}
_CASE_TABS: dict[str, CaseTabCheck] = {}


def _claim(checks: dict[str, Any], name: str, check: Any) -> None:
    """Two apps claiming one name is a mistake: the second registration raises ValueError."""
    registered = checks.get(name)
    if registered is not None and registered is not check:
        raise ValueError(f"The navigation flag {name!r} is already registered by {registered.__module__}.")
    checks[name] = check


def register(name: str, check: NavigationCheck) -> None:
    """Register the check behind the menu's template flag `name` (idempotent for the same check)."""
    _claim(_CHECKS, name, check)


def register_case_tab(name: str, check: CaseTabCheck) -> None:
    """Register the check (user, case) behind the case file's tab flag `name` (idempotent for the same check)."""
    _claim(_CASE_TABS, name, check)


def registered() -> tuple[str, ...]:
    """The names of every registered flag, in registration order."""
    return tuple(_CHECKS)


def flags_for(user: Any) -> dict[str, bool]:
    """Every registered flag, evaluated for `user`."""
    return {name: bool(check(user)) for name, check in _CHECKS.items()}


def case_tabs_for(user: Any, case: Any) -> dict[str, bool]:
    """Every registered case-tab flag, evaluated for `user` and `case`."""
    return {name: bool(check(user, case)) for name, check in _CASE_TABS.items()}


# Where each member lands after signing in (issue 17): every app registers the home it offers to the roles it
# serves, with a rank (lower first); redalert.accounts.views.home sends her to the first whose check passes, else to
# the case list. The registering app owns the page, so the accounts app never imports it.
HomeCheck = Callable[[Any], bool]
_HOMES: dict[str, tuple[int, str, HomeCheck]] = {}


def register_home(name: str, url_name: str, check: HomeCheck, *, rank: int) -> None:
    """Register the home page `url_name` for the members for whom `check(user)` is true (idempotent per name)."""
    _HOMES[name] = (rank, url_name, check)


def home_for(user: Any) -> str | None:
    """The URL name of the user's home: the first registered home (by rank) whose check passes, or None."""
    for _rank, url_name, check in sorted(_HOMES.values(), key=lambda home: home[0]):
        if check(user):
            return url_name
    return None
