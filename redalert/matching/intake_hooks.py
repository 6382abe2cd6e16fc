"""The matching app's part of the intake form and the case file, registered in redalert.lib.intake (the cases app
stands lower and may not import this app)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy

from redalert.lib.intake import register_case_panel, register_duplicate_check
from redalert.matching import services
from redalert.matching.models import AdditionalReport


class MatchingDuplicateCheck:
    template = "matching/_intake_candidates.html"

    @property
    def live_url(self) -> str:
        return str(reverse_lazy("matching:intake_check"))

    def candidates(self, request: Any, values: dict[str, Any]) -> list[Any]:
        return services.shown_candidates(request.user, services.facts_from_intake(values), request=request)

    def record_new_case(self, case: Any, request: Any, reason: str, candidates: list[Any]) -> None:
        ids = [c.case_id for c in candidates]
        services.record_new_case(case, reason, ids, actor=request.user, request=request)


def additional_reports_panel(user: Any, case: Any) -> dict[str, Any] | None:
    """The further reports on the case file (the case file's general part: whoever sees the file sees them)."""
    reports = list(AdditionalReport.objects.filter(case=case))
    return {"additional_reports": reports} if reports else None


def register() -> None:
    register_duplicate_check(MatchingDuplicateCheck())
    register_case_panel("matching/_additional_reports.html", additional_reports_panel)
