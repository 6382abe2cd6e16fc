"""/metrics: refused to the public, served to the allowed scraper with the real state of the queues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from redalert.outbox.enqueue import enqueue_email
from redalert.outbox.models import OutboundMessage

TOKEN = "a-long-random-scrape-token-0123456789"


@pytest.fixture
def scraper(settings):
    """The scraper's address allowed and the token set, as production configures them."""
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1", "10.20.0.0/16"]
    settings.METRICS_TOKEN = TOKEN
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def value(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in the exposition text (None: not there)."""
    wanted = ",".join(f'{key}="{val}"' for key, val in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        got = ",".join(sorted(part for part in (match.group(2) or "").split(",") if part))
        if got == wanted:
            return float(match.group(3))
    return None


def scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.mark.django_db
def test_it_answers_nobody_by_default(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
def test_it_refuses_an_address_outside_the_list(scraper, settings):
    public = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", REMOTE_ADDR="203.0.113.9")
    assert public.get("/metrics").status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", REMOTE_ADDR="10.20.3.4").get("/metrics").status_code == 200
    # An address a client writes in a header is not its address.
    assert public.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_missing_or_wrong_token(scraper):
    assert Client().get("/metrics").status_code == 404
    assert Client(HTTP_AUTHORIZATION="Bearer not-the-token").get("/metrics").status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Basic {TOKEN}").get("/metrics").status_code == 404
    assert scraper.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_without_a_token_the_address_list_decides(settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_the_outbox_gauges_follow_the_queue(scraper):
    before = scrape(scraper)
    assert value(before, "redalert_outbox_queue_length", channel="email") == 0
    assert value(before, "redalert_outbox_oldest_age_seconds", channel="email") == 0

    with transaction.atomic():
        first = enqueue_email("a@example.org", "Asunto", "Texto", key="metrics-test-1")
        enqueue_email("b@example.org", "Asunto", "Texto", key="metrics-test-2")
    OutboundMessage.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    during = scrape(scraper)
    assert value(during, "redalert_outbox_queue_length", channel="email") == 2
    assert value(during, "redalert_outbox_queue_length", channel="webhook") == 0
    assert 600 <= (value(during, "redalert_outbox_oldest_age_seconds", channel="email") or 0) < 700

    OutboundMessage.objects.filter(pk=first.pk).update(status="failed")
    after = scrape(scraper)
    assert value(after, "redalert_outbox_queue_length", channel="email") == 1
    assert value(after, "redalert_outbox_failed_messages", channel="email") == 1
    assert (value(after, "redalert_outbox_oldest_age_seconds", channel="email") or 0) < 600


@pytest.mark.django_db
def test_it_reports_latency_by_view_jobs_and_queues(scraper):
    Client().get("/healthz")
    Client().get("/healthz")
    text = scrape(scraper)
    count = value(text, "django_http_requests_latency_seconds_by_view_method_count", method="GET", view="healthz")
    assert count is not None and count >= 2
    assert value(text, "redalert_import_jobs", status="queued") == 0
    assert value(text, "redalert_import_oldest_queued_age_seconds") == 0
    assert 'redalert_followups_pending{follower="' in text
    for part in ("outbox", "imports", "followups", "duplicate_scan", "cache_purges", "workers"):
        assert value(text, "redalert_metrics_scrape_errors", part=part) == 0, part
    # Nothing personal: no address, name or subject of any message is ever a label.
    assert "@example.org" not in text


@pytest.mark.django_db
def test_the_cache_purges_waiting_are_counted(scraper):
    from django.apps import apps

    try:
        pending_purge = apps.get_model("public", "PendingPurge")
    except LookupError:
        pytest.skip("this version has no queue of purges of the shared cache (public.PendingPurge)")
    assert value(scrape(scraper), "redalert_cache_purges_pending") == 0
    pending_purge.objects.create(keys="ra-lists ra-c-abc", created_at=timezone.now() - timedelta(seconds=30))
    pending_purge.objects.create(keys="ra-lists", attempts=2)
    text = scrape(scraper)
    assert value(text, "redalert_cache_purges_pending") == 2
    assert value(text, "redalert_cache_purges_failing") == 1
    assert 30 <= (value(text, "redalert_cache_purges_oldest_age_seconds") or 0) < 90
