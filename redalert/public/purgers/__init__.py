"""Purgers: how a set of surrogate keys is made forgotten by one kind of shared cache.

One module per cache, each with a `Purger` that sends the documented request and raises PurgeFailed when the cache
did not confirm it (redalert.public.purging retries). settings.EDGE_PURGER names the one in use:

- "varnish" (varnish.py, the tested one): a PURGE request to each Varnish of EDGE_VARNISH_URLS with the keys in
  `X-Purge-Keys`; deploy/varnish/redalert.vcl bans every object whose Surrogate-Key holds one of them.
- "cloudflare" (cloudflare.py): POST {EDGE_CLOUDFLARE_API_URL}/zones/{zone}/purge_cache {"tags": […]}.
- "fastly" (fastly.py): POST {EDGE_FASTLY_API_URL}/service/{service}/purge {"surrogate_keys": […]}.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from django.conf import settings


class PurgeFailed(Exception):
    """The cache did not confirm the purge (unreachable, refused, or an error in its answer)."""


class Purger(Protocol):
    name: str
    max_keys: int  # keys per request, by the cache's documented limit

    def purge(self, keys: Sequence[str]) -> None: ...


def chunks(keys: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield list(keys[start : start + size])


def configured() -> Purger | None:
    """The purger settings.EDGE_PURGER names, or None (no shared cache in front)."""
    name = getattr(settings, "EDGE_PURGER", "")
    if not name:
        return None
    if name == "varnish":
        from redalert.public.purgers.varnish import VarnishPurger

        return VarnishPurger(list(settings.EDGE_VARNISH_URLS))
    if name == "cloudflare":
        from redalert.public.purgers.cloudflare import CloudflarePurger

        return CloudflarePurger(
            settings.EDGE_CLOUDFLARE_API_URL, settings.EDGE_CLOUDFLARE_ZONE_ID, settings.EDGE_CLOUDFLARE_API_TOKEN
        )
    if name == "fastly":
        from redalert.public.purgers.fastly import FastlyPurger

        return FastlyPurger(
            settings.EDGE_FASTLY_API_URL, settings.EDGE_FASTLY_SERVICE_ID, settings.EDGE_FASTLY_API_TOKEN
        )
    raise ValueError(f"EDGE_PURGER={name!r}: use varnish, cloudflare or fastly (or leave it empty).")


def timeout() -> float:
    return float(getattr(settings, "EDGE_PURGE_TIMEOUT_SECONDS", 3))
