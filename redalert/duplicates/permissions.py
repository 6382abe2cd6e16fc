"""Who may use the review queue of possible duplicates, on top of redalert.access.policy.

Rule: the queue, its decisions, merges and their undo are for the organisation's coordinators; anyone else gets
the same 404 as for a page that does not exist. Each side of a pair shows only what the viewer may see of that
case (its general section, through policy.may), never a sensitive section.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from redalert.access.policy import Action, is_staff_member, may
from redalert.accounts.roles import Role
from redalert.duplicates.models import DuplicatePair, MergeRecord


def may_review_duplicates(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and is_staff_member(user)
        and user.organisation_id is not None
        and user.works_on_cases
        and user.has_role(Role.COORDINATOR)
    )


def pairs_for(user: Any) -> QuerySet[DuplicatePair]:
    if not may_review_duplicates(user):
        return DuplicatePair.objects.none()
    return DuplicatePair.objects.filter(organisation_id=user.organisation_id)


def merges_for(user: Any) -> QuerySet[MergeRecord]:
    if not may_review_duplicates(user):
        return MergeRecord.objects.none()
    return MergeRecord.objects.filter(organisation_id=user.organisation_id)


def may_see(user: Any, case: Any) -> bool:
    """May the viewer see this case's general fields (names, ages, dates, places)?"""
    return may(user, Action.VIEW, case)
