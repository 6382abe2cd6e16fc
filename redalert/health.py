"""A liveness probe for load balancers and monitoring (also the trivial baseline view of the benchmarks)."""

from django.http import HttpRequest, HttpResponse

from redalert.accounts.middleware import public


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
