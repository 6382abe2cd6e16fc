"""Who may manage webhooks: an organisation's administrators, for their own organisation only (one sentence)."""

from __future__ import annotations

from typing import Any

from redalert.accounts.permissions import may_manage_organisation


def may_manage_webhooks(user: Any) -> bool:
    """An organisation's administrators subscribe its endpoints to case events and read their delivery logs."""
    return may_manage_organisation(user)
