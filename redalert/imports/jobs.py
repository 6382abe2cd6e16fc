"""Import jobs: stored before the upload page returns, run by a worker outside the request.

A worker claims a job with a conditional UPDATE (as the outbox does) and keeps a heartbeat while it runs; a job
whose worker died is taken over once its heartbeat is older than STALE_SECONDS. The Celery task
(redalert.imports.tasks) and the embedded `manage.py run_worker` loop both call `run_next` / `run_job`, as does
`manage.py import_cases`.

- "Valid rows" mode: rows are checked and saved in batches; each batch is one transaction that also records the
  batch's problems and the progress, so an interruption loses at most the batch in flight, never half a row, and
  the job resumes after the last committed batch (re-saving a row is harmless: the import is keyed by reference).
- "All or nothing" mode: every row is checked first (problems and progress committed as it goes); only if none
  has a problem are the rows saved, all in one transaction: one bad row, or an interruption, leaves no trace.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from redalert.accounts.models import Organisation, User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.imports.models import FileFormat, ImportedCase, ImportJob, ImportProblem, ImportUpload, JobStatus, Mode
from redalert.imports.models import Phase as JobPhase
from redalert.imports.problems import Problem, RowRejected, reason
from redalert.imports.reading import FileRejected, Table, open_table
from redalert.imports.rows import Header, ParsedRow, RowChecker
from redalert.imports.values import text
from redalert.imports.writing import WriteContext, create_rows, save_row

log = logging.getLogger(__name__)

BATCH_SIZE = 200
SAVE_BATCH_SIZE = 1000  # rows written together in the all-or-nothing mode (one transaction for all anyway)
STALE_SECONDS = 300
PROBLEMS_COLUMN = "problems"


class LostClaim(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


class HeaderRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("header")
        self.problems = problems


class _RollBack(Exception):
    def __init__(self, problems: list[Problem], rejected: int) -> None:
        super().__init__("roll back")
        self.problems = problems
        self.rejected = rejected


def stale_seconds() -> int:
    return int(getattr(settings, "IMPORT_STALE_SECONDS", STALE_SECONDS))


# --- Creating a job ----------------------------------------------------------------------------------------------


def check_file(data: bytes) -> tuple[Table, int | None]:
    """The content check done before a job is stored: a readable CSV or XLSX whose header names known columns.

    A CSV is read to its end here (it is already decoded, and a stray quote must not swallow rows unnoticed), which
    also counts its rows; a workbook's rows are counted by the worker. Raises FileRejected for the file,
    HeaderRejected with line-1 problems for its header.
    """
    table = open_table(data)
    header = Header(table.header)
    if header.problems:
        raise HeaderRejected(header.problems)
    rows = table.count() if table.file_format == FileFormat.CSV else None
    return table, rows


def create_job(*, organisation: Organisation, user: User, file_name: str, data: bytes, mode: str) -> ImportJob:
    """Check the file and store it (encrypted) as a queued job; a worker is asked to run it once committed."""
    if mode not in Mode.values:
        raise ValueError(f"Unknown mode: {mode}")
    table, rows = check_file(data)
    if rows == 0:
        raise FileRejected("no_rows")
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            created_by=user,
            file_name=file_name[-200:],
            file_format=table.file_format,
            file_size=len(data),
            mode=mode,
            rows_total=rows,
        )
        ImportUpload.objects.create(
            job=job, content=base64.b64encode(data).decode("ascii"), sha256=hashlib.sha256(data).hexdigest()
        )
        audit_record(
            user,
            AuditAction.CREATE,
            job,
            organisation_id=organisation.pk,
            detail={"import": job.pk, "file": job.file_name, "bytes": len(data), "mode": mode},
        )
        transaction.on_commit(lambda: _kick_celery(job.pk), robust=True)
    return job


def _kick_celery(job_id: int) -> None:
    """Ask Celery to run the job now when it is deployed; otherwise (or if the broker is down) run_worker will."""
    if not getattr(settings, "IMPORTS_USE_CELERY", getattr(settings, "OUTBOX_USE_CELERY", False)):
        return
    try:
        # inside: redalert.imports.tasks imports this module (tasks → jobs → tasks)
        from redalert.imports.tasks import run_import

        run_import.delay(job_id)
    except Exception:  # the job is stored; a broker outage only delays it
        log.warning("Could not reach the Celery broker; the import will be run by a worker later.", exc_info=True)


def upload_bytes(job: ImportJob) -> bytes:
    return base64.b64decode(ImportUpload.objects.get(job=job).content)


# --- Claiming and running ----------------------------------------------------------------------------------------


def _due() -> Q:
    stale = timezone.now() - timedelta(seconds=stale_seconds())
    return Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)


def claim(job_id: int | None = None) -> tuple[ImportJob, str] | None:
    """Take a queued (or abandoned) job: only the worker whose UPDATE changed the row goes on."""
    candidates = ImportJob.objects.filter(_due())
    if job_id is not None:
        candidates = candidates.filter(pk=job_id)
    try:
        for pk in candidates.order_by("created_at", "id").values_list("pk", flat=True)[:5]:
            token = uuid.uuid4().hex
            now = timezone.now()
            taken = (
                ImportJob.objects.filter(pk=pk)
                .filter(_due())
                .update(
                    status=JobStatus.RUNNING,
                    claim_token=token,
                    heartbeat_at=now,
                    attempts=F("attempts") + 1,
                    started_at=Coalesce(F("started_at"), now),
                )
            )
            if taken:
                return ImportJob.objects.select_related("organisation", "created_by").get(pk=pk), token
    except OperationalError:  # SQLite busy with another worker's long transaction: try again next round
        log.info("Import jobs are busy; will try again.", exc_info=True)
    return None


def run_next() -> ImportJob | None:
    """Claim one due job and run it to the end; None when there was none."""
    claimed = claim()
    if claimed is None:
        return None
    job, token = claimed
    run_claimed(job, token)
    return job


def run_job(job_id: int) -> ImportJob | None:
    """Run one job if it is due (the Celery task); None when another worker has it or it is finished."""
    claimed = claim(job_id)
    if claimed is None:
        return None
    run_claimed(*claimed)
    return claimed[0]


def run_claimed(job: ImportJob, token: str) -> None:
    language = getattr(job.created_by, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            _Run(job, token).run()
        except LostClaim:
            log.info("Import job %s was taken over by another worker.", job.pk)
        except Exception:
            log.exception("Import job %s stopped on an unexpected error.", job.pk)
            with contextlib.suppress(LostClaim):
                _finish(job, token, JobStatus.FAILED, [Problem(0, "", "", "unexpected_error")])
    job.refresh_from_db()


def _finish(job: ImportJob, token: str, status: str, problems: Sequence[Problem] = (), **counts: int) -> None:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.claim_token != token:
            raise LostClaim
        _store_problems(job, problems)
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, phase="", finished_at=timezone.now(), heartbeat_at=timezone.now(), **counts
        )


def _store_problems(job: ImportJob, problems: Sequence[Problem]) -> None:
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(job=job, line=p.line, column=p.column[:80], value=p.value[:500], code=p.code, params=p.params)
            for p in problems
        ],
        batch_size=1000,
    )


def _batches(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    batch: list[tuple[int, list[Any]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Run:
    """One worker's run of a claimed job."""

    def __init__(self, job: ImportJob, token: str) -> None:
        self.job = job
        self.token = token
        self.seen: dict[str, int] = {}  # reference → the line it was first seen on

    def run(self) -> None:
        job = self.job
        try:
            table = open_table(upload_bytes(job))
        except FileRejected as rejected:
            _finish(job, self.token, JobStatus.FAILED, [Problem(1, "", "", rejected.code, rejected.params)])
            return
        header = Header(table.header)
        if header.problems:
            _finish(job, self.token, JobStatus.FAILED, header.problems)
            return
        if job.mode == Mode.ALL_OR_NOTHING and job.rows_done:
            self._reset()  # an interrupted all-or-nothing run starts again from the first row
        try:
            if job.rows_total is None:
                total = table.count()
                self._progress(rows_total=total)
                job.rows_total = total
        except FileRejected as rejected:
            _finish(job, self.token, JobStatus.FAILED, [Problem(1, "", "", rejected.code, rejected.params)])
            return
        if not job.rows_total:
            _finish(job, self.token, JobStatus.FAILED, [Problem(1, "", "", "no_rows")])
            return
        self.checker = RowChecker(job.organisation, header)
        self.header = header
        self.context = WriteContext(organisation=job.organisation, actor=job.created_by, job=job)
        try:
            if job.mode == Mode.VALID_ROWS:
                self._valid_rows(table)
            else:
                self._all_or_nothing(table)
        except FileRejected as rejected:  # a row further down that the reader cannot read
            _finish(job, self.token, JobStatus.FAILED, [Problem(1, "", "", rejected.code, rejected.params)])

    # --- progress ---

    def _progress(self, **fields: Any) -> None:
        """Commit progress, if the job is still ours."""
        taken = ImportJob.objects.filter(pk=self.job.pk, claim_token=self.token).update(
            heartbeat_at=timezone.now(), **fields
        )
        if not taken:
            raise LostClaim

    def _reset(self) -> None:
        with transaction.atomic():
            ImportProblem.objects.filter(job=self.job).delete()
            self._progress(rows_done=0, created_count=0, updated_count=0, unchanged_count=0, rejected_count=0)
        self.job.rows_done = 0

    def _lock(self) -> ImportJob:
        locked = ImportJob.objects.select_for_update().get(pk=self.job.pk)
        if locked.claim_token != self.token:
            raise LostClaim
        return locked

    # --- checking ---

    def _check(self, batch: list[tuple[int, list[Any]]]) -> tuple[list[ParsedRow], dict[str, ImportedCase]]:
        """Read and check a batch; add the problems that need the database or the rest of the file."""
        return self._check_against_database([self.checker.check(line, cells) for line, cells in batch])

    def _check_against_database(self, rows: list[ParsedRow]) -> tuple[list[ParsedRow], dict[str, ImportedCase]]:
        """The problems of rows already read that need the database or the rest of the file (a reference seen
        before in the file, the reference of a case opened in the system); the mappings of references imported
        before."""
        organisation = self.job.organisation
        references = [r.reference for r in rows if r.reference]
        imported = {
            i.source_reference: i
            for i in ImportedCase.objects.filter(organisation=organisation, source_reference__in=references)
        }
        opened_here = set(
            Case.objects.filter(organisation=organisation, reference__in=references, imported__isnull=True).values_list(
                "reference", flat=True
            )
        )
        for row in rows:
            reference = row.reference
            if not reference:
                continue
            if reference in self.seen:
                row.problem("case_reference", "duplicate_reference", line=self.seen[reference])
            else:
                self.seen[reference] = row.line
            if reference in opened_here and reference not in imported:
                row.problem("case_reference", "reference_in_system")
        return rows, imported

    def _skip(self, line: int, cells: list[Any]) -> None:
        """Remember the reference of a row saved by an earlier run of this job (for the duplicate check)."""
        index = self.header.reference_index
        if index is not None and index < len(cells):
            self.seen.setdefault(text(cells[index]), line)

    # --- saving ---

    def _save(self, rows: list[ParsedRow], imported: dict[str, ImportedCase]) -> tuple[Counter[str], list[Problem]]:
        """Save a batch's valid rows: the new cases all at once, the others one by one; count what happened."""
        counts: Counter[str] = Counter()
        problems: list[Problem] = []
        for row in rows:
            if not row.valid:
                problems.extend(row.problems)
                counts["rejected"] += 1
        new = [row for row in rows if row.valid and row.reference not in imported]
        if new:
            try:
                with transaction.atomic():
                    create_rows(self.context, new)
                counts["created"] += len(new)
            except (DatabaseError, ValueError, TypeError):
                if self.job.mode == Mode.ALL_OR_NOTHING:
                    raise
                log.warning("Import job %s: a batch failed; its new rows are saved one by one.", self.job.pk)
                for row in new:
                    self._save_one(row, None, counts, problems)
        for row in rows:
            if row.valid and row.reference in imported:
                self._save_one(row, imported[row.reference], counts, problems)
        return counts, problems

    def _save_one(
        self, row: ParsedRow, imported: ImportedCase | None, counts: Counter[str], problems: list[Problem]
    ) -> None:
        """Save one row in its own savepoint; a row the database refuses is rejected whole, with a reason."""
        try:
            counts[save_row(self.context, row, imported)] += 1
        except RowRejected as rejected:
            problems.extend(rejected.problems)
            counts["rejected"] += 1
        except (DatabaseError, ValueError, TypeError) as error:
            if self.job.mode == Mode.ALL_OR_NOTHING:
                raise
            log.exception("Import job %s: line %s could not be saved.", self.job.pk, row.line)
            problems.append(Problem(row.line, "", "", "not_saved", {"detail": type(error).__name__}))
            counts["rejected"] += 1

    def _valid_rows(self, table: Table) -> None:
        job = self.job
        self._progress(phase=JobPhase.IMPORTING)
        resume_after = job.rows_done

        def fresh() -> Iterator[tuple[int, list[Any]]]:
            for index, (line, cells) in enumerate(table.rows()):
                if index < resume_after:
                    self._skip(line, cells)
                    continue
                yield line, cells

        for batch in _batches(fresh(), BATCH_SIZE):
            checked, imported = self._check(batch)
            with transaction.atomic():
                self._lock()
                counts, problems = self._save(checked, imported)
                _store_problems(job, problems)
                self._progress(
                    rows_done=F("rows_done") + len(batch),
                    created_count=F("created_count") + counts["created"],
                    updated_count=F("updated_count") + counts["updated"],
                    unchanged_count=F("unchanged_count") + counts["unchanged"],
                    rejected_count=F("rejected_count") + counts["rejected"],
                )
        _finish(job, self.token, JobStatus.DONE)

    def _all_or_nothing(self, table: Table) -> None:
        job = self.job
        self._progress(phase=JobPhase.CHECKING)
        rejected = 0
        # The rows are read and checked once: those checked are kept for the saving (while none has a problem; a
        # rejected file only needs the problems), so that no cell is read twice.
        kept: list[ParsedRow] = []
        for batch in _batches(table.rows(), BATCH_SIZE):
            checked, _imported = self._check(batch)
            bad = [r for r in checked if not r.valid]
            rejected += len(bad)
            if rejected:
                kept = []
            else:
                kept.extend(checked)
            with transaction.atomic():
                _store_problems(job, [p for r in bad for p in r.problems])
                self._progress(rows_done=F("rows_done") + len(batch), rejected_count=rejected)
        if rejected:
            _finish(job, self.token, JobStatus.REJECTED)
            return
        self._progress(phase=JobPhase.SAVING)
        self.seen = {}
        try:
            with transaction.atomic():
                self._lock()  # held to the end: nobody can take the job over while its rows are being saved
                totals: Counter[str] = Counter()
                for start in range(0, len(kept), SAVE_BATCH_SIZE):
                    # The checks that need the database again, inside the saving transaction (a reference may have
                    # been imported or opened since the rows were checked); the cells are not read again.
                    checked, imported = self._check_against_database(kept[start : start + SAVE_BATCH_SIZE])
                    counts, problems = self._save(checked, imported)
                    if problems:
                        raise _RollBack(problems, counts["rejected"])
                    totals.update(counts)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=JobStatus.DONE,
                    phase="",
                    finished_at=timezone.now(),
                    heartbeat_at=timezone.now(),
                    created_count=totals["created"],
                    updated_count=totals["updated"],
                    unchanged_count=totals["unchanged"],
                    rejected_count=0,
                )
        except _RollBack as rollback:
            _finish(job, self.token, JobStatus.REJECTED, rollback.problems, rejected_count=rollback.rejected)


