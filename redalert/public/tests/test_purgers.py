"""The purgers send the exact requests their caches document, to a real local HTTP server (no mocks), and report
an unconfirmed purge as a failure."""

from __future__ import annotations

import socket

import pytest

from redalert.public.purgers import PurgeFailed
from redalert.public.purgers.cloudflare import CloudflarePurger
from redalert.public.purgers.fastly import FastlyPurger
from redalert.public.purgers.varnish import VarnishPurger
from redalert.public.tests.recorder import recording_server

KEYS = ["ra-c-abc123", "ra-lists"]


def test_cloudflare_purges_by_tag_as_documented():
    with recording_server() as server:
        server.answer = {"success": True, "errors": [], "messages": [], "result": {"id": "x"}}
        CloudflarePurger(server.url + "/client/v4", "zone42", "secret-token").purge(KEYS)
    [request] = server.requests
    assert request.method == "POST"
    assert request.path == "/client/v4/zones/zone42/purge_cache"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"tags": KEYS}


def test_cloudflare_sends_at_most_30_tags_a_request():
    keys = [f"ra-c-{n}" for n in range(65)]
    with recording_server() as server:
        server.answer = {"success": True, "errors": [], "messages": [], "result": {"id": "x"}}
        CloudflarePurger(server.url, "zone42", "t").purge(keys)
    assert [len(r.json()["tags"]) for r in server.requests] == [30, 30, 5]
    assert [tag for r in server.requests for tag in r.json()["tags"]] == keys


def test_cloudflare_unsuccessful_answer_is_a_failure():
    with recording_server() as server:
        server.answer = {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}
        server.status = 403
        with pytest.raises(PurgeFailed, match="403"):
            CloudflarePurger(server.url, "zone42", "bad").purge(KEYS)


def test_fastly_purges_surrogate_keys_in_one_batch_as_documented():
    with recording_server() as server:
        server.answer = lambda request: {key: f"id-{key}" for key in request.json()["surrogate_keys"]}
        FastlyPurger(server.url, "SU1Z0isxPaozGVKXdv0eY", "fastly-token").purge(KEYS)
    [request] = server.requests
    assert request.method == "POST"
    assert request.path == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    assert request.headers["Fastly-Key"] == "fastly-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert "Fastly-Soft-Purge" not in request.headers  # a withdrawn case is never served stale
    assert request.json() == {"surrogate_keys": KEYS}


def test_fastly_batches_of_256_and_a_refusal_is_a_failure():
    keys = [f"ra-c-{n}" for n in range(300)]
    with recording_server() as server:
        server.answer = lambda request: {key: "id" for key in request.json()["surrogate_keys"]}
        FastlyPurger(server.url, "svc", "t").purge(keys)
        assert [len(r.json()["surrogate_keys"]) for r in server.requests] == [256, 44]
        server.status, server.answer = 401, {"msg": "Provided credentials are missing or invalid"}
        with pytest.raises(PurgeFailed, match="401"):
            FastlyPurger(server.url, "svc", "bad").purge(KEYS)


def test_varnish_sends_purge_with_the_keys_to_every_varnish():
    with recording_server() as first, recording_server() as second:
        VarnishPurger([first.url + "/", second.url + "/"]).purge(KEYS)
    for server in (first, second):
        [request] = server.requests
        assert (request.method, request.path) == ("PURGE", "/")
        assert request.headers["X-Purge-Keys"] == "ra-c-abc123 ra-lists"


def test_an_unreachable_varnish_is_a_failure():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    with pytest.raises(PurgeFailed, match="Varnish"):
        VarnishPurger([f"http://127.0.0.1:{port}/"]).purge(KEYS)
