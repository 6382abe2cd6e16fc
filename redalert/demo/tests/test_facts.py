"""The demo's case facts (redalert.demo.after_report): consistent with each case's status, dates and consents, and
enough for the yearly report, the maps and the regional indicators to show data."""

import itertools
import random
from collections import Counter
from datetime import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from redalert.accounts.models import Organisation
from redalert.alerts.models import Acknowledgement, Alert, AlertKind, Escalation, Recipient
from redalert.care.choices import Phase
from redalert.care.choices import Recipient as ServiceRecipient
from redalert.care.models import Expense, Service
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use
from redalert.demo import generate
from redalert.demo.after_report.care import CURRENCY
from redalert.demo.after_report.run import seed_case_facts
from redalert.investigation.choices import NOT_KNOWN, OutcomeResult, TraffickingStatus
from redalert.investigation.models import Outcome, TraffickingEvent, TraffickingFacts
from redalert.legal.choices import AccusedOutcome, ProceedingStatus
from redalert.legal.models import Accused, Proceeding
from redalert.maps.models import CaseMapFact, RouteFact
from redalert.outbox.models import OutboundMessage, Status
from redalert.places.models import Place, PlaceKind
from redalert.prevention.models import Activity
from redalert.statistics.report import yearly_report
from redalert.statistics.scope import ORGANISATION, Scope

CASES = 200


@pytest.fixture
def gazetteer(db: Any) -> None:
    """A small gazetteer with the states and countries the demo's routes use."""
    from redalert.lib.text import fold

    def add(kind: str, code: str, name: str, country: str, **extra: Any) -> Place:
        return Place.objects.create(
            kind=kind, code=code, name=name, search_name=fold(name), country_code=country, **extra
        )

    towns = {
        ("MX", "México"): {
            "MX-MIC": ("Michoacán", ["Morelia", "Uruapan"]),
            "MX-CHP": ("Chiapas", ["Tapachula", "Tuxtla Gutiérrez"]),
            "MX-CMX": ("Ciudad de México", ["Ciudad de México"]),
            "MX-MEX": ("México", ["Toluca", "Ecatepec"]),
            "MX-JAL": ("Jalisco", ["Guadalajara"]),
            "MX-ROO": ("Quintana Roo", ["Cancún"]),
            "MX-TLA": ("Tlaxcala", ["Tenancingo"]),
            "MX-QUE": ("Querétaro", ["Santiago de Querétaro"]),
        },
        ("GT", "Guatemala"): {"GT-01": ("Guatemala", ["Ciudad de Guatemala"]), "GT-12": ("San Marcos", ["Malacatán"])},
        ("HN", "Honduras"): {"HN-CR": ("Cortés", ["San Pedro Sula"]), "HN-FM": ("Francisco Morazán", ["Tegucigalpa"])},
        ("US", "United States"): {"US-TX": ("Texas", ["Houston"])},
    }
    serial = 0
    for (country_code, country_name), states in towns.items():
        country = add(PlaceKind.COUNTRY, country_code, country_name, country_code)
        for code, (state_name, localities) in states.items():
            state = add(PlaceKind.SUBDIVISION, code, state_name, country_code, parent=country)
            for name in localities:
                serial += 1
                add(
                    PlaceKind.LOCALITY,
                    f"gn:{serial}",
                    name,
                    country_code,
                    parent=country,
                    subdivision=state,
                    population=100_000 * serial,
                    latitude=15.0 + serial / 10,
                    longitude=-95.0 - serial / 10,
                )


def hour() -> datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def seed(cases: int = CASES, seed: int = 5, now: datetime | None = None) -> dict[str, int]:
    now = now or hour()
    result = generate.seed_demo(cases=cases, seed=seed, now=now)
    return seed_case_facts(random.Random(seed), Case.objects.filter(organisation__in=result.organisations), now)


@pytest.fixture
def seeded(gazetteer: None) -> dict[str, int]:
    return seed()


