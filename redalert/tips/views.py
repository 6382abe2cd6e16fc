"""Tips from the public (to be written)."""

from django.http import Http404, HttpRequest, HttpResponse

from redalert.accounts.middleware import public


@public
def send_tip(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404


thanks = send_tip


def queue(request: HttpRequest) -> HttpResponse:
    raise Http404


def case_tips(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
