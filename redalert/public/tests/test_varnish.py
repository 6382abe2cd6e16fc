"""A real Varnish with deploy/varnish/redalert.vcl in front of a real Django server: the public pages are served
from the cache, and a withdrawal of consent takes the case out of every cached answer at once (the purge sent right
after the commit). Skipped when varnishd is not installed (scripts/ensure-varnish), unless REQUIRE_VARNISH=1."""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests

from redalert.consent.choices import Decision, Purpose
from redalert.public import pagecache, purging
from redalert.public.models import PendingPurge, Publication
from redalert.public.tests.varnish import available, running_varnish
from redalert.testing import make_public, record_consent

NAME = "María Fernanda"


@pytest.fixture
def varnish(live_server: Any, settings: Any) -> Any:
    if not available():
        if os.environ.get("REQUIRE_VARNISH") == "1":
            pytest.fail("varnishd is not installed: run scripts/ensure-varnish (apt-get install varnish).")
        pytest.skip("varnishd is not installed (scripts/ensure-varnish installs it).")
    port = int(live_server.url.rsplit(":", 1)[1])
    with running_varnish(port, proxy_header=False) as cache:
        settings.EDGE_PURGER = "varnish"
        settings.EDGE_VARNISH_URLS = [cache.purge_url]
        settings.EDGE_CACHE_SECONDS = 600
        settings.PUBLIC_CACHE_SECONDS = 300
        pagecache.clear()
        yield cache


def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    answer = requests.get(url, headers={"Accept-Language": "es", **headers}, timeout=30)
    return answer.status_code, dict(answer.headers), answer.content.decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
def test_public_answers_come_from_the_cache_and_a_withdrawal_empties_it(varnish, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    purging.send_due()
    pid = Publication.objects.get(case=case).public_id
    paths = {
        "list": "/",
        "case": f"/se-busca/{pid}/",
        "share": f"/se-busca/{pid}/compartir.png?lang=es",
        "feed": "/feeds/se-busca.atom",
    }
    for name, path in paths.items():
        first = get(varnish.url + path)
        second = get(varnish.url + path)
        assert first[0] == second[0] == 200, name
        assert second[1]["X-Cache"] == "HIT" and int(second[1]["Age"]) >= 0, name
        assert "Surrogate-Key" not in second[1] and "s-maxage" not in second[1]["Cache-Control"], name
        if name != "share":
            assert NAME in second[2], name
    # Another language is its own copy; the language cookie counts as the language.
    assert "Last seen" in get(varnish.url + "/", **{"Accept-Language": "en-GB,en;q=0.9"})[2]
    assert "Last seen" in get(varnish.url + "/", Cookie="django_language=en")[2]
    assert "Vista por última vez" in get(varnish.url + "/")[2]

    record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)  # purged right after its commit

    assert get(varnish.url + paths["case"])[0] == 404
    assert get(varnish.url + paths["share"])[0] == 404
    for name in ("list", "feed"):
        status, headers, body = get(varnish.url + paths[name])
        assert status == 200 and headers["X-Cache"] == "MISS" and NAME not in body, name
    assert PendingPurge.objects.filter(repeats_left=1).count() == 0  # confirmed; only the repeat waits


@pytest.mark.django_db(transaction=True)
def test_staff_and_forms_pass_through(varnish, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    make_public(case, coordinator)
    pid = Publication.objects.get(case=case).public_id
    for _ in range(2):
        status, headers, _body = get(varnish.url + f"/se-busca/{pid}/pista/")
    assert status == 200 and headers["X-Cache"] == "MISS"  # the tip form carries its own token
    for _ in range(2):
        status, headers, _body = get(varnish.url + f"/se-busca/{pid}/", Cookie="sessionid=whatever")
    assert status == 200 and headers["X-Cache"] == "MISS"


def test_only_the_purge_listener_takes_purges(varnish):
    refused = requests.request("PURGE", varnish.url + "/", headers={"X-Purge-Keys": "ra"}, timeout=10)
    assert refused.status_code == 403
    bad = requests.request("PURGE", varnish.purge_url, headers={"X-Purge-Keys": "ra) || (x"}, timeout=10)
    assert bad.status_code == 400
