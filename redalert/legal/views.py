"""To be written."""

from django.http import Http404, HttpRequest, HttpResponse


def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
