"""CAP 1.2 messages of public cases (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse

from redalert.accounts.middleware import public


@public
def cap_message(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404
