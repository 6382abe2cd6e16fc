"""Fixtures for tips: a case the public may see now, team members with email addresses, the SMTP sink."""

from typing import Any

import pytest

from redalert.outbox.testing import smtp_down, smtp_sink

__all__ = ["smtp_down", "smtp_sink"]


def grant(case: Any, purpose: str, user: Any, decision: str | None = None) -> Any:
    from datetime import date

    from redalert.consent.models import ConsentMethod, ConsentRecord, Decision

    return ConsentRecord.objects.create(
        case=case,
        purpose=purpose,
        decision=decision or Decision.GRANTED,
        given_by_name="Rosa Hernández Cruz",
        given_by_relationship="mother",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ana Ruiz",
        decided_on=date(2026, 3, 2),
        recorded_by=user,
    )


@pytest.fixture
def make_public(coordinator: Any) -> Any:
    from redalert.cases.choices import CaseStatus
    from redalert.cases.lifecycle import TransitionRequest, transition
    from redalert.consent.models import Purpose
    from redalert.public.services import publication_for, set_public

    def publish(case: Any) -> Any:
        grant(case, Purpose.OPEN_FILE, coordinator)
        grant(case, Purpose.PUBLISH, coordinator)
        transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
        transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), coordinator)
        return set_public(case, publication_for(case), True, actor=coordinator)

    return publish


@pytest.fixture
def public_case(case: Any, coordinator: Any, make_public: Any) -> Any:
    """Organisation A's case, public now; its coordinator (on the team) has an email address."""
    coordinator.email = "coordinadora@example.org"
    coordinator.save(update_fields=["email"])
    make_public(case)
    case.refresh_from_db()
    return case


@pytest.fixture
def public_id(public_case: Any) -> str:
    return str(public_case.publication.public_id)
