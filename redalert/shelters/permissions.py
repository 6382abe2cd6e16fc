"""Who may see and do what with shelters (built on redalert.access.policy; anything not allowed is a 404).

- The stays of a case belong to its shelter section: the team's shelter staff, coordinators and caseworkers
  (policy.SECTION_ROLES) see them and check people in and out.
- The list of the organisation's facilities with capacity, occupancy and free places is for shelter staff,
  coordinators and caseworkers of the organisation (to find a place); no case or guest is named there.
- A facility's address, its current guests (case references) and the facility settings are for the
  organisation's shelter staff and coordinators only.
"""

from __future__ import annotations

from redalert.access.policy import is_staff_member
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.shelters.models import Facility

DIRECTORY_ROLES = (Role.SHELTER_STAFF, Role.COORDINATOR, Role.CASEWORKER)
ADDRESS_ROLES = (Role.SHELTER_STAFF, Role.COORDINATOR)


def may_list_facilities(user: User) -> bool:
    return is_staff_member(user) and user.has_role(*DIRECTORY_ROLES)


def may_manage_facilities(user: User) -> bool:
    """Shelter staff and coordinators: addresses, guests, settings, check-outs from the facility page."""
    return is_staff_member(user) and user.has_role(*ADDRESS_ROLES)


def may_see_address(user: User, facility: Facility) -> bool:
    return may_manage_facilities(user) and facility.organisation_id == user.organisation_id
