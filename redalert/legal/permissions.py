"""Who may do what in legal accompaniment (built on redalert.access.policy).

- The legal section of a case (proceedings, hearings, measures, accused, reparations, estimates) is seen by the
  members of the case's team whose role needs it: lawyers, coordinators and caseworkers (policy.SECTION_ROLES).
- Recording legal work is for the team's lawyers and coordinators; caseworkers read it.
- The reparation rate table is shared by the whole coalition: it is edited by the coalition-level role
  "coalition data steward" only (never by an organisation's administrator); every case worker reads it.
- Anything not allowed is a 404, like a case that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.accounts.permissions import is_staff_member
from redalert.accounts.roles import Role
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case

RECORDING_ROLES = (Role.LAWYER, Role.COORDINATOR)


def may_see_legal(user: User, case: Case) -> bool:
    """The legal section: the team's lawyers, coordinators and caseworkers."""
    return may(user, Action.VIEW, case, NoteSection.LEGAL)


def may_record_legal(user: User, case: Case) -> bool:
    """Recording legal work: the team's lawyers and coordinators."""
    return may_see_legal(user, case) and user.has_role(*RECORDING_ROLES)


def may_see_own_proceedings(user: User) -> bool:
    """The lawyer's page of her proceedings (and its place in the menu): lawyers and coordinators."""
    return user.has_role(*RECORDING_ROLES)


def legal_case_for(user: User, pk: int, *, record: bool = False) -> Case:
    case = case_for(user, pk, Action.VIEW, NoteSection.LEGAL)
    if record and not may_record_legal(user, case):
        raise Http404("No such case.")
    return case


def may_edit_rates(user: User) -> bool:
    """The reparation rate table is shared by every organisation: only the coalition's data stewards edit it."""
    return is_staff_member(user) and user.has_role(Role.COALITION_DATA_STEWARD)
