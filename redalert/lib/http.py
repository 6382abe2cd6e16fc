"""Request helpers."""

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the web server saw it.

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips); we do not trust
    X-Forwarded-For from the client.
    """
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
