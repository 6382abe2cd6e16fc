"""The investigation section of a case (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