# --- Reports -----------------------------------------------------------------------------------------------------


def problems_by_line(job: ImportJob) -> dict[int, list[ImportProblem]]:
    by_line: dict[int, list[ImportProblem]] = {}
    for problem in ImportProblem.objects.filter(job=job).order_by("line", "id"):
        by_line.setdefault(problem.line, []).append(problem)
    return by_line


def describe(problem: ImportProblem | Problem) -> str:
    """ "column: reason" in the active language."""
    text = reason(problem.code, problem.params)
    return f"{problem.column}: {text}" if problem.column else text


def rejects_file(job: ImportJob) -> tuple[bytes, str, str] | None:
    """The rejected rows as they were uploaded, with a last column listing their problems (in the active
    language), in the format of the upload: (content, content type, file name); None when no row was rejected."""
    by_line = {line: problems for line, problems in problems_by_line(job).items() if line >= 2}
    if not by_line:
        return None
    table = open_table(upload_bytes(job))
    width = len(table.header)
    header = [*table.header, PROBLEMS_COLUMN]
    rejected = (
        [*cells, *([None] * (width - len(cells))), "; ".join(describe(p) for p in by_line[line])]
        for line, cells in table.rows()
        if line in by_line
    )
    stem = re.sub(r"[^\w.-]+", "-", job.file_name.rsplit(".", 1)[0], flags=re.ASCII).strip("-.")[:80] or "import"
    if table.file_format == FileFormat.XLSX:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for cells in rejected:
            sheet.append(cells)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return (
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}-rejected.xlsx",
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for cells in rejected:
        writer.writerow(["" if c is None else c for c in cells])
    return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}-rejected.csv"
