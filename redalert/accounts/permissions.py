"""Who may manage an organisation's own members and settings (the role checks the accounts app needs itself)."""

from __future__ import annotations

from typing import Any

from redalert.accounts.roles import Role


def is_staff_member(user: Any) -> bool:
    """A signed-in, active member of an organisation."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.organisation_id)


def may_manage_organisation(user: Any) -> bool:
    """The organisation's members, roles and directory are for its administrators."""
    return is_staff_member(user) and user.has_role(Role.ADMINISTRATOR)
