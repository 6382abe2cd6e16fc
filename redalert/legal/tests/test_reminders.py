"""Hearing reminders: queued once, without personal details, and none once consent is withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from redalert.care.tests.helpers import Purpose, withdraw
from redalert.legal.models import Hearing

pytestmark = pytest.mark.django_db


def test_hearing_reminders_are_queued_once_without_personal_details(proceeding: Any, case: Any, lawyer: Any) -> None:
    from redalert.outbox.models import OutboundMessage

    now = timezone.now()
    soon = Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(hours=30), court="Juzgado Tercero Penal", created_by=lawyer
    )
    Hearing.objects.create(proceeding=proceeding, starts_at=now + timedelta(days=9), court="Later", created_by=lawyer)
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(hours=5), court="Cancelled", cancelled=True, created_by=lawyer
    )
    call_command("send_hearing_reminders", "--days", "2")
    call_command("send_hearing_reminders", "--days", "2")
    message = OutboundMessage.objects.get()
    assert message.to == "abogada@example.org"
    assert "Juzgado Tercero Penal" in message.body and case.reference in message.body
    for private in ("María", "López", "CI/QRO", "Rosa"):
        assert private not in message.body and private not in message.subject
    assert message.idempotency_key.startswith(f"hearing:{soon.pk}:2:{lawyer.pk}:")


def test_no_reminders_after_consent_is_withdrawn(proceeding: Any, case: Any, lawyer: Any, coordinator: Any) -> None:
    from redalert.legal.reminders import send_hearing_reminders

    Hearing.objects.create(
        proceeding=proceeding, starts_at=timezone.now() + timedelta(hours=30), court="J", created_by=lawyer
    )
    withdraw(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    assert send_hearing_reminders(2) == 0
