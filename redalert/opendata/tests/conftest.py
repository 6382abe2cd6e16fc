"""Shared set-up of the open-data tests: cases of one organisation with the history the public statistics need
(the `cases` fixture, used by the public statistics' service and view tests and by its browser journey)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.consent.choices import Decision, Purpose
from redalert.testing import record_consent


class Cases:
    """Cases of one organisation with the history the figures need, through intake, consent and the lifecycle."""

    def __init__(self, make_case: Callable[..., Any], make_user: Callable[..., Any], places: dict[str, Any]) -> None:
        self.make_case = make_case
        self.make_user = make_user
        self.places = places
        self.users: dict[int, Any] = {}
        self.count = 0

    def user(self, org: Any) -> Any:
        if org.pk not in self.users:
            self.users[org.pk] = self.make_user(org, "coordinator", username=f"coordinator-{org.code.lower()}")
        return self.users[org.pk]

    def add(
        self,
        org: Any,
        number: int,
        *,
        reported: date,
        sex: str = "female",
        age: int | None = 25,
        place: str = "qro_city",
        located: date | None = None,
        alive: bool = True,
        consent: bool = True,
    ) -> list[Any]:
        user = self.user(org)
        made = []
        for _ in range(number):
            self.count += 1
            case = self.make_case(
                org,
                user,
                reported_at=_aware(reported),
                last_seen_on=reported,
                given_names=f"Persona {self.count}",
                sex=sex,
                birth_date=None,
                estimated_age=age,
                last_seen_place=self.places[place],
            )
            if located is not None:
                record_consent(case, Purpose.OPEN_FILE, user, on=reported)
                transition(case, TransitionRequest(CaseStatus.VERIFICATION, on=reported), user)
                transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH, on=reported), user)
                status = CaseStatus.LOCATED_ALIVE if alive else CaseStatus.LOCATED_DECEASED
                transition(case, TransitionRequest(status, on=located), user)
            if consent:
                record_consent(case, Purpose.STATISTICS, user)
            made.append(case)
        return made

    def withdraw(self, case: Any) -> None:
        record_consent(case, Purpose.STATISTICS, self.user(case.organisation), Decision.WITHDRAWN)


def _aware(day: date) -> Any:
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0), timezone.get_default_timezone())


@pytest.fixture
def cases(make_case: Callable[..., Any], make_user: Callable[..., Any], places: dict[str, Any]) -> Cases:
    return Cases(make_case, make_user, places)
