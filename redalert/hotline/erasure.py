"""The hotline's part of erasure and retention, registered with redalert.retention.registry (HotlineConfig.ready).

Rule, in one sentence each:
- Erasing a case blanks what its contacts say about people (the summary, the caller's name, phone and e-mail; the
  agreement to be contacted back is withdrawn with them): the contacts linked to the case, or to one of its tips.
- A contact linked to no case is anonymised the same way once it ended (or, never ended, started) before the
  organisation's `unlinked_contact_days`.
- Either way the contact is marked `anonymised_at` (kept from the first time): the desk records nothing more on it
  (redalert.hotline.rules.refusal).

What stays, for the statistics and the audit: the reference, channel, dates, who took it, who was calling (the
kind of person), urgency and the authority called, the indicators, the counts of potential victims, the place
(a state or a country), the outcome and the service referred to, the links to the case, tip and conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from redalert.hotline.models import Contact
from redalert.retention.registry import Erased, register_case_eraser, register_expiry

PERSONAL_BLANK: dict[str, Any] = {
    "summary": "",
    "caller_name": "",
    "caller_phone": "",
    "caller_email": "",
    "caller_agrees_to_contact": False,
}


def blank_contacts(contacts: QuerySet[Contact]) -> int:
    """Blank the personal fields of the contacts that still hold any and mark every one of them anonymised
    (`anonymised_at`, so that nothing more is recorded on it: redalert.hotline.rules); how many held something
    (empty is stored as ''), so that a second run counts 0."""
    now = timezone.now()
    holding = contacts.exclude(summary="", caller_name="", caller_phone="", caller_email="")
    count = holding.update(
        **PERSONAL_BLANK, anonymised_at=Coalesce(F("anonymised_at"), Value(now, output_field=DateTimeField()))
    )
    # Those that held nothing (nothing was said, or blanked before the marker existed) are closed to changes too.
    contacts.filter(anonymised_at__isnull=True).update(anonymised_at=now)
    return count


def erase_for_case(case: Any) -> Erased:
    return Erased(blank_contacts(Contact.objects.filter(Q(case=case) | Q(tip__case=case))))


def expired_unlinked(organisation: Any, cutoff: datetime) -> QuerySet[Contact]:
    """The organisation's contacts linked to no case that ended (or, never ended, started) before `cutoff`."""
    return Contact.objects.filter(organisation=organisation, case__isnull=True, started_at__lt=cutoff).filter(
        Q(ended_at__isnull=True) | Q(ended_at__lt=cutoff)
    )


def expire_unlinked(organisation: Any, cutoff: datetime) -> Erased:
    return Erased(blank_contacts(expired_unlinked(organisation, cutoff)))


def register() -> None:
    register_case_eraser("hotline_contacts", erase_for_case)
    register_expiry("hotline_contacts_anonymised", "unlinked_contact_days", expire_unlinked)
