"""Who may read the conversation inbox and who connects the providers (thin checks on top of redalert.access)."""

from __future__ import annotations

from typing import Any

from redalert.accounts.permissions import is_staff_member, may_manage_organisation
from redalert.accounts.roles import Role

# The call-taker role belongs to the hotline desk (issue 18, part 1); named by its value so that this check holds
# whether or not that role exists yet.
INBOX_ROLES = (Role.COORDINATOR, Role.CASEWORKER, "call_taker")


def may_use_inbox(user: Any) -> bool:
    """A coordinator, caseworker or call-taker reads and answers her organisation's conversations."""
    return bool(getattr(user, "organisation_id", None)) and is_staff_member(user) and user.has_role(*INBOX_ROLES)


def may_connect_channels(user: Any) -> bool:
    """An organisation's administrators connect its SMS, WhatsApp and e-mail accounts (and see their secrets' state)."""
    return may_manage_organisation(user)
