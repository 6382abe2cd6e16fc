"""The printable search bulletin of a case in active search: /se-busca/<public_id>/ficha.pdf?lang=es|en."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from redalert.accounts.middleware import public
from redalert.public import edge
from redalert.public.exposure import exposure, public_case_or_404
from redalert.public.pdf import build_bulletin

BULLETIN_LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"


def bulletin_language(value: str | None) -> str:
    """The ?lang= of a bulletin: "es" or "en"; anything else gives Spanish."""
    return value if value in BULLETIN_LANGUAGES else DEFAULT_LANGUAGE


@public
def bulletin_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    case, public_case = public_case_or_404(public_id)
    if not public_case.is_missing:
        raise Http404("No such page.")  # a located person gets no bulletin
    language = bulletin_language(request.GET.get("lang"))
    with translation.override(language):
        public_case = exposure(case)  # place label and contact line in the bulletin's language
    url = request.build_absolute_uri(reverse("public:case", args=[public_case.public_id]))
    pdf = build_bulletin(public_case, url=url, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ficha-{public_case.public_id}-{language}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    # Withdrawal of consent must take the bulletin down at once: never served from a cache without asking, except
    # a shared cache that is purged (redalert.public.edge).
    edge.shareable(request, response, edge.case_keys(public_case.public_id), otherwise="no-cache")
    return response
