"""The permission and query-scope layer. Every view, export and API asks here; nowhere else decides.

Rules in one sentence each:
- A case is visible only to staff of its organisation who work on cases (analysts, public-site editors and
  administrators do not open case files).
- The general part of a case (the report, the person, the disappearance, consent, photos, general notes) is
  visible to every case worker of the organisation, except lawyers: a lawyer who has no other case role opens only
  the cases whose team she is on (need to know; issue 17, docs/architecture.md "A lawyer's access").
- A sensitive section (investigation, legal, health, shelter) is visible only to members of the case's team whose
  role needs it (SECTION_ROLES).
- Changing a case is for coordinators, and for caseworkers on the case's team; managing the team and
  publishing a case on the public site are for coordinators.
- Tips from the public are triaged by the case's team and coordinators; a tipster's contact details are seen
  only by the case's team.
- A case another organisation shared with hers (redalert.transfers: an accepted referral, or what a sender keeps
  after a transfer; the rows are access.models.CaseGrant) is open to her only in the shared sections, by the
  role each section needs (general: the organisation-wide roles; a sensitive section: SECTION_ROLES, without a
  team), and only to read; everything else of it is a 404 (docs/transfers.md).
- Anything not allowed looks exactly like a case that does not exist (404), so that nobody learns which cases
  another organisation holds.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from redalert.access.models import CaseGrant
from redalert.accounts.permissions import is_staff_member as is_staff_member  # part of this policy's API
from redalert.accounts.roles import CASE_ROLES, Role
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case, TeamMembership
from redalert.security.events import record_refused_case

if TYPE_CHECKING:
    from redalert.accounts.models import User


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    CHANGE_STATUS = "change_status"
    MANAGE_CONSENT = "manage_consent"
    MANAGE_TEAM = "manage_team"
    ADD_NOTE = "add_note"
    VIEW_AUDIT = "view_audit"
    PUBLISH = "publish"
    TRIAGE_TIPS = "triage_tips"
    VIEW_TIPSTER_CONTACT = "view_tipster_contact"
    ISSUE_ALERT = "issue_alert"


SENSITIVE_SECTIONS = frozenset({NoteSection.INVESTIGATION, NoteSection.LEGAL, NoteSection.HEALTH, NoteSection.SHELTER})

SECTION_ROLES: dict[str, frozenset[str]] = {
    NoteSection.INVESTIGATION: frozenset({Role.FIELD_INVESTIGATOR, Role.COORDINATOR, Role.LAWYER}),
    NoteSection.LEGAL: frozenset({Role.LAWYER, Role.COORDINATOR, Role.CASEWORKER}),
    NoteSection.HEALTH: frozenset({Role.HEALTH, Role.COORDINATOR}),
    NoteSection.SHELTER: frozenset({Role.SHELTER_STAFF, Role.COORDINATOR, Role.CASEWORKER}),
}


# The roles that open the general file of every case of their organisation. A lawyer is not among them: the report
# holds the family's address and phone, and she needs them only for the cases she accompanies, whose team she is on
# (a proceeding's lawyer is chosen from the team: redalert.legal.views._lawyers).
ORGANISATION_WIDE_ROLES = CASE_ROLES - {Role.LAWYER}


def sees_every_case(user: User) -> bool:
    return user.has_role(*ORGANISATION_WIDE_ROLES)


def visible_cases(user: User, *, with_shared: bool = False) -> QuerySet[Case]:
    """Every case the user may open: those of her organisation if she works on cases (a lawyer: her team's); with
    `with_shared`, also the cases other organisations shared with hers that her role may open in one shared
    section (shared_cases). Lists of a case's parts (tips, tasks, statistics) keep to her organisation's cases;
    the case list, the API's list and case_for ask with_shared."""
    organisation_id = user.organisation_id
    if organisation_id is None or not is_staff_member(user) or not user.works_on_cases:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=organisation_id)
    own = cases if sees_every_case(user) else cases.filter(memberships__user=user)
    if not with_shared or not CaseGrant.objects.active().filter(organisation_id=organisation_id).exists():
        return own  # the usual path: no share received, the same query as before shares existed
    mine = Q(organisation_id=organisation_id)
    if not sees_every_case(user):
        mine &= Q(pk__in=TeamMembership.objects.filter(user=user).values("case_id"))
    return Case.objects.filter(mine | Q(pk__in=_shared_ids(user)))


def readable_shared_sections(user: User) -> frozenset[str]:
    """The sections her role may read of a case shared with her organisation: the general file for the
    organisation-wide roles, a sensitive section for the roles that section needs (no team: the case has none of
    hers)."""
    sections = {NoteSection.GENERAL.value} if sees_every_case(user) else set()
    sections.update(str(s) for s, roles in SECTION_ROLES.items() if user.has_role(*roles))
    return frozenset(sections)


def _shared_ids(user: User) -> Any:
    """The ids (a subquery) of the cases with an active grant to her organisation of a section she may read."""
    organisation_id = user.organisation_id or 0
    return (
        CaseGrant.objects.active()
        .filter(organisation_id=organisation_id, section__in=readable_shared_sections(user))
        .exclude(case__organisation_id=organisation_id)
        .values("case_id")
    )


