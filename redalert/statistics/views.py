"""Yearly report pages: choose a scope and year, the report with every table, its downloads, and the list of
cases behind a figure. Thin: definitions in redalert.statistics.indicators, permissions in .permissions, rendering in
.tables."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.statistics import permissions, tables
from redalert.statistics.indicators import TABLES, YearData, yearly_report
from redalert.statistics.scope import Scope

FIRST_YEAR = 1990
CASES_PER_PAGE = 100
DOWNLOADS = tables.FORMATS
COALITION = "coalition"
ORGANISATION = "organisation"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("No report for this year.")


def _scope_value(scope: Scope) -> str:
    """The scope's value in the report chooser: a user belongs to one organisation, so "organisation" is hers."""
    return COALITION if scope.is_coalition else ORGANISATION


def _scope_label(scope: Scope) -> str:
    """How audit entries and file names name the scope: the organisation's code, or "coalition"."""
    return COALITION if scope.is_coalition else scope.code


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
    user = _user(request)
    scopes = permissions.available_scopes(user)
    if not scopes:
        raise Http404("No report.")
    if "year" in request.GET or "scope" in request.GET:
        form = ChooseReportForm(request.GET, scopes=scopes)
        if form.is_valid():
            return redirect(report_url(form.scopes[form.cleaned_data["scope"]], form.cleaned_data["year"]))
    else:
        form = ChooseReportForm(initial={"year": last_complete_year()}, scopes=scopes)
    year = last_complete_year()
    quick = [(scope, report_url(scope, year)) for scope in scopes]
    return render(request, "statistics/index.html", {"form": form, "quick": quick, "year": year})


def _annotate_links(report: tables.Report, user: User, scope: Scope, year: int) -> None:
    """Link every count to the list of its cases, for viewers who may open the cases of that part of the file."""
    if not permissions.may_list_cases(user, scope):
        return
    for table in report.tables:
        for row in table.rows:
            if not permissions.may_list_section(user, table.section_for(row)):
                continue
            for column_key, cell in row.cells.items():
                if cell.cases is not None and cell.value:
                    cell.link = reverse("statistics:cases", args=[scope.code, year, table.key, row.key, column_key])


def report(request: HttpRequest, year: int, code: str | None = None) -> HttpResponse:
    user = _user(request)
    scope = permissions.scope_for(user, code)
    _check_year(year)
    built = yearly_report(scope, year)
    _annotate_links(built, user, scope, year)
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={"statistics": "yearly_report", "scope": _scope_label(scope), "year": year},
    )
    this_year = timezone.localdate().year
    context = {
        "report": built,
        "scope": scope,
        "year": year,
        "years": list(range(this_year, FIRST_YEAR - 1, -1)),
        "scope_value": _scope_value(scope),
        "previous_url": report_url(scope, year - 1) if year > FIRST_YEAR else "",
        "next_url": report_url(scope, year + 1) if year < this_year else "",
        "downloads": [(fmt.upper(), report_url(scope, year, fmt)) for fmt in DOWNLOADS],
        "links": permissions.may_list_cases(user, scope),
    }
    return render(request, "statistics/report.html", context)


def download(request: HttpRequest, year: int, fmt: str, code: str | None = None) -> HttpResponse:
    user = _user(request)
    scope = permissions.scope_for(user, code)
    _check_year(year)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    built = yearly_report(scope, year)
    response = tables.download(built, fmt, f"redalert-{_scope_label(scope).lower()}-{year}")
    audit_record(
        user,
        AuditAction.EXPORT,
        request=request,
        detail={"statistics": "yearly_report", "scope": _scope_label(scope), "year": year, "format": fmt},
    )
    return response


def case_list(request: HttpRequest, code: str, year: int, table: str, row: str, column: str) -> HttpResponse:
    """The cases behind one figure of the organisation's report, for staff who may see them (audited)."""
    user = _user(request)
    scope = permissions.scope_for(user, code)
    _check_year(year)
    if not permissions.may_list_cases(user, scope) or table not in TABLES:
        raise Http404("No such list.")
    with YearData(scope, year) as data:
        built = TABLES[table](data)
    found = built.row(row)
    cell = found.cells.get(column) if found else None
    if found is None or cell is None or cell.cases is None:
        raise Http404("No such list.")
    section = built.section_for(found)
    if not permissions.may_list_section(user, section):
        raise Http404("No such list.")
    listable = sorted(permissions.listable_case_ids(user, scope, cell.cases, section))
    page = Paginator(listable, CASES_PER_PAGE).get_page(request.GET.get("page"))
    cases = list(permissions.visible_case_rows(user, list(page.object_list)))
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={
            "list": "statistics",
            "year": year,
            "figure": f"{table}/{row}/{column}",
            "cases": [c.pk for c in cases],
        },
    )
    column_label = next((c.label for c in built.columns if c.key == column), column)
    context = {
        "table": built,
        "row": found,
        "column_label": column_label,
        "cell": cell,
        "page": page,
        "cases": cases,
        "hidden": len(cell.cases) - len(listable),
        "year": year,
        "report_url": report_url(scope, year),
    }
    return render(request, "statistics/cases.html", context)