def test_every_located_case_has_its_outcome_on_the_day_she_was_located(seeded):
    located = Case.objects.filter(located_on__isnull=False)
    assert located.count() > 30
    assert Outcome.objects.count() == located.count() == seeded["outcomes"]
    located_status = {
        e.case_id: e.summary_data["to"]
        for e in TimelineEvent.objects.filter(kind=TimelineKind.STATUS).order_by("at", "pk")
        if e.summary_data.get("to") in (CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED)
    }
    for outcome in Outcome.objects.select_related("case"):
        case = outcome.case
        assert outcome.on == case.located_on
        assert outcome.on >= case.last_seen_on
        assert outcome.result == located_status[case.pk]  # alive or deceased as her status history says
        if case.status in (CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED):
            assert outcome.result == case.status
        assert outcome.family_support_open == (outcome.result == OutcomeResult.DECEASED)
    results = Counter(Outcome.objects.values_list("result", flat=True))
    assert results[OutcomeResult.ALIVE] > 2 * results[OutcomeResult.DECEASED] > 0


def test_route_stops_are_dated_between_last_seen_and_located(seeded):
    today = timezone.localdate()
    events = list(TraffickingEvent.objects.select_related("case", "place"))
    assert {e.event_type for e in events} == {"Recruitment", "Transit", "Exploitation"}
    for event in events:
        case = event.case
        assert case.status not in (CaseStatus.REPORTED, CaseStatus.VERIFICATION)
        if event.on is not None:
            assert case.last_seen_on <= event.on <= (case.located_on or case.closed_on or today)
    assert any(e.on is None for e in events) and any(e.place is None for e in events)  # unknown stays unknown
    abroad_or_elsewhere = [
        e
        for e in events
        if e.event_type == "Exploitation"
        and e.place is not None
        and (e.place.subdivision_id or e.place.pk) != e.case.last_seen_place.subdivision_id
    ]
    assert abroad_or_elsewhere  # exploitation mostly away from home


def test_trafficking_facts_keep_unknown_apart(seeded):
    facts = list(TraffickingFacts.objects.select_related("case"))
    statuses = Counter(f.trafficking_status for f in facts)
    assert statuses[TraffickingStatus.ACTUAL] and statuses[TraffickingStatus.POSSIBLE]
    types = Counter(t for f in facts for t in f.exploitation_types)
    assert types.most_common(1)[0][0] == "SexualExploitation"
    assert types[NOT_KNOWN] and any(f.exploitation_types == [] for f in facts)
    assert Counter(f.organised_crime for f in facts).most_common(1)[0][0] == "unknown"
    for fact in facts:
        if fact.case.located_on is None:  # still missing: not confirmed as a victim, mostly
            assert fact.trafficking_status != TraffickingStatus.NOT_A_VICTIM
        if fact.trafficking_status == TraffickingStatus.NOT_A_VICTIM:
            assert fact.exploitation_types == [] and fact.methods_of_control == []


def test_proceedings_only_with_consent_to_legal_representation(seeded):
    proceedings = list(Proceeding.objects.select_related("case").prefetch_related("status_history", "accused"))
    assert len(proceedings) >= 5
    for proceeding in proceedings:
        case = proceeding.case
        assert may_use(case, Purpose.LEGAL_REPRESENTATION)
        consent = case.consent_records.filter(purpose=Purpose.LEGAL_REPRESENTATION).order_by("-recorded_at").first()
        history = list(proceeding.status_history.order_by("changed_on", "id"))
        assert history[0].from_status == "" and history[0].to_status == ProceedingStatus.INVESTIGATION
        assert history[0].changed_on >= consent.decided_on
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(history))
        assert history[-1].to_status == proceeding.status and history[-1].changed_on == proceeding.status_changed_on
        assert all(a.changed_on <= b.changed_on <= timezone.localdate() for a, b in itertools.pairwise(history))
        if proceeding.status == ProceedingStatus.DECLINED:
            assert proceeding.decline_reason
        if proceeding.complaint_filed_on is not None:
            assert proceeding.complaint_filed_on == history[0].changed_on
        sentenced_on = next((h.changed_on for h in history if h.to_status == ProceedingStatus.SENTENCED), None)
        for accused in proceeding.accused.all():
            accused.full_clean()  # the model's own rules (a sentence only for a convicted person)
            if accused.outcome in (AccusedOutcome.CONVICTED, AccusedOutcome.ACQUITTED):
                assert sentenced_on is not None and accused.outcome_on in (sentenced_on, None)
    assert Accused.objects.filter(outcome=AccusedOutcome.CONVICTED).exists()


