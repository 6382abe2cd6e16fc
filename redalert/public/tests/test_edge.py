"""What a shared cache may keep of the public site (redalert.public.edge) and the durable queue of its purges
(redalert.public.purging)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from redalert.changes.announce import Kind, announce, announce_many
from redalert.consent.choices import Decision, Purpose
from redalert.public import edge, pagecache, purging
from redalert.public.models import PendingPurge, Publication, PublicText
from redalert.public.services import set_public
from redalert.public.tests.conftest import publish
from redalert.public.tests.recorder import recording_server
from redalert.testing import record_consent


@pytest.fixture(autouse=True)
def edge_on(settings: Any) -> None:
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_CACHE_SECONDS = 600
    settings.EDGE_STALE_SECONDS = 30
    settings.EDGE_BROWSER_SECONDS = 0
    settings.EDGE_PURGE_REPEAT_SECONDS = 5
    pagecache.clear()


def public_answers(case: Any) -> dict[str, list[str]]:
    pid = case.publication.public_id
    keys = [edge.SITE, edge.case_key(pid)]
    return {
        "/": [edge.SITE, edge.LISTS],
        "/localizadas/": [edge.SITE, edge.LISTS],
        "/feeds/se-busca.atom": [edge.SITE, edge.LISTS],
        f"/se-busca/{pid}/": keys,
        f"/se-busca/{pid}/foto-480.jpg": keys,
        f"/se-busca/{pid}/compartir.png?lang=es": keys,
        f"/se-busca/{pid}/ficha.pdf": keys,
        f"/se-busca/{pid}/cap.xml": keys,
    }


def test_public_answers_may_be_kept_by_the_shared_cache_only(published, photo_of_case, coordinator):
    photo = photo_of_case(published)
    publication = Publication.objects.get(case=published)
    publication.photo = photo
    publication.save()
    visitor = Client(enforce_csrf_checks=True)
    for path, keys in public_answers(published).items():
        response = visitor.get(path)
        assert response.status_code == 200, path
        control = response["Cache-Control"]
        assert control.startswith("public, max-age=0, s-maxage=") and "stale-while-revalidate=30" in control, path
        assert response["Surrogate-Key"].split() == keys, path
        assert "cookie" not in response.get("Vary", "").lower(), path
        assert not response.cookies, path
        assert b"csrfmiddlewaretoken" not in response.content, path
    assert "Accept-Language" in visitor.get("/")["Vary"]


def test_the_shared_copy_never_outlives_the_day(published, settings):
    settings.EDGE_CACHE_SECONDS = 10 * 86400
    control = Client().get("/")["Cache-Control"]
    seconds = int(control.split("s-maxage=")[1].split(",")[0])
    assert 0 < seconds <= 86400


def test_a_signed_in_member_gets_a_private_answer(published, coordinator, client_for):
    response = client_for(coordinator).get(f"/se-busca/{published.publication.public_id}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "s-maxage" not in response["Cache-Control"]
    assert not response.has_header("Surrogate-Key")


def test_without_a_purger_nothing_is_kept_by_a_shared_cache(published, settings):
    settings.EDGE_PURGER = ""
    response = Client().get("/")
    assert "private" in response["Cache-Control"] and not response.has_header("Surrogate-Key")
    PendingPurge.objects.all().delete()
    with transaction.atomic():
        record_consent(published, Purpose.PUBLISH, published.created_by, Decision.WITHDRAWN)
    assert not PendingPurge.objects.exists()


def test_a_missing_case_is_not_kept(published):
    response = Client().get("/se-busca/nosuchcase/")
    assert response.status_code == 404 and "s-maxage" not in response.get("Cache-Control", "")


def test_the_cloudflare_purger_gets_its_tags_header(published, settings):
    settings.EDGE_PURGER = "cloudflare"
    response = Client().get(f"/se-busca/{published.publication.public_id}/")
    assert response["Cache-Tag"] == f"ra,ra-c-{published.publication.public_id}"


def queued_keys() -> set[str]:
    return {key for keys in PendingPurge.objects.values_list("keys", flat=True) for key in keys.split()}


def test_a_withdrawal_queues_the_purge_of_every_key_of_the_case_in_its_transaction(published, coordinator):
    record_consent(published, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    assert queued_keys() == {edge.case_key(published.publication.public_id), edge.LISTS}


def test_a_rolled_back_change_leaves_no_purge(published):
    PendingPurge.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        announce(published.pk, Kind.PUBLICATION)
        assert PendingPurge.objects.exists()
        raise RuntimeError("the change failed")
    assert not PendingPurge.objects.exists()


def test_unpublishing_queues_the_purge(published, coordinator):
    PendingPurge.objects.all().delete()
    set_public(published, published.publication, False, actor=coordinator)
    assert edge.case_key(published.publication.public_id) in queued_keys()


@pytest.mark.parametrize("kind", [Kind.STATUS, Kind.OUTCOME, Kind.EDITED, Kind.MERGED, Kind.IMPORTED])
def test_located_outcome_photo_merge_and_import_queue_the_purge(published, kind):
    PendingPurge.objects.all().delete()
    with transaction.atomic():
        announce(published.pk, kind)
    assert queued_keys() == {edge.case_key(published.publication.public_id), edge.LISTS}


def test_a_merge_purges_both_cases(published, make_case, org_a, coordinator):
    other = make_case(org_a, coordinator, given_names="Lucía")
    publish(other, coordinator)
    PendingPurge.objects.all().delete()
    with transaction.atomic():
        announce_many([published.pk, other.pk], Kind.MERGED)
    assert queued_keys() == {
        edge.case_key(published.publication.public_id),
        edge.case_key(other.publication.public_id),
        edge.LISTS,
    }


def test_a_case_never_published_is_in_no_cached_answer(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    PendingPurge.objects.all().delete()
    with transaction.atomic():
        announce(case.pk, Kind.EDITED)
    assert not PendingPurge.objects.exists()


def test_the_public_texts_purge_everything(published, org_a):
    PendingPurge.objects.all().delete()
    PublicText.objects.create(organisation=org_a, language="es", contact_line="Escríbenos")
    assert queued_keys() == {edge.SITE}


def test_a_purge_is_sent_then_repeated_then_gone(published, coordinator, settings):
    with recording_server() as varnish:
        settings.EDGE_VARNISH_URLS = [varnish.url + "/"]
        PendingPurge.objects.all().delete()
        record_consent(published, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
        assert purging.pending() == 1 and purging.oldest_pending_seconds() >= 0
        assert purging.send_due() == 1
        keys = f"{edge.case_key(published.publication.public_id)} {edge.LISTS}"
        assert [r.headers["X-Purge-Keys"] for r in varnish.requests] == [keys]
        assert purging.send_due() == 0  # the repeat is not due yet
        PendingPurge.objects.update(due_at=timezone.now())
        assert purging.send_due() == 1
        assert len(varnish.requests) == 2 and not PendingPurge.objects.exists()


def test_a_failed_purge_stays_queued_and_is_retried_later(published, coordinator, settings):
    with recording_server() as varnish:
        settings.EDGE_VARNISH_URLS = [varnish.url + "/"]
        varnish.status = 503
        PendingPurge.objects.all().delete()
        record_consent(published, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
        assert purging.send_due() == 0
        row = PendingPurge.objects.get()
        assert row.attempts == 1 and "503" in row.last_error and row.due_at > timezone.now()
        assert row.repeats_left == 1
        varnish.status = 200
        PendingPurge.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        assert purging.send_due() == 1
        assert PendingPurge.objects.get().attempts == 0  # confirmed; only the repeat is left
