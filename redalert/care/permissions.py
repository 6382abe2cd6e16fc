"""Who may see and record care (built on redalert.access.policy; anything not allowed is a 404).

- Medical and psychological services belong to the health section: the team's health staff and coordinators.
- Every other service, the humanitarian-expense ledger, the support plan and referrals are "care": members of the
  case's team who give or organise services (coordinators, caseworkers, health staff, shelter staff, lawyers).
  Field investigators, analysts and people outside the team do not see them.
- Referring a case to a partner (which shares it outside the organisation) and changing a referral's status is
  for the team's coordinators and caseworkers, and only with the consent to referral (redalert.care.services).
- Survivors' consultations belong to the organisation, not to a case: coordinators, caseworkers and health staff.
"""

from __future__ import annotations

from redalert.access.policy import Action, is_on_team, is_staff_member, may
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.care.choices import HEALTH_SERVICE_TYPES
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case

CARE_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.HEALTH, Role.SHELTER_STAFF, Role.LAWYER)
REFERRAL_ROLES = (Role.COORDINATOR, Role.CASEWORKER)
CONSULTATION_ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.HEALTH)


def may_see_health(user: User, case: Case) -> bool:
    return may(user, Action.VIEW, case, NoteSection.HEALTH)


def may_see_care(user: User, case: Case) -> bool:
    """Non-health services, the ledger, the support plan and referrals: the team's care roles."""
    return may(user, Action.VIEW, case) and user.has_role(*CARE_ROLES) and is_on_team(user, case)


def may_see_service_type(user: User, case: Case, service_type: str) -> bool:
    if service_type in HEALTH_SERVICE_TYPES:
        return may_see_health(user, case)
    return may_see_care(user, case)


def may_refer(user: User, case: Case) -> bool:
    return may_see_care(user, case) and user.has_role(*REFERRAL_ROLES)


def may_use_consultations(user: User) -> bool:
    return is_staff_member(user) and user.has_role(*CONSULTATION_ROLES)
