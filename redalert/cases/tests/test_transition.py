"""The transition view: an illegal change of status is refused with a clear message."""

from __future__ import annotations

from django.urls import reverse

from redalert.cases.choices import CaseStatus


def test_illegal_transition_shows_a_clear_message(client_for, case, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "located_alive"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "cannot move" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
