"""What may still be done with a hotline contact: one rule, asked by the desk's views (to show the forms or the
reason instead) and by redalert.hotline.actions on the locked row (to refuse the change), so that nothing is
recorded on a contact whose personal details were taken down.

- A contact anonymised (`anonymised_at`: by the erasure of its case, or by the retention of contacts linked to no
  case, redalert.hotline.erasure) takes nothing more: no urgency, call, details, indicators, outcome, report or tip.
- A contact of a case whose identity was erased takes nothing more either, marked or not (redalert.retention.rules).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from redalert.hotline.models import Contact
from redalert.retention.rules import erased_refusal


def is_anonymised(contact: Contact) -> bool:
    return contact.anonymised_at is not None


def refusal(contact: Contact) -> str | None:
    """Why nothing more may be recorded on the contact, in the reader's language; None when it may."""
    if is_anonymised(contact):
        return _("This contact was anonymised: nothing more can be recorded on it.")
    return erased_refusal(contact.case_id) or None
