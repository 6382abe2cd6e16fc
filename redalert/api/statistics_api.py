"""Statistics downloads: the yearly report of the client's organisation (or of the coalition, for a coalition
member), through redalert.statistics.services.export_report — the same permission check (an analyst's), the same
files and the same audit entry (an export) as the report page's downloads."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from redalert.api.core import require_scope
from redalert.api.schemas import ERRORS
from redalert.api.scopes import Scope
from redalert.statistics import services
from redalert.statistics.tables import FORMATS

router = Router(tags=["statistics"])


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"
    JSON = "json"


class ReportScope(StrEnum):
    ORGANISATION = "organisation"
    COALITION = "coalition"


class ReportQuery(Schema):
    format: Format = Format.CSV
    scope: ReportScope = Field(ReportScope.ORGANISATION, description="coalition: for analysts of a coalition member")


def _media(content_type: str) -> dict[str, Any]:
    schema = {"type": "object"} if content_type == "application/json" else {"type": "string", "format": "binary"}
    return {"schema": schema}


@router.get(
    "/statistics/yearly/{year}",
    response=ERRORS,
    summary="Download a yearly report",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The report as a file (CSV, XLSX, PDF or JSON).",
                "content": {ct.split(";")[0]: _media(ct.split(";")[0]) for ct in FORMATS.values()},
            }
        }
    },
)
def yearly_report(
    request: HttpRequest, year: Annotated[int, Field(ge=1990, le=2100)], query: Query[ReportQuery]
) -> Any:
    """The organisation's (or the coalition's) yearly report, as on the statistics page; a year not yet reached is
    404. The coalition report counts only cases whose families consented to their use in statistics."""
    user = require_scope(request, Scope.STATISTICS)
    code = user.organisation.code if query.scope == ReportScope.ORGANISATION and user.organisation else None
    return services.export_report(user, code, year, str(query.format), request=request)
