"""Public pages (to be written): lists, case page, photo variants, share image, about."""

from django.http import Http404, HttpRequest, HttpResponse

from redalert.accounts.middleware import public


@public
def missing_list(request: HttpRequest) -> HttpResponse:
    raise Http404


located_list = about = missing_list


@public
def case_page(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404


share_image = case_page


@public
def photo(request: HttpRequest, public_id: str, size: int) -> HttpResponse:
    raise Http404
