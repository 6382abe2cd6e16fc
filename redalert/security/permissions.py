"""Who may read the organisation's security events: its administrators."""

from __future__ import annotations

from typing import Any

from redalert.accounts.permissions import may_manage_organisation


def may_view_security_events(user: Any) -> bool:
    return may_manage_organisation(user)
