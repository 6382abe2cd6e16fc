"""Probes for load balancers and monitoring.

`/healthz` (liveness) touches nothing: the process answers. `/readyz` (readiness) answers 200 only when the database
answers, Redis answers (when CACHE_REDIS_URL or, with OUTBOX_USE_CELERY, CELERY_BROKER_URL is set) and a worker's
heartbeat (redalert.heartbeat) is fresh; otherwise 503. Its JSON body names each check's state and nothing else: no
counts, no names, no case data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from redalert import heartbeat
from redalert.accounts.middleware import public

# A worker round takes well under a second when idle; an import runs to its end inside one round, so allow minutes.
WORKER_HEARTBEAT_STALE_SECONDS = 120


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means not ready; the reason goes to the log, not to the public body
        return "error"
    return "ok"


def redis_urls() -> list[str]:
    urls = [settings.CACHE_REDIS_URL] if settings.CACHE_REDIS_URL else []
    if settings.OUTBOX_USE_CELERY and settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        urls.append(settings.CELERY_BROKER_URL)
    return urls


def redis_state() -> str:
    import redis

    urls = redis_urls()
    if not urls:
        return "not configured"
    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        except redis.RedisError:
            return "error"
        finally:
            client.close()
    return "ok"


def workers_state() -> str:
    ages = [age for age in (heartbeat.age_seconds(kind) for kind in heartbeat.KINDS) if age is not None]
    stale_after = getattr(settings, "WORKER_HEARTBEAT_STALE_SECONDS", WORKER_HEARTBEAT_STALE_SECONDS)
    if not ages:
        return "missing"
    return "ok" if min(ages) <= stale_after else "stale"


@public
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_state(), "redis": redis_state(), "workers": workers_state()}
    ready = all(state in {"ok", "not configured"} for state in checks.values())
    response = JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
