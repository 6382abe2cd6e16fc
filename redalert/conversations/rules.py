"""What may still be done with a conversation: one rule, asked by the views (to show or not the forms) and by the
services (to refuse the action), so that an erased or anonymised conversation can never be answered or recorded.

- A conversation anonymised (by the erasure of its case or by the retention of unlinked ones: its sender, name and
  sender key are blank) has nobody to answer and nothing to record: no reply, no tip, no report, no hotline contact.
- Nothing new is recorded on a case whose identity was erased (retention.models.ErasedCase): not a tip, not a
  further report (the rule is retention's: redalert.retention.rules).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from redalert.conversations.models import Conversation
from redalert.retention.rules import erased_refusal


class Refused(ValueError):
    """The action is refused on this conversation or case; the message says why, in the reader's language."""


def is_anonymised(conversation: Conversation) -> bool:
    return not conversation.sender and not conversation.sender_key


def refusal(conversation: Conversation, case: Any = None) -> str:
    """Why nothing may be done with the conversation (on the case, if one is named); '' when it may."""
    if is_anonymised(conversation):
        return _("This conversation was anonymised: it can no longer be answered or turned into a record.")
    return erased_refusal(case)


def check(conversation: Conversation, case: Any = None) -> None:
    """Raise Refused when `refusal` gives a reason."""
    reason = refusal(conversation, case)
    if reason:
        raise Refused(reason)
