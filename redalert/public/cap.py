"""CAP 1.2 message of a public case: /se-busca/<public_id>/cap.xml (built by redalert.public.cap_xml)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from redalert.accounts.middleware import public
from redalert.cases.models import Case
from redalert.public import edge
from redalert.public.cap_xml import CAP_MIME_TYPE, DEFAULT_LANGUAGES, build_cap
from redalert.public.exposure import PublicCase, exposure, public_case_or_404


def localized_exposures(case: Case, languages: Sequence[str] = DEFAULT_LANGUAGES) -> dict[str, PublicCase]:
    """exposure(case) in each language: the place label and the organisation's contact line differ by language."""
    result = {}
    for language in languages:
        with translation.override(language):
            result[language] = exposure(case)
    return result


@public
def cap_message(request: HttpRequest, public_id: str) -> HttpResponse:
    case, public_case = public_case_or_404(public_id)
    if not public_case.is_missing:
        raise Http404("No such page.")
    message = build_cap(
        public_case,
        site_url=request.build_absolute_uri("/"),
        localized=localized_exposures(case),
    )
    response = HttpResponse(message, content_type=f"{CAP_MIME_TYPE}; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    edge.shareable(request, response, edge.case_keys(public_case.public_id), otherwise="no-cache")
    return response
