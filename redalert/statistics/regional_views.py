"""Regional indicators pages: the tables of a year for the whole coalition, and their downloads.

Thin: definitions in redalert.statistics.regional, permissions in redalert.statistics.permissions (analysts of a
coalition-member organisation; anyone else gets a 404), rendering in redalert.statistics.tables.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.statistics import permissions, tables
from redalert.statistics.regional import regional_report

FIRST_YEAR = 1990
DOWNLOADS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _allowed(request: HttpRequest) -> None:
    if not permissions.may_see_coalition_report(request.user):
        raise Http404("No such report.")


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("No report for this year.")


def index(request: HttpRequest) -> HttpResponse:
    """The last complete year, or the year chosen in the form (?year=)."""
    _allowed(request)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    year = min(max(year, FIRST_YEAR), timezone.localdate().year)
    return redirect("regional:report", year=year)


def report(request: HttpRequest, year: int) -> HttpResponse:
    _allowed(request)
    _check_year(year)
    built = regional_report(year)
    audit_record(request.user, AuditAction.VIEW, request=request, detail={"statistics": "regional", "year": year})
    this_year = timezone.localdate().year
    context = {
        "report": built,
        "year": year,
        "years": list(range(this_year, FIRST_YEAR - 1, -1))[:30],
        "previous_url": reverse("regional:report", args=[year - 1]) if year > FIRST_YEAR else "",
        "next_url": reverse("regional:report", args=[year + 1]) if year < this_year else "",
        "downloads": [(fmt.upper(), reverse("regional:download", args=[year, fmt])) for fmt in DOWNLOADS],
    }
    return render(request, "statistics/regional.html", context)


def download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    _allowed(request)
    _check_year(year)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    built = regional_report(year)
    body: bytes
    if fmt == "pdf":
        body = tables.to_pdf(built)
    elif fmt == "xlsx":
        body = tables.to_xlsx(built)
    elif fmt == "csv":
        body = tables.to_csv(built).encode("utf-8")
    else:
        body = json.dumps(tables.to_json(built), ensure_ascii=False, indent=1).encode("utf-8")
    audit_record(
        request.user,
        AuditAction.EXPORT,
        request=request,
        detail={"statistics": "regional", "year": year, "format": fmt},
    )
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="redalert-regional-{year}.{fmt}"'
    return response
