"""Tasks and deadlines (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse


def my_tasks(request: HttpRequest) -> HttpResponse:
    raise Http404
