"""Hand-built case histories for the indicator tests, made through the same domain functions as the application
(intake, consent, the lifecycle), with the dates the tests need."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.consent.choices import Purpose
from redalert.testing import record_consent


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime in the installation's time zone."""
    return timezone.make_aware(datetime(year, month, day, hour, minute), timezone.get_default_timezone())


class Builder:
    """Cases with histories: `case(reported)`, then `search`, `locate`, `follow_up`, `close`, `reopen`."""

    def __init__(self, make_case: Callable[..., Any], org: Any, user: Any) -> None:
        self.make_case = make_case
        self.org = org
        self.user = user
        self.count = 0

    def case(self, reported: datetime | date, *, org: Any = None, **person: Any) -> Any:
        if not isinstance(reported, datetime):
            reported = local(reported.year, reported.month, reported.day)
        self.count += 1
        values: dict[str, Any] = {
            "reported_at": reported,
            "last_seen_on": timezone.localtime(reported).date() - timedelta(days=1),
            "given_names": f"Persona {self.count}",
            "birth_date": None,
            "estimated_age": 20,
        }
        values.update(person)
        return self.make_case(org or self.org, self.user, **values)

    def search(self, case: Any, on: date | None = None) -> Any:
        on = on or timezone.localtime(case.reported_at).date()
        record_consent(case, Purpose.OPEN_FILE, self.user, on=on)
        transition(case, TransitionRequest(CaseStatus.VERIFICATION, on=on), self.user)
        return transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH, on=on), self.user)

    def locate(self, case: Any, on: date, *, alive: bool = True) -> Any:
        if case.status != CaseStatus.ACTIVE_SEARCH:
            self.search(case)
        to = CaseStatus.LOCATED_ALIVE if alive else CaseStatus.LOCATED_DECEASED
        return transition(case, TransitionRequest(to, on=on), self.user)

    def follow_up(self, case: Any, on: date) -> Any:
        return transition(case, TransitionRequest(CaseStatus.FOLLOW_UP, on=on), self.user)

    def close(self, case: Any, on: date, reason: str = "Closed for the test.") -> Any:
        return transition(case, TransitionRequest(CaseStatus.CLOSED, on=on, reason=reason), self.user)

    def reopen(self, case: Any, on: date, to: str = CaseStatus.ACTIVE_SEARCH) -> Any:
        return transition(case, TransitionRequest(to, on=on, reason="New information."), self.user)

    def consent_to_statistics(self, case: Any, decision: str = "granted") -> None:
        record_consent(case, Purpose.STATISTICS, self.user, decision)


@pytest.fixture
def build(make_case: Callable[..., Any], org_a: Any, coordinator: Any) -> Builder:
    return Builder(make_case, org_a, coordinator)
