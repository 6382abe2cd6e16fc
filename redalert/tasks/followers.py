"""What follows a change to a case in the tasks app: Protocolo Alba's checkpoints when an active search starts."""

from __future__ import annotations

from redalert.accounts.models import User
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.changes.announce import Change, Kind, follow
from redalert.tasks.services import create_alba_checkpoints


def follow_status_changes(changes: list[Change]) -> None:
    """A case that has just moved into active search gets its 24 h and 72 h checkpoints (idempotent), owned by the
    person who moved it."""
    for change in changes:
        if change.actor_id is None:
            continue
        case = Case.objects.filter(pk=change.case_id, status=CaseStatus.ACTIVE_SEARCH).first()
        if case is not None:
            create_alba_checkpoints(case, User.objects.get(pk=change.actor_id))


follow("alba_checkpoints", [Kind.STATUS], follow_status_changes, in_transaction=True, order=30)
