"""Who may set the retention policy, record an erasure request and approve one (on top of access.policy)."""

from __future__ import annotations

from redalert.access.policy import Action, may
from redalert.accounts.models import User
from redalert.accounts.permissions import is_staff_member
from redalert.accounts.roles import Role
from redalert.cases.models import Case
from redalert.retention.models import ErasureRequest


def may_edit_policy(user: User) -> bool:
    """The organisation's administrators set its retention periods."""
    return is_staff_member(user) and user.organisation_id is not None and user.has_role(Role.ADMINISTRATOR)


def may_request_erasure(user: User, case: Case) -> bool:
    """A coordinator of the case's organisation records a family's or survivor's request."""
    return may(user, Action.VIEW, case) and user.has_role(Role.COORDINATOR)


def may_review_requests(user: User) -> bool:
    """Coordinators and administrators see the organisation's pending requests."""
    return (
        is_staff_member(user)
        and user.organisation_id is not None
        and user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR)
    )


def may_approve(user: User, request: ErasureRequest) -> bool:
    """A second person of the organisation (coordinator or administrator), never the one who recorded it."""
    return (
        may_review_requests(user)
        and request.case.organisation_id == user.organisation_id
        and request.recorded_by_id != user.pk
    )
