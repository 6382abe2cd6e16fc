"""Cached parts of the anonymous public pages, safe across processes.

What depends on many cases (a list page, its count) is keyed by the public version (PublicVersion, read from the
database on each request); what depends on one case (its card, its page) by that case's version in the public
listing, read in the same query that checks the case is public. Every change of what the public sees renews both
in its own transaction (redalert.public.listing.sync_listing), so once it commits no process can find a copy drawn
before it, whatever its own cache still holds. The views also read the cases of a cached list again through
public_cases() before serving it, so even a change that missed its hook never shows a case that is no longer
public.

What is cached is the page's content, never the frame around it (the language form carries a per-visitor CSRF
token). Each process keeps copies in its own memory, and also in a store shared by the web processes when there is
one (see shared_cache()); either is safe because of the versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from django.utils.translation import get_language

from redalert.public.models import PublicVersion

FORMAT = 1  # part of every key: change it when what is cached changes shape (a shared store outlives a deploy)
DEFAULT_SECONDS = 300  # bounds how long an edit that bypassed every hook (e.g. of the gazetteer) can show
# About 30 MB at most: list contents are ~20 kB, case pages ~7 kB, cards under 1 kB.
_process_cache = LocMemCache(
    "redalert-public-pages", {"TIMEOUT": DEFAULT_SECONDS, "OPTIONS": {"MAX_ENTRIES": 10_000, "CULL_FREQUENCY": 4}}
)


PROCESS_LOCAL_BACKENDS = ("django.core.cache.backends.locmem.", "django.core.cache.backends.dummy.")


def shared_cache() -> BaseCache | None:
    """A store the web processes share, so that they draw each page once between them instead of once each:
    settings.CACHES["public"] if configured, else the default cache when it is shared (Redis, Memcached...), else
    none."""
    if "public" in settings.CACHES:
        return caches["public"]
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend and not backend.startswith(PROCESS_LOCAL_BACKENDS):
        return caches["default"]
    return None


def cache_seconds() -> int:
    """settings.PUBLIC_CACHE_SECONDS (0 turns the page cache off, e.g. to measure the uncached path)."""
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", DEFAULT_SECONDS))


@dataclass(frozen=True)
class PageKeys:
    """Cache keys for one request. Every key holds the language and the day (a located person's photo goes after
    some days); key() also holds the public version, for what depends on many cases (lists, counts), while
    case_key() is for what depends on one case, whose caller adds the case's own listing version."""

    language: str
    day: str
    version: str

    @classmethod
    def now(cls, *, with_version: bool = False) -> PageKeys:
        return cls(
            language=get_language() or settings.LANGUAGE_CODE,
            day=timezone.localdate().isoformat(),
            version=PublicVersion.current() if with_version else "",
        )

    def key(self, *parts: object) -> str:
        if not self.version:
            raise ValueError("This key needs the public version: PageKeys.now(with_version=True).")
        return self._hash(self.version, *parts)

    def case_key(self, *parts: object) -> str:
        return self._hash("case", *parts)

    def _hash(self, *parts: object) -> str:
        raw = "\x1f".join(str(p) for p in (FORMAT, self.language, self.day, *parts))
        return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(key: str) -> object | None:
    """This process's copy, else the shared one (kept here too for next time)."""
    seconds = cache_seconds()
    if seconds <= 0:
        return None
    value = _process_cache.get(key)
    shared = shared_cache()
    if value is None and shared is not None:
        value = shared.get(key)
        if value is not None:
            _process_cache.set(key, value, seconds)
    return value


def cached_many(keys: list[str]) -> dict[str, object]:
    seconds = cache_seconds()
    if seconds <= 0 or not keys:
        return {}
    found = _process_cache.get_many(keys)
    shared = shared_cache()
    if shared is not None and len(found) < len(keys):
        more = shared.get_many([key for key in keys if key not in found])
        _process_cache.set_many(more, seconds)
        found.update(more)
    return found


def store(key: str, value: object) -> None:
    store_many({key: value})


def store_many(values: Mapping[str, object]) -> None:
    seconds = cache_seconds()
    if seconds <= 0 or not values:
        return
    _process_cache.set_many(dict(values), seconds)
    shared = shared_cache()
    if shared is not None:
        shared.set_many(dict(values), seconds)


def clear() -> None:
    """Drop this process's copies (tests; never needed for correctness, which rests on the versions)."""
    _process_cache.clear()
