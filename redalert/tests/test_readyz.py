"""/readyz: 200 only when the database, Redis (if configured) and a worker's heartbeat answer; 503 names which not."""

import os
import time

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from redalert import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def readyz():
    response = Client().get("/readyz")
    return response.status_code, response.json()


def test_not_ready_before_any_worker_ran():
    status, body = readyz()
    assert status == 503
    assert body == {"ready": False, "database": "ok", "redis": "not configured", "workers": "missing"}


def test_ready_once_run_worker_has_done_a_round():
    call_command("run_worker", "--once", verbosity=0)
    status, body = readyz()
    assert status == 200
    assert body == {"ready": True, "database": "ok", "redis": "not configured", "workers": "ok"}


def test_a_stale_heartbeat_is_not_ready():
    heartbeat.beat(heartbeat.RUN_WORKER)
    old = time.time() - 3600
    os.utime(heartbeat.heartbeat_dir() / heartbeat.RUN_WORKER, (old, old))
    status, body = readyz()
    assert status == 503 and body["workers"] == "stale"


def test_the_celery_task_beats_too():
    from redalert.outbox.tasks import deliver_outbox

    deliver_outbox()  # run in this process, as a Celery worker would
    assert heartbeat.age_seconds(heartbeat.CELERY) is not None
    assert readyz()[0] == 200


@override_settings(CACHE_REDIS_URL="redis://127.0.0.1:6379/15")
def test_ready_with_a_real_redis():
    heartbeat.beat(heartbeat.RUN_WORKER)
    status, body = readyz()
    assert status == 200 and body["redis"] == "ok"


@override_settings(CACHE_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
def test_unreachable_redis_is_not_ready():
    heartbeat.beat(heartbeat.RUN_WORKER)
    status, body = readyz()
    assert status == 503 and body["redis"] == "error" and body["database"] == "ok"


@override_settings(OUTBOX_USE_CELERY=True, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_celery_broker_is_not_ready():
    heartbeat.beat(heartbeat.CELERY)
    status, body = readyz()
    assert status == 503 and body["redis"] == "error"


def test_the_body_says_nothing_but_states_and_no_cache_keeps_it():
    response = Client().get("/readyz")
    assert set(response.json()) == {"ready", "database", "redis", "workers"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_stays_cheap(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Client().get("/healthz").status_code == 200
