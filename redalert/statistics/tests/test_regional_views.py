"""The regional indicators page and downloads: analysts of coalition members only, audited, "no data" shown."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.audit.models import AuditAction, AuditEntry
from redalert.prevention.tests.helpers import activity

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def analyst(org_a: Any, org_b: Any, make_user: Any) -> Any:
    activity(org_a, held_on=date(2025, 3, 1), participants=40, women=40)
    return make_user(org_a, "analyst")


def test_analyst_sees_the_tables_with_no_data_and_footnotes(analyst: Any, client_for: Any) -> None:
    response = client_for(analyst).get(reverse("regional:report", args=[2025]), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Regional indicators 2025" in body
    assert "Prevention in 2025" in body
    assert "no data (1)" in body
    assert "No data for Guatemala" in body
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, detail__statistics="regional").count() == 1


def test_index_goes_to_the_last_complete_year(analyst: Any, client_for: Any) -> None:
    client = client_for(analyst)
    last = timezone.localdate().year - 1
    assert client.get(reverse("regional:index"))["Location"] == reverse("regional:report", args=[last])
    assert client.get(reverse("regional:index"), {"year": "2020"})["Location"] == reverse(
        "regional:report", args=[2020]
    )
    assert client.get(reverse("regional:index"), {"year": "abc"}).status_code == 302
    assert client.get(reverse("regional:report", args=[1800])).status_code == 404
    assert client.get(reverse("regional:report", args=[timezone.localdate().year + 1])).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("csv", "text/csv", b"table,"),
        ("xlsx", "application/vnd.openxmlformats", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("json", "application/json", b"{"),
    ],
)
def test_downloads(analyst: Any, client_for: Any, fmt: str, content_type: str, start: bytes) -> None:
    response = client_for(analyst).get(reverse("regional:download", args=[2025, fmt]), **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.content.startswith(start)
    assert f'filename="redalert-regional-2025.{fmt}"' in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.detail == {"statistics": "regional", "year": 2025, "format": fmt}
    if fmt == "csv":
        assert "no data" in response.content.decode()


def test_unknown_format_is_404(analyst: Any, client_for: Any) -> None:
    assert client_for(analyst).get(reverse("regional:download", args=[2025, "docx"])).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "administrator", "lawyer", "public_editor"])
def test_other_roles_get_404(org_a: Any, make_user: Any, client_for: Any, role: str) -> None:
    client = client_for(make_user(org_a, role))
    assert client.get(reverse("regional:index")).status_code == 404
    assert client.get(reverse("regional:report", args=[2025])).status_code == 404
    assert client.get(reverse("regional:download", args=[2025, "csv"])).status_code == 404


def test_analysts_of_organisations_outside_the_coalition_get_404(make_user: Any, client_for: Any) -> None:
    outsider = Organisation.objects.create(name="Fuera", code="OUT", country="CR", coalition_member=False)
    client = client_for(make_user(outsider, "analyst"))
    assert client.get(reverse("regional:report", args=[2025])).status_code == 404
    assert client.get(reverse("regional:download", args=[2025, "pdf"])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
