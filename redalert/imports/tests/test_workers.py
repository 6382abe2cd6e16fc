"""Jobs run outside the request: claimed once, by the embedded run_worker loop or by Celery."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from redalert.cases.models import Case
from redalert.imports import jobs
from redalert.imports.models import ImportJob
from redalert.imports.tests.conftest import csv_bytes, row


@pytest.fixture
def queued(org_a, importer, places):
    return jobs.create_job(
        organisation=org_a, user=importer, file_name="x.csv", data=csv_bytes([row()]), mode="valid_rows"
    )


def test_a_job_is_claimed_by_one_worker_only(queued):
    first = jobs.claim()
    assert first is not None and first[0].pk == queued.pk
    assert jobs.claim() is None
    assert jobs.claim(queued.pk) is None
    ImportJob.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    second = jobs.claim()
    assert second is not None and second[1] != first[1]
    # the first worker, thought dead, is stopped at its next write
    jobs.run_claimed(first[0], first[1])
    assert not Case.objects.exists()
    jobs.run_claimed(*second)
    assert Case.objects.count() == 1


def test_run_worker_runs_queued_imports(queued):
    call_command("run_worker", "--once", stdout=StringIO())
    queued.refresh_from_db()
    assert queued.status == "done"
    assert Case.objects.count() == 1


def test_the_celery_tasks_run_the_same_function(queued):
    from redalert.imports.tasks import run_due_imports, run_import

    assert run_import.run(queued.pk) is True
    assert run_import.run(queued.pk) is False  # finished: nothing to do
    assert run_due_imports.run() == 0
    assert Case.objects.count() == 1


def test_an_upload_asks_celery_when_it_is_deployed(org_a, importer, places, settings, monkeypatch):
    from redalert.imports import tasks

    sent = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda job_id: sent.append(job_id))
    settings.IMPORTS_USE_CELERY = True
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = jobs.create_job(
            organisation=org_a, user=importer, file_name="x.csv", data=csv_bytes([row()]), mode="valid_rows"
        )
    assert sent == [job.pk]


def test_without_celery_the_upload_only_stores_the_job(org_a, importer, places, settings, monkeypatch):
    from redalert.imports import tasks

    monkeypatch.setattr(tasks.run_import, "delay", lambda job_id: pytest.fail("Celery was asked"))
    settings.IMPORTS_USE_CELERY = False
    with TestCase.captureOnCommitCallbacks(execute=True):
        jobs.create_job(
            organisation=org_a, user=importer, file_name="x.csv", data=csv_bytes([row()]), mode="valid_rows"
        )
    assert ImportJob.objects.get().status == "queued"
