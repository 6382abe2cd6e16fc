"""Who may see the yearly report, and who may open the lists of cases behind its figures.

Built on redalert.access.policy; anything not allowed is the same 404 as a report that does not exist.

- An organisation's report: its coordinators, analysts and administrators (the people who account for the
  organisation's work). Other roles work on single cases and have no reason to see the aggregates.
- The coalition report (every coalition-member organisation, only cases consenting to statistics; see
  redalert.statistics.scope): analysts of a coalition-member organisation.
- The list of cases behind a figure: only in the report of one's own organisation, only for staff who open case
  files (policy.visible_cases), and for a figure about a sensitive part of the case file (investigation, legal,
  health, care) only the cases whose part the viewer may see: she is on the case's team with a role that sees it
  (policy.SECTION_ROLES, care.permissions.CARE_ROLES). Analysts and administrators see counts without links.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from redalert.access.policy import SECTION_ROLES, is_staff_member, visible_cases
from redalert.accounts.models import Organisation, User
from redalert.accounts.roles import Role
from redalert.care.permissions import CARE_ROLES
from redalert.cases.choices import NoteSection
from redalert.cases.models import TeamMembership
from redalert.statistics.scope import Scope, coalition_scope, organisation_scope

REPORT_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR)
COALITION_ROLES = (Role.ANALYST,)
GENERAL = "general"
CARE = "care"


def may_see_organisation_report(user: Any, organisation: Organisation) -> bool:
    """Coordinators, analysts and administrators of the organisation."""
    return is_staff_member(user) and user.organisation_id == organisation.pk and user.has_role(*REPORT_ROLES)


def may_see_coalition_report(user: Any) -> bool:
    """Analysts of a coalition-member organisation."""
    return (
        is_staff_member(user)
        and user.organisation is not None
        and user.organisation.coalition_member
        and user.has_role(*COALITION_ROLES)
    )


def may_see_statistics(user: Any) -> bool:
    """Whether the navigation offers the statistics (the condition for the nav link)."""
    if not is_staff_member(user) or user.organisation is None:
        return False
    return may_see_organisation_report(user, user.organisation) or may_see_coalition_report(user)


def available_scopes(user: User) -> list[Scope]:
    scopes = []
    if user.organisation is not None and may_see_organisation_report(user, user.organisation):
        scopes.append(organisation_scope(user.organisation))
    if may_see_coalition_report(user):
        scopes.append(coalition_scope())
    return scopes


def scope_for(user: User, code: str | None) -> Scope:
    """The report scope asked for (an organisation's code, or None for the coalition), else 404."""
    if code is None:
        if not may_see_coalition_report(user):
            raise Http404("No such report.")
        return coalition_scope()
    organisation = user.organisation
    if organisation is None or organisation.code != code or not may_see_organisation_report(user, organisation):
        raise Http404("No such report.")
    return organisation_scope(organisation)


def may_list_cases(user: Any, scope: Scope) -> bool:
    """Links to case lists: the report of one's own organisation, for staff who open its case files."""
    return (
        not scope.is_coalition
        and is_staff_member(user)
        and scope.organisation_ids == (user.organisation_id,)
        and user.works_on_cases
    )


def _section_roles(section: str) -> frozenset[str]:
    if section == CARE:
        return frozenset(CARE_ROLES)
    return SECTION_ROLES[NoteSection(section)]


def may_list_section(user: User, section: str) -> bool:
    """Whether the user's roles see this part of a case file at all (on the cases of her team, when sensitive)."""
    return section == GENERAL or user.has_role(*_section_roles(section))


def listable_case_ids(user: User, scope: Scope, case_ids: frozenset[int], section: str) -> frozenset[int]:
    """The cases behind a figure that this user may see listed (see the module's rules)."""
    if not may_list_cases(user, scope) or not may_list_section(user, section):
        return frozenset()
    if section == GENERAL:
        return case_ids
    team = set(TeamMembership.objects.filter(user=user).values_list("case_id", flat=True))
    return case_ids & frozenset(team)


def visible_case_rows(user: User, case_ids: list[int]) -> Any:
    """The cases of a page of a list, re-checked against policy.visible_cases."""
    return visible_cases(user).filter(pk__in=case_ids).select_related("person").order_by("reported_at", "pk")
