"""Who may take data out of the system for sharing (built on redalert.access.policy; anything else is a 404).

- The HTCDS export without direct identifiers (pseudonymous case-level records) and the k-anonymised open-data
  file are for the organisation's coordinators, administrators and analysts: the people who sign and run
  data-sharing agreements. Analysts see no identities here: the records carry a keyed pseudonym, ages, months and
  states, never names, birth dates, free text or exact places.
- Adding direct identifiers (names, birth date, exact dates, the town) is for coordinators only: the role that
  opens case files and answers for them. Administrators manage the organisation but do not open case files
  (redalert.access.policy), so an export must not give them what the case pages would not.
- Staff only ever export the cases of their own organisation; the coalition-wide open-data file is built by the
  operators' command (`manage.py export_open_data --coalition`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from redalert.access.policy import is_staff_member
from redalert.accounts.roles import Role
from redalert.cases.models import Case

EXPORT_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST)
IDENTIFIER_ROLES = (Role.COORDINATOR,)


def may_export(user: Any) -> bool:
    """Pseudonymous HTCDS records and the open-data file: coordinators, administrators and analysts."""
    return is_staff_member(user) and user.has_role(*EXPORT_ROLES)


def may_export_identifiers(user: Any) -> bool:
    """Direct identifiers in an export: coordinators only."""
    return is_staff_member(user) and user.has_role(*IDENTIFIER_ROLES)


def require_export(user: Any) -> None:
    if not may_export(user):
        raise Http404("No such page.")


def exportable_cases(user: Any) -> QuerySet[Case]:
    """The cases an export by this user may draw from: those of her organisation, if she may export at all."""
    if not may_export(user):
        return Case.objects.none()
    # A case merged into another is exported once, as the case that remained (redalert.duplicates).
    return Case.objects.filter(organisation_id=user.organisation_id, merged_into__isnull=True)
