"""Template context: what the navigation may offer the current user."""

from typing import Any

from django.http import HttpRequest

from redalert.access.policy import Action, may, may_edit_public_texts, may_manage_organisation


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may_create_case": False, "may_manage_members": False, "may_edit_public_texts": False}
    return {
        "may_create_case": may(user, Action.CREATE),
        "may_manage_members": may_manage_organisation(user),
        "may_edit_public_texts": may_edit_public_texts(user),
    }
