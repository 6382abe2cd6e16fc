"""Template context: what the navigation may offer the current user."""

from typing import Any

from django.http import HttpRequest

from redalert.access.policy import Action, may


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"may_create_case": bool(user is not None and may(user, Action.CREATE))}  # type: ignore[arg-type]
