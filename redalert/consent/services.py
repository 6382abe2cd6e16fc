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


def record_decisions(
    case: Case, decisions: list[ConsentRecord], *, actor: User, request: HttpRequest | None = None
) -> list[ConsentRecord]:
    """Store the decisions about several purposes given by the same person at the same time: each its own record
    (through record_decision), all or none. Every purpose is checked before anything is written, so a refusal for one
    purpose leaves no record for the others; a signed form's scan is stored once and shared by the records."""
    refusals = [
        f"{d.get_purpose_display()}: {verdict.reason}"
        for d in decisions
        if not (verdict := may_record(case, d.purpose, d.decided_on))
    ]
    if refusals:
        raise ConsentRefused(" ".join(refusals))
    recorded: list[ConsentRecord] = []
    with transaction.atomic():
        for decision in decisions:
            if recorded and recorded[0].form_scan:
                decision.form_scan = recorded[0].form_scan.name  # the file stored with the first record
            recorded.append(record_decision(case, decision, actor=actor, request=request))
    return recorded
