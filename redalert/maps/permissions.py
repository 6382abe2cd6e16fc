"""Who may see which maps (built on redalert.access.policy; anything not allowed is a 404).

Rules, one sentence each:
- The maps are for staff who work on cases and for analysts; administrators and public-site editors get a 404.
- A map counts the cases of the user's own organisation; no parameter names another organisation.
- Coalition-wide maps are for analysts of coalition member organisations, and count only the cases of coalition
  members whose current consent for "use in statistics" is granted (redalert.consent.rules, applied to the map
  rows by redalert.maps.facts).
- Layers carry counts only: never a case id, a name or a private coordinate, and H3 cells no finer than
  MAP_H3_MAX_RESOLUTION (at most 7).
- Only staff who open case files may drill down from a state to the case search (which applies its own rules);
  analysts, who see aggregates only, get no links.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from redalert.access.policy import is_staff_member
from redalert.accounts.models import Organisation
from redalert.accounts.roles import CASE_ROLES, Role
from redalert.maps.models import CaseMapFact, RouteFact

if TYPE_CHECKING:
    from redalert.accounts.models import User

MAP_ROLES = (*CASE_ROLES, Role.ANALYST)


class Scope(StrEnum):
    ORGANISATION = "organisation"
    COALITION = "coalition"


SCOPE_LABELS = {Scope.ORGANISATION: _("My organisation"), Scope.COALITION: _("Coalition (with consent)")}


def may_view_maps(user: User | Any) -> bool:
    return is_staff_member(user) and user.has_role(*MAP_ROLES)


def may_view_coalition(user: User) -> bool:
    return (
        may_view_maps(user)
        and user.has_role(Role.ANALYST)
        and user.organisation is not None
        and user.organisation.coalition_member
    )


def may_drill_down(user: User, scope: Scope) -> bool:
    """From a map to the cases behind it: only staff who open case files, and only for their own organisation."""
    return scope == Scope.ORGANISATION and may_view_maps(user) and user.works_on_cases


def scopes_for(user: User) -> list[Scope]:
    return [Scope.ORGANISATION, Scope.COALITION] if may_view_coalition(user) else [Scope.ORGANISATION]


def scope_for(user: User, requested: str | None) -> Scope:
    """The scope asked for, if this user may see maps in it; else 404."""
    if not may_view_maps(user):
        raise Http404("No maps.")
    try:
        scope = Scope(requested or Scope.ORGANISATION)
    except ValueError:
        raise Http404("No such map.") from None
    if scope not in scopes_for(user):
        raise Http404("No such map.")
    return scope


def facts_in_scope(user: User, scope: Scope) -> QuerySet[CaseMapFact]:
    """The map rows a user may count in a scope (call scope_for first)."""
    if scope == Scope.COALITION:
        return CaseMapFact.objects.filter(statistics=True, organisation_id__in=coalition_members())
    return CaseMapFact.objects.filter(organisation_id=user.organisation_id or 0)


def routes_in_scope(user: User, scope: Scope) -> QuerySet[RouteFact]:
    if scope == Scope.COALITION:
        return RouteFact.objects.filter(statistics=True, organisation_id__in=coalition_members())
    return RouteFact.objects.filter(organisation_id=user.organisation_id or 0)


def coalition_members() -> list[int]:
    return sorted(Organisation.objects.filter(coalition_member=True).values_list("pk", flat=True))


def scope_key(user: User, scope: Scope) -> str:
    """What the counts of a scope depend on, besides the filters and the version of the map rows."""
    if scope == Scope.COALITION:
        return "coalition:" + ",".join(str(pk) for pk in coalition_members())
    return f"organisation:{user.organisation_id}"
