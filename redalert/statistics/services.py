"""What the yearly report pages do for a user, in one place each: check who may see which report and which list
of cases behind a figure (redalert.statistics.permissions, built on redalert.access.policy), build the report or
the list, and write the audit entry. Anything not allowed, a year outside FIRST_YEAR…this year, a format or a figure
that does not exist: the same Http404 as a report that does not exist. The views only render what these return.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.lib.replica import reading_from_replica
from redalert.statistics import permissions, tables
from redalert.statistics.loading import YearData
from redalert.statistics.report import TABLES, yearly_report
from redalert.statistics.scope import Scope

FIRST_YEAR = 1990
CASES_PER_PAGE = 100
COALITION = "coalition"


def check_year(year: int) -> None:
    """A report exists for the years FIRST_YEAR…this year."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("No report for this year.")


def scope_label(scope: Scope) -> str:
    """How audit entries and file names name the scope: the organisation's code, or "coalition"."""
    return COALITION if scope.is_coalition else scope.code


def report_scopes(user: User) -> list[Scope]:
    """The reports this user may choose from (her organisation's, the coalition's), else 404."""
    scopes = permissions.available_scopes(user)
    if not scopes:
        raise Http404("No report.")
    return scopes


def _allowed_scope(user: User, code: str | None, year: int) -> Scope:
    """The scope asked for (an organisation's code, or None for the coalition) if this user may see its report of
    this year, else 404."""
    scope = permissions.scope_for(user, code)
    check_year(year)
    return scope


@dataclass(frozen=True)
class ViewedReport:
    scope: Scope
    report: tables.Report
    links: bool  # whether counts link to the lists of their cases (for this viewer)


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


def view_report(user: User, code: str | None, year: int, *, request: HttpRequest | None = None) -> ViewedReport:
    """The yearly report for the page, with links to cases where this user may open them; audited as a view."""
    scope = _allowed_scope(user, code, year)
    built = yearly_report(scope, year)
    _annotate_links(built, user, scope, year)
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={"statistics": "yearly_report", "scope": scope_label(scope), "year": year},
    )
    return ViewedReport(scope, built, links=permissions.may_list_cases(user, scope))


def export_report(
    user: User, code: str | None, year: int, fmt: str, *, request: HttpRequest | None = None
) -> HttpResponse:
    """The yearly report as a download in `fmt` (one of tables.FORMATS); audited as an export, once rendered."""
    scope = _allowed_scope(user, code, year)
    if fmt not in tables.FORMATS:
        raise Http404("No such format.")
    built = yearly_report(scope, year)
    response = tables.download(built, fmt, f"redalert-{scope_label(scope).lower()}-{year}")
    audit_record(
        user,
        AuditAction.EXPORT,
        request=request,
        detail={"statistics": "yearly_report", "scope": scope_label(scope), "year": year, "format": fmt},
    )
    return response


@dataclass(frozen=True)
class Figure:
    """One count of a report: its table, row and column keys."""

    table: str
    row: str
    column: str


@dataclass(frozen=True)
class FigureCases:
    """One page of the cases behind a figure that the user may see, and how many more are behind it."""

    scope: Scope
    table: tables.Table
    row: tables.Row
    cell: tables.Cell
    column_label: str
    page: Page[int]
    cases: list[Case]
    hidden: int


def figure_cases(
    user: User, code: str, year: int, figure: Figure, page_number: str | None, *, request: HttpRequest | None = None
) -> FigureCases:
    """The cases behind one figure of the organisation's report, for staff who may see them, a page at a time; the
    list is recomputed from the figure's own table builder, so it matches the count. Audited with the ids shown."""
    scope = _allowed_scope(user, code, year)
    if not permissions.may_list_cases(user, scope) or figure.table not in TABLES:
        raise Http404("No such list.")
    with reading_from_replica(), YearData(scope, year) as data:
        built = TABLES[figure.table](data)
    found = built.row(figure.row)
    cell = found.cells.get(figure.column) if found else None
    if found is None or cell is None or cell.cases is None:
        raise Http404("No such list.")
    section = built.section_for(found)
    if not permissions.may_list_section(user, section):
        raise Http404("No such list.")
    listable = sorted(permissions.listable_case_ids(user, scope, frozenset(cell.cases), section))
    page = Paginator(listable, CASES_PER_PAGE).get_page(page_number)
    cases = list(permissions.visible_case_rows(user, list(page.object_list)))
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={
            "list": "statistics",
            "year": year,
            "figure": f"{figure.table}/{figure.row}/{figure.column}",
            "cases": [c.pk for c in cases],
        },
    )
    column_label = next((c.label for c in built.columns if c.key == figure.column), figure.column)
    return FigureCases(
        scope=scope,
        table=built,
        row=found,
        cell=cell,
        column_label=column_label,
        page=page,
        cases=cases,
        hidden=len(cell.cases) - len(listable),
    )