def test_services_follow_the_search_and_expenses_use_the_organisations_currency(seeded):
    for service in Service.objects.select_related("case"):
        case = service.case
        service.full_clean()
        assert service.given_on <= min(case.closed_on or timezone.localdate(), timezone.localdate())
        if service.recipient == ServiceRecipient.VICTIM:
            assert case.located_on is not None and service.given_on >= case.located_on
            assert case.outcome.result == OutcomeResult.ALIVE
        if service.phase == Phase.BEFORE_RESCUE:
            assert service.recipient == ServiceRecipient.FAMILY
            assert case.located_on is None or service.given_on <= case.located_on
    assert len({s.service_type for s in Service.objects.all()}) >= 8
    assert Service.objects.filter(recipient=ServiceRecipient.FAMILY).exists()
    expenses = list(Expense.objects.select_related("case__organisation"))
    assert expenses
    for expense in expenses:
        assert expense.currency == CURRENCY[expense.case.organisation.country]
        assert isinstance(expense.amount, Decimal) and expense.amount > 0


def test_alerts_only_with_consent_during_the_search_and_nothing_left_to_send(seeded):
    from redalert.alerts.escalation import escalate_due

    alerts = list(Alert.objects.select_related("case"))
    assert alerts
    for alert in alerts:
        assert may_use(alert.case, Purpose.SHARE_AUTHORITIES)
        if alert.kind == AlertKind.CANCEL:
            assert alert.original.case_id == alert.case_id and alert.case.located_on is not None
        elif alert.case.located_on is not None:
            assert timezone.localtime(alert.issued_at).date() <= alert.case.located_on
    assert Recipient.objects.exists() and Acknowledgement.objects.exists() and Escalation.objects.exists()
    assert not OutboundMessage.objects.exclude(status=Status.SENT).exists()
    with transaction.atomic():
        assert escalate_due() == []  # every deadline already has its escalation: the worker sends nothing
        transaction.set_rollback(True)


def test_the_yearly_report_of_last_year_has_exploitation_legal_and_services(seeded):
    year = timezone.localdate().year - 1
    organisations = tuple(Organisation.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True))
    scope = Scope(ORGANISATION, organisations, "DEMO", "demo", statistics_consent_only=False)
    with translation.override("en"):
        report = yearly_report(scope, year)
    tables = {t.key: t for t in report.tables}
    exploitation = [r for r in tables["exploitation"].rows if r.key != "no-data"]
    assert exploitation and all(r.cells["cases"].value for r in exploitation)
    legal = {r.key: r for r in tables["legal"].rows}
    assert legal["representation"].cells["cases"].value > 0
    services = {r.key: r for r in tables["services"].rows}
    assert services["total"].cells["services"].value > 0 and len(services) > 2


def test_the_same_seed_gives_the_same_rows(gazetteer):
    now = hour()

    def snapshot() -> tuple[Any, ...]:
        route = list(
            TraffickingEvent.objects.order_by("case__reference", "event_type", "on").values_list(
                "case__reference", "event_type", "place__code", "on"
            )
        )
        facts = list(
            TraffickingFacts.objects.order_by("case__reference").values_list(
                "case__reference", "trafficking_status", "exploitation_types"
            )
        )
        amounts = sorted(Expense.objects.values_list("case__reference", "amount", "currency"))
        return route, facts, amounts

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        first_counts = seed(now=now)
        first = snapshot()
        raise Rollback
    assert not Case.objects.exists()
    assert seed(now=now) == first_counts
    assert snapshot() == first


def test_the_command_adds_facts_prevention_and_map_rows(gazetteer):
    out = StringIO()
    call_command("seed_demo", "--cases", "60", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "Case facts added" in text and "outcomes" in text and "prevention activities" in text
    assert Outcome.objects.exists() and TraffickingFacts.objects.exists()
    assert set(Activity.objects.values_list("organisation__code", flat=True)) == {"RAMX", "RAGT", "RAHN"}
    assert CaseMapFact.objects.count() == 60
    assert RouteFact.objects.exists()
    activities = Activity.objects.count()
    call_command("seed_demo", "--cases", "10", "--seed", "4", stdout=StringIO())  # adds cases and their facts only
    assert Activity.objects.count() == activities
    assert Outcome.objects.count() == Case.objects.filter(located_on__isnull=False).count()
    assert CaseMapFact.objects.count() == 70
