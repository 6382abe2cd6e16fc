"""Fixtures for tips: a case the public may see now, team members with email addresses, the SMTP sink."""

from typing import Any

import pytest

from redalert.outbox.testing import smtp_down, smtp_sink

__all__ = ["smtp_down", "smtp_sink"]


def grant(case: Any, purpose: str, user: Any, decision: str | None = None) -> Any:
    from redalert.testing import record_consent

    return record_consent(case, purpose, user, decision or "granted")


@pytest.fixture
def make_public(coordinator: Any) -> Any:
    from redalert.testing import make_public as publish_case

    def publish(case: Any) -> Any:
        return publish_case(case, coordinator)

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
