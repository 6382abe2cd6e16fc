"""The printable search bulletin (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse

from redalert.accounts.middleware import public


@public
def bulletin_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404
