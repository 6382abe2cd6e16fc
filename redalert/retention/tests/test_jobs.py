"""apply_retention: what expired is blanked, deleted or anonymised, audited with counts; a second run does nothing."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case
from redalert.imports.models import ImportJob, ImportUpload, JobStatus
from redalert.retention.jobs import apply_retention
from redalert.retention.models import ErasedCase, RetentionPolicy
from redalert.tips.models import Tip, TipStatus


def test_the_job_purges_what_expired_once(full_case: Any, coordinator: Any, org_a: Any) -> None:
    tip = full_case.tips.get()
    spam = Tip.objects.create(case=full_case, description="spam", client_hash="y" * 64, is_spam=True)
    Tip.objects.filter(pk__in=[tip.pk, spam.pk]).update(received_at=timezone.now() - timedelta(days=800))
    job = ImportJob.objects.create(
        organisation=org_a,
        created_by=coordinator,
        file_name="a.csv",
        file_format="csv",
        file_size=1,
        mode="all_or_nothing",
        status=JobStatus.DONE,
        created_at=timezone.now() - timedelta(days=100),
    )
    ImportUpload.objects.create(job=job, content="bm9tYnJl", sha256="c" * 64)
    Case.objects.filter(pk=full_case.pk).update(status="closed", closed_on=date(2014, 1, 1))

    apply_retention()

    tip.refresh_from_db()
    assert not tip.has_contact
    assert not Tip.objects.filter(pk=spam.pk).exists()
    assert not ImportUpload.objects.filter(job=job).exists()
    assert ErasedCase.objects.filter(case=full_case).exists()
    entry = AuditEntry.objects.filter(detail__has_key="retention").get()
    assert entry.detail["retention"]["tipster_contacts_blanked"] == 1
    assert entry.detail["retention"]["unlinked_tips_deleted"] == 1
    assert entry.detail["retention"]["import_files_deleted"] == 1
    assert entry.detail["retention"]["closed_cases_anonymised"] == 1

    entries = AuditEntry.objects.count()
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert AuditEntry.objects.count() == entries
    assert "closed_cases_anonymised=0" in out.getvalue()


def test_the_policy_of_the_organisation_decides(full_case: Any, org_a: Any) -> None:
    RetentionPolicy.objects.create(organisation=org_a, tipster_contact_days=5000, unlinked_tip_days=5000)
    tip = full_case.tips.get()
    Tip.objects.filter(pk=tip.pk).update(
        received_at=timezone.now() - timedelta(days=800), status=TipStatus.NOT_RELEVANT
    )
    apply_retention()
    tip.refresh_from_db()
    assert tip.has_contact
    assert not ErasedCase.objects.exists()  # the case is not closed


def test_a_relevant_tip_is_kept(full_case: Any) -> None:
    tip = full_case.tips.get()
    Tip.objects.filter(pk=tip.pk).update(received_at=timezone.now() - timedelta(days=5000), status=TipStatus.RELEVANT)
    apply_retention()
    assert Tip.objects.filter(pk=tip.pk).exists()
