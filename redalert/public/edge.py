"""What a shared cache (Varnish, a CDN) may keep of the public site, and under which surrogate keys.

With a purger configured (settings.EDGE_PURGER), the anonymous answers of the public lists, case pages, photo
variants, share images, bulletins, the Atom feed and CAP messages say

    Cache-Control: public, max-age=EDGE_BROWSER_SECONDS, s-maxage=EDGE_CACHE_SECONDS, stale-while-revalidate=…
    Surrogate-Key: ra ra-lists            (lists, feed)
    Surrogate-Key: ra ra-c-<public_id>    (a case's page, photos, share image, bulletin, CAP)

and carry no cookie and no `Vary: Cookie`. The shared cache keeps them; browsers ask again (max-age 0 by default),
because nobody can purge a browser. Every change of what the public sees of a case queues a purge of its keys and of
the lists (redalert.public.purging), sent after the commit and again a few seconds later.

A signed-in member's request (with a session cookie) gets the old, private answer: the shared cache passes those
(deploy/varnish/redalert.vcl), and NoStoreMiddleware marks them no-store. Without a purger, nothing here changes an
answer's caching: a cache that nobody purges must not keep a withdrawn case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from redalert.public.models import SITE_KEY

SITE = SITE_KEY  # every public answer a shared cache may keep
LISTS = "ra-lists"  # the answers that list many cases: "se busca", "localizadas", the feed
KEY_HEADER = "Surrogate-Key"  # Varnish (deploy/varnish/redalert.vcl) and Fastly read it, space separated
CLOUDFLARE_HEADER = "Cache-Tag"  # Cloudflare reads this one, comma separated
Response = TypeVar("Response", bound=HttpResponseBase)


def case_key(public_id: str) -> str:
    """The key of every answer about one case (its public id is already public: it is in the URL)."""
    return f"ra-c-{public_id}"


def case_keys(public_id: str) -> list[str]:
    return [SITE, case_key(public_id)]


LIST_KEYS = [SITE, LISTS]


def enabled() -> bool:
    """A shared cache that we purge sits in front of the public site."""
    return bool(getattr(settings, "EDGE_PURGER", ""))


def _seconds_to_midnight() -> int:
    """Some answers change at midnight (a located woman's photo goes after LOCATED_PHOTO_DAYS): no copy outlives
    the day it was drawn on."""
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


def shared_cache_control() -> str:
    keep = min(int(settings.EDGE_CACHE_SECONDS), _seconds_to_midnight())
    return (
        f"public, max-age={int(settings.EDGE_BROWSER_SECONDS)}, s-maxage={keep}, "
        f"stale-while-revalidate={int(settings.EDGE_STALE_SECONDS)}"
    )


def _signed_in(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def shareable(request: HttpRequest, response: Response, keys: Iterable[str], *, otherwise: str) -> Response:
    """Let a shared cache keep this public answer under `keys`; without a purger (or for a signed-in member) set
    `otherwise` as its Cache-Control, as before."""
    if not enabled() or _signed_in(request) or response.status_code != 200:
        response["Cache-Control"] = otherwise
        return response
    keys = list(dict.fromkeys(keys))
    response["Cache-Control"] = shared_cache_control()
    response[KEY_HEADER] = " ".join(keys)
    if settings.EDGE_PURGER == "cloudflare":
        response[CLOUDFLARE_HEADER] = ",".join(keys)
    # The session was only looked at (who is this? nobody): without a session cookie the answer does not depend on
    # cookies, so SessionMiddleware must not add `Vary: Cookie`, which would make every visitor's copy her own.
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False
    if response.has_header("Vary"):
        kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]
    return response
