"""Celery tasks of the import: the same claim-and-run functions `manage.py run_worker` calls."""

from __future__ import annotations

from redalert.celery import app
from redalert.imports.jobs import run_job, run_next

RUN_IMPORT = "redalert.imports.tasks.run_import"
RUN_DUE_IMPORTS = "redalert.imports.tasks.run_due_imports"


@app.task(name=RUN_IMPORT, ignore_result=True)
def run_import(job_id: int) -> bool:
    """Run one import job now (queued on upload); False if another worker has it or it has finished."""
    return run_job(job_id) is not None


@app.task(name=RUN_DUE_IMPORTS, ignore_result=True)
def run_due_imports() -> int:
    """Beat: run jobs queued while no task ran, and take over those whose worker died."""
    done = 0
    while run_next() is not None:
        done += 1
    return done
