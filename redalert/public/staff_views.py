"""Staff pages of the public site (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def public_texts(request: HttpRequest) -> HttpResponse:
    raise Http404
