"""The Prometheus endpoint, `/metrics`: never public (docs/operations.md, "Metrics").

A scrape is answered only when the client's address is in METRICS_ALLOWED_NETWORKS and, if METRICS_TOKEN is set,
it sends `Authorization: Bearer <METRICS_TOKEN>`. Both are empty by default, so a fresh installation answers no one.
Anyone else gets the site's plain 404, as for a page that does not exist. The client's address is REMOTE_ADDR: behind
the documented proxy it is the real client's (the PROXY protocol, deploy/Caddyfile), never a header a client sets.

With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR makes prometheus_client keep each process's counters and
histograms in files there, and the scrape adds them up (redalert.metrics.gunicorn cleans up after dead workers).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from redalert.accounts.middleware import public
from redalert.metrics.collector import StateCollector


def address_allowed(address: str) -> bool:
    """Whether this client address is in METRICS_ALLOWED_NETWORKS (addresses or networks, IPv4 or IPv6)."""
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.METRICS_ALLOWED_NETWORKS:
        network = ipaddress.ip_network(entry, strict=False)
        if client.version == network.version and client in network:
            return True
    return False


def token_accepted(request: HttpRequest) -> bool:
    """True when no METRICS_TOKEN is set, or the request carries it as a bearer token (compared in constant time)."""
    expected = settings.METRICS_TOKEN
    if not expected:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def may_scrape(request: HttpRequest) -> bool:
    """A scrape is allowed from an allowed address with the token (when one is set); nobody by default."""
    return address_allowed(request.META.get("REMOTE_ADDR", "")) and token_accepted(request)


def registry() -> CollectorRegistry:
    """This process's metrics, or every gunicorn worker's (PROMETHEUS_MULTIPROC_DIR), with the queues' state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        scrape = CollectorRegistry()
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape = CollectorRegistry()
        scrape.register(_Everything())
    scrape.register(StateCollector())
    return scrape


class _Everything(Collector):
    """The process-wide registry (django-prometheus's request metrics, the replica's reads) as one collector."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


@public
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        raise Http404("No such page.")
    response = HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
