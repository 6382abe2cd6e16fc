"""The hotline's statistics page and its CSV download (redalert.hotline.stats), audited like the yearly report."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.hotline import stats
from redalert.hotline.forms import StatisticsForm
from redalert.hotline.permissions import may_see_hotline_statistics, require
from redalert.statistics.tables import download


def statistics(request: HttpRequest) -> HttpResponse:
    """The organisation's hotline statistics for a year (default: this year); `?format=csv` downloads them;
    `publishable=on` hides small cells for publishing."""
    user: User = request.user  # type: ignore[assignment]
    require(may_see_hotline_statistics(user))
    organisation = user.organisation
    assert organisation is not None  # may_see_hotline_statistics holds only for members of an organisation
    this_year = timezone.localdate().year
    form = StatisticsForm(request.GET or None, initial={"year": this_year})
    year, publishable = this_year, False
    status = 200
    if form.is_bound:
        if form.is_valid():
            year, publishable = form.cleaned_data["year"], form.cleaned_data["publishable"]
        else:
            status = 400
    title = _("Hotline statistics of %(organisation)s, %(year)s") % {"organisation": organisation.name, "year": year}
    report = stats.build(organisation.pk, year, title=title)
    if publishable:
        report = stats.suppressed(report)
    fmt = request.GET.get("format", "")
    detail = {"what": "hotline statistics", "year": year, "publishable": publishable}
    if fmt == "csv" and status == 200:
        audit_record(user, AuditAction.EXPORT, request=request, detail={**detail, "format": "csv"})
        suffix = "-publishable" if publishable else ""
        return download(report, "csv", f"hotline-{organisation.code}-{year}{suffix}")
    audit_record(user, AuditAction.VIEW, request=request, detail=detail)
    query = request.GET.copy()
    query["format"] = "csv"
    query.setdefault("year", str(year))
    return render(
        request,
        "hotline/statistics.html",
        {"form": form, "report": report, "year": year, "csv_query": query.urlencode()},
        status=status,
    )
