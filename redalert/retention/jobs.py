"""The daily retention job: what expired is first taken off the public site, then purged or anonymised.

Per organisation and per its policy (redalert.retention.policy):
- tipsters' contact details of tips older than `tipster_contact_days` are blanked;
- tips not linked to the case's work (marked spam or not relevant) older than `unlinked_tip_days` are deleted,
  with their photos;
- uploaded import files (and the cell values kept with their problems) older than `import_file_days` are deleted;
  the import's counts stay;
- hotline contacts and conversations linked to no case, older than `unlinked_contact_days` (from the end of the
  contact, the last message), are anonymised by the rules their apps register in `redalert.retention.registry`
  (counted as `hotline_contacts_anonymised`, `conversations_anonymised`);
- closed cases whose closing date is older than `closed_case_days` have their identity erased by
  `erasure.erase_case_identity` (unpublished first, inside it; the hotline's and the inbox's part with it).
Audit entries are never deleted (the log is append-only, with database triggers): `audit_entry_days` says when
they are due for an archival export, which the job only counts.

Each organisation's run writes one audit entry with counts per kind, never the content. A second run finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.imports.models import ImportJob, ImportProblem, ImportUpload, JobStatus
from redalert.retention.erasure import _delete_files, _files, erase_case_identity
from redalert.retention.models import ErasedCase, ErasureReason
from redalert.retention.policy import policy_for
from redalert.retention.registry import expiry_rules
from redalert.tips.models import Tip, TipStatus

ACTOR = "retention"


@dataclass
class RetentionResult:
    organisation_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(v for k, v in self.counts.items() if k != "audit_entries_due_for_archive")


def _cutoff(today: date, days: int) -> Any:
    start = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
    return start


def apply_for(organisation: Organisation, today: date | None = None) -> RetentionResult:
    """Apply one organisation's retention policy as of `today`; the counts of what it did."""
    today = today or timezone.localdate()
    policy = policy_for(organisation)
    result = RetentionResult(organisation.pk)
    tips = Tip.objects.filter(case__organisation=organisation)

    with transaction.atomic():
        expired_contacts = tips.filter(received_at__lt=_cutoff(today, policy.tipster_contact_days)).exclude(
            contact_name="", contact_phone="", contact_email=""
        )
        # Encrypted fields cannot be compared in SQL: blank those whose decrypted contact is not already empty.
        blanked = 0
        for tip in expired_contacts:
            if tip.has_contact:
                Tip.objects.filter(pk=tip.pk).update(contact_name="", contact_phone="", contact_email="")
                blanked += 1
        result.counts["tipster_contacts_blanked"] = blanked

        unlinked = tips.filter(received_at__lt=_cutoff(today, policy.unlinked_tip_days)).filter(
            Q(is_spam=True) | Q(status=TipStatus.NOT_RELEVANT)
        )
        files = _files(unlinked, "photo")
        result.counts["unlinked_tips_deleted"] = unlinked.count()
        unlinked.delete()

        finished = [JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED]
        old_jobs = ImportJob.objects.filter(
            organisation=organisation,
            status__in=finished,
            created_at__lt=_cutoff(today, policy.import_file_days),
        )
        uploads = ImportUpload.objects.filter(job__in=old_jobs)
        result.counts["import_files_deleted"] = uploads.count()
        uploads.delete()
        problems = ImportProblem.objects.filter(job__in=old_jobs).exclude(value="")
        cleared = 0
        for problem in problems:
            if problem.value:
                ImportProblem.objects.filter(pk=problem.pk).update(value="")
                cleared += 1
        result.counts["import_values_cleared"] = cleared

        for rule in expiry_rules():
            expired = rule.expire(organisation, _cutoff(today, getattr(policy, rule.days_field)))
            result.counts[rule.name] = expired.count
            files += expired.files
    _delete_files(files)

    closed = (
        Case.objects.filter(
            organisation=organisation,
            status=CaseStatus.CLOSED,
            closed_on__lt=today - timedelta(days=policy.closed_case_days),
        )
        .exclude(pk__in=ErasedCase.objects.values("case_id"))
        .order_by("pk")
    )
    erased = 0
    for case in closed:
        if erase_case_identity(case, None, reason=ErasureReason.RETENTION):
            erased += 1
    result.counts["closed_cases_anonymised"] = erased
    result.counts["audit_entries_due_for_archive"] = AuditEntry.objects.filter(
        organisation_id=organisation.pk, at__lt=_cutoff(today, policy.audit_entry_days)
    ).count()

    if result.changed:
        audit_record(
            ACTOR,
            AuditAction.DELETE,
            organisation,
            organisation_id=organisation.pk,
            detail={"retention": result.counts, "on": today.isoformat()},
        )
    return result


def apply_retention(today: date | None = None) -> list[RetentionResult]:
    """Apply every organisation's retention policy (the daily job)."""
    return [apply_for(organisation, today) for organisation in Organisation.objects.order_by("pk")]
