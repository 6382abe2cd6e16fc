"""Who manages an organisation's API clients: its administrators (the same check as its members page)."""

from __future__ import annotations

from typing import Any

from redalert.accounts.permissions import may_manage_organisation


def may_manage_api_clients(user: Any) -> bool:
    return may_manage_organisation(user)
