"""Statistics downloads through the API: the report page's permission (an analyst's), files and export audit."""

from __future__ import annotations

from typing import Any

from redalert.api.scopes import Scope
from redalert.audit.models import AuditEntry

from .conftest import ApiCaller


def test_yearly_report_download(admin_a: Any, make_api_client: Any, reader_a: ApiCaller, case: Any) -> None:
    stats = ApiCaller(make_api_client(admin_a, [Scope.STATISTICS], name="stats").token)
    csv = stats.get("/statistics/yearly/2026")
    assert csv.status_code == 200, csv.content[:300]
    assert csv["Content-Type"].startswith("text/csv")
    assert AuditEntry.objects.filter(action="export", detail__statistics="yearly_report", detail__year=2026).exists()
    as_json = stats.get("/statistics/yearly/2026", {"format": "json"})
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    assert stats.get("/statistics/yearly/2099").status_code == 404  # a year not yet reached
    coalition = stats.get("/statistics/yearly/2026", {"scope": "coalition"})  # A is a coalition member
    assert coalition.status_code == 200
    assert AuditEntry.objects.filter(action="export", detail__scope="coalition").exists()
    admin_a.organisation.coalition_member = False
    admin_a.organisation.save()
    assert stats.get("/statistics/yearly/2026", {"scope": "coalition"}).status_code == 404
    assert reader_a.get("/statistics/yearly/2026").status_code == 403
    assert stats.get("/cases").status_code == 403
