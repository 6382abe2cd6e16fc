"""Import pages: upload, the job's progress and report, the rejected rows and the sample file.

Thin: who may import is redalert.imports.permissions; the checks and the writing are in rows, writing and jobs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.imports import permissions
from redalert.imports.columns import COLUMNS
from redalert.imports.forms import UploadForm
from redalert.imports.jobs import create_job, rejects_file
from redalert.imports.models import ImportedCase, ImportProblem, Phase
from redalert.imports.problems import reason
from redalert.imports.values import parse_datetime_parts

SAMPLE = Path(__file__).resolve().parent / "samples" / "import-sample.csv"
PROBLEMS_PER_PAGE = 200
CASES_LISTED = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _importer(request: HttpRequest) -> User:
    user = _user(request)
    if not permissions.may_import(user) or user.organisation is None:
        raise Http404("No such page.")
    return user


def index(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = create_job(
            organisation=user.organisation,  # type: ignore[arg-type]
            user=user,
            file_name=upload.name or "import",
            data=form.data_bytes,
            mode=form.cleaned_data["mode"],
        )
        messages.success(request, _("The file was received. The import runs in the background; this page follows it."))
        return redirect("imports:job", pk=job.pk)
    jobs = permissions.jobs_for(user).select_related("created_by")[:50]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "imports/index.html",
        {"form": form, "jobs": jobs, "columns": COLUMNS},
        status=status,
    )


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; once it has finished, its report (problems with their values, the cases it wrote)."""
    user = _importer(request)
    job = permissions.job_for(user, pk)
    context: dict[str, Any] = {"job": job, "rows": [], "cases": [], "page": None, "may_download_rejects": False}
    if job.finished:
        problems = ImportProblem.objects.filter(job=job).order_by("line", "id")
        page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            rows=[(p, reason(p.code, p.params)) for p in page],
            cases=ImportedCase.objects.filter(last_job=job).select_related("case").order_by("line")[:CASES_LISTED],
            cases_total=ImportedCase.objects.filter(last_job=job).count(),
            may_download_rejects=job.rejected_count > 0 and page.paginator.count > 0,
        )
        audit_record(
            user,
            AuditAction.VIEW,
            job,
            request=request,
            organisation_id=job.organisation_id,
            detail={"import": job.pk, "problems_page": page.number},
        )
    return render(request, "imports/job.html", context)


def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress bar shows; polled by imports/progress.js."""
    job = permissions.job_for(_importer(request), pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "phase": str(job.get_phase_display()) if job.phase else "",
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "saving": job.phase == Phase.SAVING,  # all rows checked, all being saved at once: no count to show
            "finished": job.finished,
        }
    )


def job_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows with their problems, in the format of the upload."""
    user = _importer(request)
    job = permissions.job_for(user, pk)
    built = rejects_file(job) if job.finished else None
    if built is None:
        raise Http404("No rejected rows.")
    content, content_type, name = built
    audit_record(
        user,
        AuditAction.DOWNLOAD,
        job,
        request=request,
        organisation_id=job.organisation_id,
        detail={"import": job.pk, "what": "rejected rows"},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def job_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem as a CSV: line, column, value, reason (in the reader's language)."""
    user = _importer(request)
    job = permissions.job_for(user, pk)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("line"), _("column"), _("value"), _("reason")])
    for problem in ImportProblem.objects.filter(job=job).order_by("line", "id").iterator():
        writer.writerow([problem.line, problem.column, problem.value, reason(problem.code, problem.params)])
    audit_record(
        user,
        AuditAction.DOWNLOAD,
        job,
        request=request,
        organisation_id=job.organisation_id,
        detail={"import": job.pk, "what": "report"},
    )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


@require_POST
def job_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a finished job's file and report; the cases it imported stay."""
    user = _importer(request)
    job = permissions.job_for(user, pk)
    if not job.finished:
        messages.error(request, _("An import cannot be deleted while it runs."))
        return redirect("imports:job", pk=job.pk)
    audit_record(
        user,
        AuditAction.DELETE,
        job,
        request=request,
        organisation_id=job.organisation_id,
        detail={"import": job.pk, "file": job.file_name},
    )
    job.delete()
    messages.success(request, _("The file and the report of the import were deleted; the imported cases stay."))
    return redirect("imports:index")


def sample(request: HttpRequest, file_format: str) -> HttpResponse:
    """The sample file of docs/import.md, as CSV or as an Excel workbook."""
    _importer(request)
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such sample.")
    data = SAMPLE.read_bytes()
    if file_format == "csv":
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(sample_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-sample.{file_format}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sample_xlsx(csv_bytes: bytes) -> bytes:
    """The CSV sample as a workbook, dates as real dates."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cases")
    reader = csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    header = next(reader)
    sheet.append(header)
    date_columns = {i for i, name in enumerate(header) if name.endswith("_on") or name == "birth_date"}
    for cells in reader:
        row: list[Any] = []
        for index, cell in enumerate(cells):
            if index in date_columns and cell:
                row.append(parse_datetime_parts(cell)[0])
            else:
                row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
