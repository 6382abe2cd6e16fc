"""Who sets up the organisation's identity provider: its administrators (the same check as its members page)."""

from __future__ import annotations

from typing import Any

from redalert.accounts.permissions import may_manage_organisation


def may_manage_identity_provider(user: Any) -> bool:
    return may_manage_organisation(user) and user.organisation_id is not None
