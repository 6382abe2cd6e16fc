"""Helpers shared by the care, legal and shelter tests: team members by role, consent decisions, located cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from redalert.cases.models import Case
from redalert.cases.services import add_team_member
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.testing import record_consent

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def member(make_user: Any, org: Any, case: Any, coordinator: Any, *roles: str, username: str | None = None) -> Any:
    """A user with these roles on the team of `case`."""
    user = make_user(org, *roles, username=username)
    add_team_member(case, user, actor=coordinator)
    return user


def consent(case: Any, purpose: str, decision: str, by: Any, on: date = date(2026, 3, 3)) -> ConsentRecord:
    return record_consent(case, purpose, by, decision, on=on)


def grant(case: Any, purpose: str, by: Any) -> ConsentRecord:
    return consent(case, purpose, Decision.GRANTED, by)


def withdraw(case: Any, purpose: str, by: Any) -> ConsentRecord:
    return consent(case, purpose, Decision.WITHDRAWN, by, on=date(2026, 3, 10))


def located(case: Any, on: date = date(2026, 4, 1)) -> Any:
    """Mark a case as located (test set-up only; the application goes through the lifecycle)."""
    Case.objects.filter(pk=case.pk).update(located_on=on)
    case.refresh_from_db()
    return case


__all__ = ["EN", "Purpose", "consent", "grant", "located", "member", "withdraw"]
