"""Proceedings: consent to legal representation gates them, their status history and the reason a prosecutor
declined."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from redalert.care.tests.helpers import EN, Purpose, grant, withdraw
from redalert.legal import services
from redalert.legal.models import Hearing, Proceeding

pytestmark = pytest.mark.django_db


def test_proceeding_needs_consent_to_legal_representation(
    case: Any, lawyer: Any, coordinator: Any, client_for: Any
) -> None:
    with pytest.raises(services.LegalError, match="consent to legal representation"):
        services.open_proceeding(case, actor=lawyer, authority="federal_prosecutor")
    client = client_for(lawyer)
    page = client.get(reverse("legal:case", args=[case.pk]), **EN).content.decode()
    assert "There is no consent recorded for: Legal representation." in page
    response = client.post(
        reverse("legal:proceeding_add", args=[case.pk]), {"authority": "federal_prosecutor"}, follow=True, **EN
    )
    assert "cannot be recorded without the family" in response.content.decode()
    assert not Proceeding.objects.exists()
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    response = client.post(
        reverse("legal:proceeding_add", args=[case.pk]),
        {"authority": "federal_prosecutor", "complaint_filed_on": "", "lawyer": lawyer.pk},
        **EN,
    )
    assert response.status_code == 302
    created = Proceeding.objects.get()
    assert created.complaint_filed_on is None  # not known
    assert created.status_history.get().to_status == "investigation"


def test_after_withdrawal_records_stay_visible_but_nothing_new(
    proceeding: Any, case: Any, lawyer: Any, coordinator: Any, client_for: Any
) -> None:
    withdraw(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    client = client_for(lawyer)
    page = client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN)
    assert page.status_code == 200 and "CI/QRO/123/2026" in page.content.decode()
    response = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "hearing"]),
        {"starts_at": "2026-05-01T10:00", "court": "Juzgado 1"},
        follow=True,
        **EN,
    )
    assert "cannot be recorded without the family" in response.content.decode()
    assert not Hearing.objects.exists()
    with pytest.raises(services.LegalError):
        services.change_status(proceeding, "charged", on=date(2026, 4, 1), actor=lawyer)


def test_status_history_and_decline_reason(proceeding: Any, lawyer: Any) -> None:
    with pytest.raises(services.LegalError, match="Say why"):
        services.change_status(proceeding, "declined", on=date(2026, 4, 1), actor=lawyer)
    services.change_status(proceeding, "declined", on=date(2026, 4, 1), reason="perpetrator_unknown", actor=lawyer)
    proceeding.refresh_from_db()
    assert (proceeding.status, proceeding.decline_reason) == ("declined", "perpetrator_unknown")
    assert list(proceeding.status_history.values_list("from_status", "to_status")) == [
        ("", "investigation"),
        ("investigation", "declined"),
    ]
    services.change_status(proceeding, "investigation", on=date(2026, 5, 1), actor=lawyer)
    proceeding.refresh_from_db()
    assert proceeding.decline_reason == ""


def test_declined_without_reason_over_http(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    response = client_for(lawyer).post(
        reverse("legal:status", args=[case.pk, proceeding.pk]),
        {"to_status": "declined", "changed_on": "2026-04-01"},
        **EN,
    )
    assert response.status_code == 400
    assert "Say why the prosecutor declined the case" in response.content.decode()
