"""The schema at its stable URL and the browsable reference, self-hosted (the CSP forbids third-party requests)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client


def test_schema_is_served_at_a_stable_url(db: Any) -> None:
    answer = Client().get("/api/v1/schema/")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}" in document["paths"]
    problem = document["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]["404"]["content"]
    assert list(problem) == ["application/problem+json"]
    assert document["components"]["securitySchemes"]


def test_reference_page_loads_only_local_assets(db: Any) -> None:
    page = Client().get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "<script>" not in html  # no inline script: the CSP's script-src is 'self'
    assert "script-src 'self'" in page["Content-Security-Policy"]
    for source in sources:  # shipped with the project (collectstatic gathers them; django-ninja's own files)
        assert finders.find(source.removeprefix("/static/")), source
