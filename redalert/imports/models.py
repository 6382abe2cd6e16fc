"""Import of historical cases: the jobs, their uploaded files, the problems found, and what each import wrote.

An ImportJob is stored (with its file, encrypted) before the upload page returns; a worker runs it outside the
request (redalert.imports.jobs). ImportedCase maps an organisation's own case reference to the case the import
created, so that importing the same file again updates that case; ImportedObject marks the child rows the import
wrote (timeline lines, outcome, route, proceeding, services…), so that a re-import replaces only those.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField


class Mode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: import only if every row is valid")
    VALID_ROWS = "valid_rows", _("Import the valid rows and give me the rest back as a file")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    REJECTED = "rejected", _("Rejected: nothing was imported")
    FAILED = "failed", _("Failed: the file could not be read")


class Phase(models.TextChoices):
    CHECKING = "checking", _("Checking rows")
    SAVING = "saving", _("Saving")
    IMPORTING = "importing", _("Importing rows")


class ImportJob(models.Model):
    """One upload of a spreadsheet of cases, and how far its import went."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    file_size = models.PositiveIntegerField()
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    # Claim-and-run (as the outbox does): a worker owns the job while its token is stored and it keeps the
    # heartbeat fresh; a job whose heartbeat went stale is taken over and resumed.
    claim_token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def imported_count(self) -> int:
        return self.created_count + self.updated_count + self.unchanged_count


class ImportUpload(models.Model):
    """The uploaded file, encrypted at rest (base64 inside the Fernet token); kept so that rejected rows can be
    given back. Deleting the job erases it."""

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, related_name="upload")
    content = EncryptedTextField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.job_id}: {self.sha256[:12]}"


class ImportProblem(models.Model):
    """One problem of one row: line, column, value and a reason code whose message is translated when shown."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=80, blank=True)
    value = EncryptedTextField(blank=True)
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="imports_problem_job_line")]

    def __str__(self) -> str:
        return f"{self.job_id}: line {self.line} {self.column} {self.code}"


class ImportedCase(models.Model):
    """A case created by an import, under the organisation's own reference: the key of re-imports.

    `fingerprints` holds a keyed hash per column (or group of columns) as last imported, so that a re-import
    applies only what changed in the file and leaves alone what staff changed since.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source_reference = models.CharField(_("reference in the organisation's records"), max_length=100)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="imported")
    first_job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, related_name="+")
    last_job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, related_name="+")
    line = models.PositiveIntegerField(default=0)
    fingerprints = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source_reference"], name="imports_one_case_per_reference")
        ]

    def __str__(self) -> str:
        return f"{self.source_reference} → {self.case_id}"


class ImportedObject(models.Model):
    """A child row written by the import for a group of columns (its model label and id)."""

    imported_case = models.ForeignKey(ImportedCase, on_delete=models.CASCADE, related_name="imported_objects")
    group = models.CharField(max_length=20)
    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["imported_case", "group"], name="imports_object_group")]

    def __str__(self) -> str:
        return f"{self.imported_case_id}: {self.group} {self.model}#{self.object_id}"
