"""Calls per minute per client: a fixed one-minute window counted in Django's cache.

In production the cache is Redis (CACHE_REDIS_URL), shared by every process, and `incr` is atomic there; the
embedded default (local memory) counts per process. API_RATE_LIMIT_CACHE names the cache alias.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches


def take(key_id: str, per_minute: int, now: float | None = None) -> tuple[bool, int]:
    """Count one call; (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    window = int(now // 60)
    cache = caches[getattr(settings, "API_RATE_LIMIT_CACHE", "default")]
    key = f"api-rate:{key_id}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    retry_after = 60 - int(now % 60)
    return count <= per_minute, retry_after
