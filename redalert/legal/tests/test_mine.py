"""A lawyer's own page: her proceedings and their next hearings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from redalert.care.tests.helpers import EN
from redalert.legal.models import Hearing

pytestmark = pytest.mark.django_db


def test_my_page_lists_proceedings_and_next_hearings(
    proceeding: Any, case: Any, lawyer: Any, client_for: Any, make_user: Any, org_a: Any
) -> None:
    now = timezone.now()
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(days=10), court="Juzgado Tarde", created_by=lawyer
    )
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(days=3), court="Juzgado Pronto", created_by=lawyer
    )
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now - timedelta(days=30), court="Juzgado Pasado", created_by=lawyer
    )
    response = client_for(lawyer).get(reverse("legal:mine"), **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert case.reference in body
    assert body.index("Juzgado Pronto") < body.index("Juzgado Tarde")
    assert "Juzgado Pasado" not in body
    other = make_user(org_a, "lawyer", username="other-lawyer")
    assert case.reference not in client_for(other).get(reverse("legal:mine"), **EN).content.decode()
    assert client_for(make_user(org_a, "health")).get(reverse("legal:mine")).status_code == 404
