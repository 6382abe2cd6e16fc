"""Recording consent decisions: one new, immutable record per decision, on the timeline and in the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.changes.announce import Kind, announce
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import may_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


class ConsentRefused(Exception):
    """A decision that may not be recorded (the message says why, in the user's language)."""


def record_decision(
    case: Case, decision: ConsentRecord, *, actor: User, request: HttpRequest | None = None
) -> ConsentRecord:
    """Store a consent decision (grant, refusal or withdrawal) for one purpose of a case.

    A withdrawal takes effect at once: everything that asks redalert.consent.rules.may_use sees it on its next read,
    and what follows a consent decision (the current consent, the public listing…) follows in this transaction.
    """
    verdict = may_record(case, decision.purpose, decision.decided_on)
    if not verdict:
        raise ConsentRefused(verdict.reason)
    with transaction.atomic():
        decision.case = case
        decision.recorded_by = actor
        decision.save()
        announce(case.pk, Kind.CONSENT, purpose=decision.purpose)
        data = {"purpose": decision.purpose, "decision": decision.decision}
        TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.CONSENT, summary_data=data)
        audit_record(actor, AuditAction.CREATE, decision, case=case, request=request, detail=data)
    return decision
