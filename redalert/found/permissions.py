"""Who may see and do what with the register of people found (built on redalert.access.policy; anything not
allowed is a 404, exactly as for a record that does not exist).

- The register (records, their descriptions and the candidate pairs) is for the organisation's case workers
  (every role that opens case files: coordinators, caseworkers, field investigators, lawyers, health and shelter
  staff). Analysts, public-site editors and administrators do not see it: it describes people, not aggregates.
- Recording a person found, and editing a record, is for the roles that receive or look for people: coordinators,
  caseworkers, field investigators, health and shelter staff.
- Photos of a person found are for the roles that may see a case's photos (the policy's general section of a case:
  the organisation's case workers); the side-by-side review shows the case's photos only through the case's own
  permission-checked view.
- Confirming or rejecting a pair changes the case (its outcome), so it is for those who may change the case's
  status (policy.may(…, CHANGE_STATUS, case): coordinators, and caseworkers on the case's team).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from redalert.access.policy import Action, is_staff_member, may
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.cases.models import Case
from redalert.found.models import FoundPerson

RECORDING_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.FIELD_INVESTIGATOR, Role.HEALTH, Role.SHELTER_STAFF)


def may_view_register(user: User) -> bool:
    """The register is for the organisation's case workers."""
    return is_staff_member(user) and user.works_on_cases


def may_record(user: User) -> bool:
    """Recording (and editing) a person found: the roles that receive or look for people."""
    return may_view_register(user) and user.has_role(*RECORDING_ROLES)


def may_see_photos(user: User) -> bool:
    """The roles that may see a case's photos (the general section of a case file) may see those of the register."""
    return may_view_register(user)


def may_decide(user: User, case: Case) -> bool:
    """Confirming or rejecting a pair records the case's outcome: for those who may change the case's status."""
    return may_view_register(user) and may(user, Action.CHANGE_STATUS, case)


def register_for(user: User) -> QuerySet[FoundPerson]:
    """The records this user may see (none for anyone but the organisation's case workers)."""
    if not may_view_register(user) or user.organisation_id is None:
        return FoundPerson.objects.none()
    return FoundPerson.objects.filter(organisation_id=user.organisation_id)


def found_for(user: User, pk: int | str, *, record: bool = False) -> FoundPerson:
    """The record with this id if the user may see it (and record, if asked), else the same 404 as for no record."""
    if record and not may_record(user):
        raise Http404("No such record.")
    try:
        return register_for(user).select_related("found_place", "linked_case").get(pk=pk)
    except (FoundPerson.DoesNotExist, ValueError):
        raise Http404("No such record.") from None
