"""The staff menu's flags, each registered by the app that owns the page it links to.

An app lists its entries in a module `navigation.py` of its own: `register("may_view_maps", may_view_maps)`, where
the check takes the user and says whether the menu (or a page) may offer the link. The `access` app loads every
installed app's `navigation` module once at start-up (its AppConfig.ready), and the template context processor
`redalert.access.context.navigation` evaluates every registered check for the signed-in member of an
organisation. Templates read the flags by name (`{% if may_view_maps %}`).

This module imports no app, so that any app, at any layer, may register here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NavigationCheck = Callable[[Any], bool]

_CHECKS: dict[str, NavigationCheck] = {}


def register(name: str, check: NavigationCheck) -> None:
    """Register the check behind the template flag `name` (idempotent for the same check).

    Two apps claiming one name is a mistake: the second registration raises ValueError."""
    registered = _CHECKS.get(name)
    if registered is not None and registered is not check:
        raise ValueError(f"The navigation flag {name!r} is already registered by {registered.__module__}.")
    _CHECKS[name] = check


def registered() -> tuple[str, ...]:
    """The names of every registered flag, in registration order."""
    return tuple(_CHECKS)


def flags_for(user: Any) -> dict[str, bool]:
    """Every registered flag, evaluated for `user`."""
    return {name: bool(check(user)) for name, check in _CHECKS.items()}
