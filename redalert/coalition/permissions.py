"""Who may see the coalition's pairs, on top of redalert.access.policy: the coordinators of the two organisations
of a pair, nobody else (anyone else gets the same 404 as for a page that does not exist)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from redalert.access.policy import is_staff_member
from redalert.accounts.roles import Role
from redalert.coalition.models import CoalitionMatch


def may_use_coalition_matching(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and is_staff_member(user)
        and user.organisation_id is not None
        and user.works_on_cases
        and user.has_role(Role.COORDINATOR)
    )


def matches_for(user: Any) -> QuerySet[CoalitionMatch]:
    """The pairs one of whose cases belongs to the user's organisation (none for anyone but a coordinator)."""
    if not may_use_coalition_matching(user):
        return CoalitionMatch.objects.none()
    org = user.organisation_id
    return CoalitionMatch.objects.filter(Q(organisation_a_id=org) | Q(organisation_b_id=org))
