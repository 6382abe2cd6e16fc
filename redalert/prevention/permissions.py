"""Who may see and keep the prevention register (built on redalert.access.policy; anything not allowed is a 404).

- The register belongs to an organisation: only its own staff see it; another organisation's activity is a 404,
  like one that does not exist.
- Coordinators, caseworkers and administrators record and correct activities; analysts read the register, its
  summary and its export. Other roles do not see it.
- Deleting an activity (a duplicate, a mistake) is for coordinators and administrators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from redalert.access.policy import is_staff_member
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.prevention.models import Activity

RECORDING_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.ADMINISTRATOR)
READING_ROLES = (*RECORDING_ROLES, Role.ANALYST)
DELETING_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def may_read_register(user: Any) -> bool:
    """The register, its summary and its export: the organisation's recorders and analysts."""
    return is_staff_member(user) and user.has_role(*READING_ROLES)


def may_record_activities(user: Any) -> bool:
    return is_staff_member(user) and user.has_role(*RECORDING_ROLES)


def may_delete_activities(user: Any) -> bool:
    return is_staff_member(user) and user.has_role(*DELETING_ROLES)


def register_of(user: User) -> QuerySet[Activity]:
    """The activities the user may read: her organisation's, if her role reads the register; else none."""
    if not may_read_register(user) or user.organisation_id is None:
        return Activity.objects.none()
    return Activity.objects.filter(organisation_id=user.organisation_id)


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404("No such page.")


def activity_for(user: User, pk: int, *, record: bool = False, delete: bool = False) -> Activity:
    """The activity with this id if the user may read it (or record / delete it), else the same 404 as for none."""
    require(may_delete_activities(user) if delete else may_record_activities(user) if record else True)
    try:
        return register_of(user).select_related("place__subdivision", "organisation").get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None
