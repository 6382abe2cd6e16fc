"""The search endpoint the place picker asks as the user types."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from redalert.places.models import PlaceKind
from redalert.places.search import search_places

MIN_QUERY = 2
MAX_QUERY = 100
MAX_RESULTS = 10


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """GET ?q=quere&country=MX[&kind=locality...] → {"results": [{"id", "label", "kind", "code"}]}, best first.

    Queries shorter than two characters get no results. Login is required (project middleware).
    """
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    country = request.GET.get("country", "").strip().upper()
    kinds = [kind for kind in request.GET.getlist("kind") if kind in PlaceKind.values] or None
    places = []
    if len(query) >= MIN_QUERY:
        places = search_places(
            query,
            limit=MAX_RESULTS,
            country=country if len(country) == 2 and country.isalpha() else None,
            kinds=kinds,
        )
    return JsonResponse({"results": [{"id": p.pk, "label": p.label, "kind": p.kind, "code": p.code} for p in places]})
