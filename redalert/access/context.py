"""Template context: what the navigation may offer the current user.

The flags are registered by the apps that own the pages (each app's navigation.py, see redalert.lib.navigation);
this processor only evaluates them, for signed-in members of an organisation.
"""

from typing import Any

from django.http import HttpRequest

from redalert.lib.navigation import flags_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.organisation_id:
        return {}
    return dict(flags_for(user))
