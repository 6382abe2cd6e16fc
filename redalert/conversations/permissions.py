"""Who may read the conversation inbox and who connects the providers (thin checks on top of redalert.access)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

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


# The words redalert/audit/words.py and the staff menu (templates/base.html) show for this app, listed here as well so
# that this app's own catalogue translates them (the central catalogue is merged by the lead; both give the same words).
WORDS = (
    gettext_lazy("SMS, WhatsApp or e-mail account"),
    gettext_lazy("conversation (SMS, WhatsApp, e-mail)"),
    gettext_lazy("conversation closed"),
    gettext_lazy("conversation inbox"),
    gettext_lazy("photo or voice note of a conversation"),
    gettext_lazy("reply to a conversation"),
    gettext_lazy("conversation turned into a hotline contact"),
    gettext_lazy("conversation turned into a report"),
    gettext_lazy("conversation turned into a tip"),
    gettext_lazy("Conversations"),
    gettext_lazy("SMS, WhatsApp and e-mail"),
    gettext_lazy("SMS or WhatsApp"),
    gettext_lazy("Download of a received photo or voice note"),
    gettext_lazy("Provider webhook with a bad signature refused"),
)
