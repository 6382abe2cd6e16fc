"""The case lifecycle as an explicit state machine.

reported → verification → active search → located alive | located deceased → follow-up → closed.
A case that is not located stays in active search across years; a closed case can be reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus as S
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.changes.announce import Kind, announce
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REPORTED: (S.VERIFICATION, S.CLOSED),
    S.VERIFICATION: (S.ACTIVE_SEARCH, S.CLOSED),
    S.ACTIVE_SEARCH: (S.LOCATED_ALIVE, S.LOCATED_DECEASED, S.CLOSED),
    S.LOCATED_ALIVE: (S.FOLLOW_UP, S.CLOSED),
    S.LOCATED_DECEASED: (S.FOLLOW_UP, S.CLOSED),
    S.FOLLOW_UP: (S.CLOSED,),
    S.CLOSED: (S.ACTIVE_SEARCH, S.FOLLOW_UP),
}
LOCATED = (S.LOCATED_ALIVE, S.LOCATED_DECEASED)


class TransitionError(Exception):
    """A transition the rules do not allow; the message is for the user, in her language."""


@dataclass(frozen=True)
class TransitionRequest:
    to: str
    on: date | None = None
    reason: str = ""


def allowed_targets(case: Case) -> tuple[str, ...]:
    return TRANSITIONS.get(case.status, ())


def check_transition(case: Case, req: TransitionRequest) -> None:
    """Raise TransitionError with a clear message if `case` may not move as requested now."""
    if req.to not in S.values:
        raise TransitionError(_("Unknown status."))
    if req.to not in allowed_targets(case):
        raise TransitionError(
            _("A case in “%(current)s” cannot move to “%(target)s”.")
            % {"current": S(case.status).label, "target": S(req.to).label}
        )
    if case.status == S.VERIFICATION and req.to != S.CLOSED:
        verdict = may_use(case, Purpose.OPEN_FILE)
        if not verdict:
            raise TransitionError(
                _("The case cannot leave verification without consent to open the case file. %(reason)s")
                % {"reason": verdict.reason}
            )
    today = timezone.localdate()
    if req.on is not None and req.on > today:
        raise TransitionError(_("The date cannot be in the future."))
    if req.to in LOCATED and req.on is not None and req.on < case.last_seen_on:
        raise TransitionError(_("She cannot have been located before the date she was last seen."))
    if req.to == S.CLOSED and not req.reason.strip():
        raise TransitionError(_("Say why the case is being closed."))
    if case.status == S.CLOSED:
        if not req.reason.strip():
            raise TransitionError(_("Say why the case is being reopened."))
        if req.to == S.ACTIVE_SEARCH and case.located_on is not None:
            raise TransitionError(
                _("She was located on %(date)s: a new disappearance is recorded as a new case.")
                % {"date": case.located_on}
            )
        if req.to == S.FOLLOW_UP and case.located_on is None:
            raise TransitionError(_("Only a case whose person was located can be reopened for follow-up."))


def transition(case: Case, req: TransitionRequest, actor: User, request: HttpRequest | None = None) -> Case:
    """Move a case to another status, recording it on the timeline and in the audit log."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check_transition(locked, req)
        previous = locked.status
        day = req.on or timezone.localdate()
        locked.status = req.to
        locked.status_changed_at = timezone.now()
        if req.to in LOCATED:
            locked.located_on = day
        if req.to == S.CLOSED:
            locked.closed_on = day
            locked.closure_reason = req.reason.strip()[:300]
        if previous == S.CLOSED:
            locked.closed_on = None
            locked.closure_reason = ""
        locked.save()
        data = {"from": previous, "to": req.to, "on": day.isoformat(), "reason": req.reason.strip()[:300]}
        TimelineEvent.objects.create(case=locked, actor=actor, kind=TimelineKind.STATUS, summary_data=data)
        # After the timeline line: followers read the status history (the yearly report's row: reopened or not).
        announce(locked.pk, Kind.STATUS, actor=actor)  # Protocolo Alba's checkpoints follow (redalert.tasks)
        audit_record(actor, AuditAction.TRANSITION, locked, case=locked, request=request, detail=data)
    case.refresh_from_db()
    return case
