"""A case of organisation A with the family's consent to refer, and the coordinators of A and B."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from redalert.consent.choices import Purpose
from redalert.testing import record_consent


@pytest.fixture
def coordinator_b(org_b: Any, make_user: Callable[..., Any]) -> Any:
    user = make_user(org_b, "coordinator", username="coord-b")
    user.email = "coord-b@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def consenting_case(case: Any, coordinator: Any) -> Any:
    """Case of A whose family consents to referral to a partner organisation."""
    record_consent(case, Purpose.REFERRAL, coordinator)
    return case
