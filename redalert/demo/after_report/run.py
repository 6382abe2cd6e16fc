"""`seed_case_facts`: every step after the report, case by case in a fixed order of draws, written batch by batch
(see the package's docstring for what each step writes)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from django.db import reset_queries, transaction
from django.db.models import QuerySet

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.demo.after_report.alerts import Alerts
from redalert.demo.after_report.care import Care
from redalert.demo.after_report.cases import NOT_YET_OPEN, CaseInfo, People, load_cases
from redalert.demo.after_report.legal import Legal
from redalert.demo.after_report.outcomes import Outcomes
from redalert.demo.after_report.places import RoutePlaces
from redalert.demo.after_report.trafficking import Trafficking
from redalert.demo.rows import BATCH_SIZE
from redalert.statistics.facts import refresh_facts as refresh_statistics_facts


class _Steps:
    """The steps of one seeding, each holding the rows of the current batch."""

    def __init__(self, trafficking: Trafficking, outcomes: Outcomes, legal: Legal, care: Care, alerts: Alerts) -> None:
        self.trafficking = trafficking
        self.outcomes = outcomes
        self.legal = legal
        self.care = care
        self.alerts = alerts

    def case(self, case: CaseInfo) -> None:
        """Every row of one case, in a fixed order of draws."""
        status = self.trafficking.status(case)
        types = self.trafficking.record_facts(case, status) if status is not None else []
        exploitation_place = self.trafficking.record_route(case, status, types) if status is not None else None
        located_abroad = False
        if case.located_on is not None:
            place = self.outcomes.record(case, exploitation_place)
            located_abroad = self.outcomes.located_abroad(case, place)
        self.legal.record(case, status)
        self.care.record_services(case, located_abroad)
        self.care.record_expenses(case)
        self.alerts.record(case)

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        """Write the batch, in the order the counts are reported."""
        self.trafficking.write(batch_size, counts)
        self.outcomes.write(batch_size, counts)
        self.care.write(batch_size, counts)
        self.legal.write(batch_size, counts)
        self.alerts.write(batch_size, counts)


def seed_case_facts(
    rng: random.Random,
    cases: QuerySet[Case],
    now: datetime,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Add facts, route, outcome, legal, care and alert rows to `cases` (see redalert.demo.after_report). One
    transaction.

    Meant for cases that have none of these yet (the cases seed_demo just wrote). Returns the rows written, by kind.
    """
    counts: dict[str, int] = {}
    open_cases = cases.exclude(status__in=NOT_YET_OPEN)
    ids = list(open_cases.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return counts
    organisations = list(Organisation.objects.filter(pk__in=open_cases.values("organisation_id")).order_by("pk"))
    places = RoutePlaces()
    people = People(o.pk for o in organisations)
    partner_by_country: dict[str, int] = {}
    for org in organisations:
        partner_by_country.setdefault(org.country, org.pk)
    with transaction.atomic():
        steps = _Steps(
            Trafficking(rng, now, people, places),
            Outcomes(rng, now, people, places),
            Legal(rng, now, people, places),
            Care(rng, now, people, partner_by_country),
            Alerts(rng, now, people, organisations, places),  # creates the directory of authorities once
        )
        for start in range(0, len(ids), batch_size):
            for case in load_cases(open_cases, ids[start : start + batch_size]):
                steps.case(case)
            steps.write(batch_size, counts)
            reset_queries()  # with DEBUG on, Django keeps every query's SQL
            if progress is not None:
                progress(min(start + batch_size, len(ids)), len(ids))
        refresh_statistics_facts(ids)  # outcomes and statuses went in past the services: the report's rows follow
    return counts
