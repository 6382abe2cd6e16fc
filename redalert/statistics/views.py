"""Yearly report pages: choose a scope and year, the report with every table, its downloads, and the list of
cases behind a figure. Thin: permission checks, building and audit in redalert.statistics.services (definitions in
.figures, permissions in .permissions), rendering in .tables and the templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redalert.accounts.models import User
from redalert.statistics import services, tables
from redalert.statistics.scope import Scope
from redalert.statistics.services import COALITION, FIRST_YEAR

DOWNLOADS = tables.FORMATS
ORGANISATION = "organisation"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def _scope_value(scope: Scope) -> str:
    """The scope's value in the report chooser: a user belongs to one organisation, so "organisation" is hers."""
    return COALITION if scope.is_coalition else ORGANISATION


def report_url(scope: Scope, year: int, fmt: str = "") -> str:
    if scope.is_coalition:
        if fmt:
            return reverse("statistics:coalition_download", args=[year, fmt])
        return reverse("statistics:coalition_report", args=[year])
    if fmt:
        return reverse("statistics:download", args=[scope.code, year, fmt])
    return reverse("statistics:report", args=[scope.code, year])


class ChooseReportForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Report for"))
    year = forms.IntegerField(label=gettext_lazy("Year"))

    def __init__(self, *args: Any, scopes: list[Scope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {_scope_value(s): s for s in scopes}
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, scope.name) for key, scope in self.scopes.items()]
        year = self.fields["year"]
        assert isinstance(year, forms.IntegerField)
        year.min_value = FIRST_YEAR
        year.max_value = timezone.localdate().year
        year.validators = []
        year.widget.attrs.update({"min": FIRST_YEAR, "max": year.max_value})

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": timezone.localdate().year}
            )
        return year


def index(request: HttpRequest) -> HttpResponse:
    """Choose the organisation or the coalition, and the year (by default the last complete year)."""
    scopes = services.report_scopes(_user(request))
    if "year" in request.GET or "scope" in request.GET:
        form = ChooseReportForm(request.GET, scopes=scopes)
        if form.is_valid():
            return redirect(report_url(form.scopes[form.cleaned_data["scope"]], form.cleaned_data["year"]))
    else:
        form = ChooseReportForm(initial={"year": last_complete_year()}, scopes=scopes)
    year = last_complete_year()
    quick = [(scope, report_url(scope, year)) for scope in scopes]
    return render(request, "statistics/index.html", {"form": form, "quick": quick, "year": year})


def report(request: HttpRequest, year: int, code: str | None = None) -> HttpResponse:
    viewed = services.view_report(_user(request), code, year, request=request)
    scope = viewed.scope
    this_year = timezone.localdate().year
    context = {
        "report": viewed.report,
        "scope": scope,
        "year": year,
        "years": list(range(this_year, FIRST_YEAR - 1, -1)),
        "scope_value": _scope_value(scope),
        "previous_url": report_url(scope, year - 1) if year > FIRST_YEAR else "",
        "next_url": report_url(scope, year + 1) if year < this_year else "",
        "downloads": [(fmt.upper(), report_url(scope, year, fmt)) for fmt in DOWNLOADS],
        "links": viewed.links,
    }
    return render(request, "statistics/report.html", context)


def download(request: HttpRequest, year: int, fmt: str, code: str | None = None) -> HttpResponse:
    return services.export_report(_user(request), code, year, fmt, request=request)


def case_list(request: HttpRequest, code: str, year: int, table: str, row: str, column: str) -> HttpResponse:
    """The cases behind one figure of the organisation's report, for staff who may see them (audited)."""
    found = services.figure_cases(
        _user(request), code, year, services.Figure(table, row, column), request.GET.get("page"), request=request
    )
    context = {
        "table": found.table,
        "row": found.row,
        "column_label": found.column_label,
        "cell": found.cell,
        "page": found.page,
        "cases": found.cases,
        "hidden": found.hidden,
        "year": year,
        "report_url": report_url(found.scope, year),
    }
    return render(request, "statistics/cases.html", context)