def shared_cases(user: User) -> QuerySet[Case]:
    """The cases of other organisations shared with hers that she may open in at least one section."""
    if user.organisation_id is None or not is_staff_member(user) or not user.works_on_cases:
        return Case.objects.none()
    return Case.objects.filter(pk__in=_shared_ids(user))


def shared_sections(user: User, case: Case) -> frozenset[str]:
    """The sections of another organisation's case shared with hers by an active grant (read once per case)."""
    cache: dict[int | None, frozenset[str]] = case.__dict__.setdefault("_shared_sections", {})
    if user.organisation_id not in cache:
        cache[user.organisation_id] = frozenset(
            CaseGrant.objects.active()
            .filter(case_id=case.pk, organisation_id=user.organisation_id or 0)
            .values_list("section", flat=True)
        )
    return cache[user.organisation_id]


def is_shared_with(user: User, case: Case) -> bool:
    """Is this case another organisation's, open to her only through a share?"""
    return case.organisation_id != user.organisation_id and bool(visible_sections(user, case))


def team_member_ids(case: Case) -> frozenset[int]:
    """Ids of the case's team, read once per case object (services that change the team reset it)."""
    cached: frozenset[int] | None = case.__dict__.get("_team_ids")
    if cached is None:
        cached = frozenset(TeamMembership.objects.filter(case=case).values_list("user_id", flat=True))
        case.__dict__["_team_ids"] = cached
    return cached


def forget_team(case: Case) -> None:
    case.__dict__.pop("_team_ids", None)


def forget_shares(case: Case) -> None:
    """Services that give or revoke shared access reset what the case object remembered of it."""
    case.__dict__.pop("_shared_sections", None)


def is_on_team(user: User, case: Case) -> bool:
    return user.pk in team_member_ids(case)


def may_see_section(user: User, case: Case, section: str) -> bool:
    """General sections: every case worker of the organisation; sensitive ones: the team, by role. Another
    organisation's case: the sections it shared with hers that her role may read."""
    if not is_staff_member(user) or user.organisation_id is None or not user.works_on_cases:
        return False
    if case.organisation_id != user.organisation_id:
        return section in shared_sections(user, case) and section in readable_shared_sections(user)
    if not sees_every_case(user) and not is_on_team(user, case):
        return False
    if section not in SENSITIVE_SECTIONS:
        return True
    return user.has_role(*SECTION_ROLES[section]) and is_on_team(user, case)


def visible_sections(user: User, case: Case) -> list[str]:
    return [s.value for s in NoteSection if may_see_section(user, case, s)]


def may(user: User, action: Action | str, case: Case | None = None, section: str = NoteSection.GENERAL) -> bool:
    """May this user do this action (on this case, in this section) now?"""
    action = Action(action)
    if not is_staff_member(user):
        return False
    if action == Action.CREATE:
        return user.has_role(Role.COORDINATOR, Role.CASEWORKER)
    if case is None:
        return False
    if case.organisation_id != user.organisation_id:
        # A shared case is read only: changes stay with the organisation that holds it.
        return action == Action.VIEW and may_see_section(user, case, section)
    if not may_see_section(user, case, NoteSection.GENERAL):
        return False
    if action == Action.VIEW:
        return may_see_section(user, case, section)
    if action == Action.ADD_NOTE:
        return may_see_section(user, case, section) and (user.has_role(Role.COORDINATOR) or is_on_team(user, case))
    if action in (Action.EDIT, Action.CHANGE_STATUS, Action.MANAGE_CONSENT):
        return user.has_role(Role.COORDINATOR) or (user.has_role(Role.CASEWORKER) and is_on_team(user, case))
    if action in (Action.MANAGE_TEAM, Action.VIEW_AUDIT, Action.PUBLISH, Action.ISSUE_ALERT):
        return user.has_role(Role.COORDINATOR)
    if action == Action.TRIAGE_TIPS:
        return user.has_role(Role.COORDINATOR) or is_on_team(user, case)
    if action == Action.VIEW_TIPSTER_CONTACT:
        return is_on_team(user, case)
    return False


def case_for(user: User, pk: int | str, action: Action | str = Action.VIEW, section: str = NoteSection.GENERAL) -> Case:
    """The case with this id if the user may do `action` on it, else 404 (the same 404 as for no such case)."""
    try:
        case = (
            visible_cases(user, with_shared=True).select_related("person", "last_seen_place", "organisation").get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError):
        _record_refusal(user, pk)
        raise Http404("No such case.") from None
    if not may(user, action, case, section):
        record_refused_case(user, pk, reason="not_allowed")
        raise Http404("No such case.")
    return case


def _record_refusal(user: User, pk: int | str) -> None:
    """A security event for the refused id (redalert.security): another organisation's case, or no case at all."""
    owner = Case.objects.filter(pk=pk).values_list("organisation_id", flat=True).first() if str(pk).isdigit() else None
    if owner is None:
        reason = "no_such_case"
    else:
        reason = "other_organisation" if owner != user.organisation_id else "not_allowed"
    record_refused_case(user, pk, reason=reason)


def may_edit_public_texts(user: User) -> bool:
    """The organisation's public texts (about, contact line, hotline) are for its public-site editors."""
    return is_staff_member(user) and user.has_role(Role.PUBLIC_EDITOR)
