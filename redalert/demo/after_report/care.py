"""Care of each case: services to the victim and to her family (before she was found and after), and the
humanitarian expense ledger, in the currency of the organisation's country (Decimal, never summed across
currencies)."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

from redalert.accounts.roles import Role
from redalert.care.choices import ExpenseCategory, Phase, ProviderKind, ServiceType
from redalert.care.choices import Recipient as ServiceRecipient
from redalert.care.models import Expense, Service
from redalert.cases.choices import CaseStatus
from redalert.demo.after_report.cases import NOT_YET_OPEN, CaseInfo, People, Step
from redalert.demo.draws import Weighted, day_between, days_after
from redalert.demo.rows import Rows, tally

S = CaseStatus
CURRENCY = {"MX": "MXN", "GT": "GTQ", "HN": "HNL", "SV": "USD", "NI": "NIO"}
# Amounts are drawn in Mexican pesos and converted with round figures: the demo needs plausible sizes, not rates.
PESO_IN = {"MXN": Decimal("1"), "GTQ": Decimal("0.45"), "HNL": Decimal("1.4"), "USD": Decimal("0.058")}
NIO_PER_PESO = Decimal("2.1")

# (service type, share of the victims located alive who receive it, most sessions or records)
VICTIM_SERVICES: tuple[tuple[str, float, int], ...] = (
    (ServiceType.PSYCHOLOGICAL, 0.80, 4),
    (ServiceType.MEDICAL, 0.65, 2),
    (ServiceType.HUMANITARIAN_AID, 0.55, 2),
    (ServiceType.SOCIAL_WORK, 0.40, 2),
    (ServiceType.FAMILY_REUNIFICATION, 0.40, 1),
    (ServiceType.LEGAL_ADVICE, 0.35, 2),
    (ServiceType.EMERGENCY_SHELTER, 0.35, 1),
    (ServiceType.TRANSITIONAL_HOME, 0.10, 1),
    (ServiceType.VOCATIONAL_TRAINING, 0.10, 1),
    (ServiceType.EDUCATION, 0.08, 1),
    (ServiceType.PRODUCTIVE_PROJECT, 0.05, 1),
    (ServiceType.RELOCATION, 0.05, 1),
)
# (service type, share of the families, most records) while searching, after she was found alive, after her death.
FAMILY_SERVICES: dict[str, tuple[tuple[str, float, int], ...]] = {
    "searching": (
        (ServiceType.PSYCHOLOGICAL, 0.30, 3),
        (ServiceType.LEGAL_ADVICE, 0.15, 1),
        (ServiceType.HUMANITARIAN_AID, 0.10, 1),
    ),
    "alive": (
        (ServiceType.PSYCHOLOGICAL, 0.35, 3),
        (ServiceType.LEGAL_ADVICE, 0.15, 1),
        (ServiceType.HUMANITARIAN_AID, 0.15, 1),
    ),
    "deceased": (
        (ServiceType.PSYCHOLOGICAL, 0.70, 4),
        (ServiceType.LEGAL_ADVICE, 0.50, 2),
        (ServiceType.HUMANITARIAN_AID, 0.40, 1),
    ),
}
COSTED_SERVICES: dict[str, tuple[int, int]] = {
    ServiceType.MEDICAL: (300, 4500),
    ServiceType.HUMANITARIAN_AID: (500, 6000),
    ServiceType.EMERGENCY_SHELTER: (1500, 9000),
    ServiceType.TRANSITIONAL_HOME: (4000, 20000),
    ServiceType.REPATRIATION: (2500, 15000),
}
# Category: (weight after she was found, weight while searching, range in pesos, description or "")
EXPENSES: dict[str, tuple[int, int, tuple[int, int], str]] = {
    ExpenseCategory.TRANSPORT: (18, 20, (80, 900), "Taxis y transporte local"),
    ExpenseCategory.FOOD: (16, 18, (100, 1200), "Alimentos"),
    ExpenseCategory.TRAVEL_FARES: (12, 30, (300, 4500), "Boletos de autobús para la familia"),
    ExpenseCategory.PER_DIEM: (8, 22, (200, 900), "Viáticos de búsqueda"),
    ExpenseCategory.CLOTHING: (10, 0, (300, 2000), "Ropa y calzado"),
    ExpenseCategory.PERSONAL_ARTICLES: (10, 0, (150, 1200), "Artículos de higiene personal"),
    ExpenseCategory.MEDICINE: (9, 0, (100, 2500), ""),
    ExpenseCategory.LAB_EXAMS: (6, 0, (300, 3000), "Estudios de laboratorio"),
    ExpenseCategory.HOUSING: (5, 0, (1500, 6000), "Renta de un mes"),
    ExpenseCategory.REUNIFICATION: (4, 0, (2000, 15000), "Traslado para la reunificación familiar"),
    ExpenseCategory.RELOCATION: (2, 0, (5000, 30000), "Reubicación por seguridad"),
}
EXPENSES_FOUND = Weighted({c: w for c, (w, _s, _r, _d) in EXPENSES.items() if w})
EXPENSES_SEARCHING = Weighted({c: s for c, (_w, s, _r, _d) in EXPENSES.items() if s})


def amount(rng: random.Random, pesos: tuple[int, int], currency: str) -> Decimal:
    """An amount drawn in pesos, converted with a round factor, rounded like a receipt (to 5 or to cents)."""
    factor = NIO_PER_PESO if currency == "NIO" else PESO_IN.get(currency, Decimal("1"))
    value = Decimal(rng.randint(*pesos)) * factor
    if rng.random() < 0.7:
        return (value / 5).quantize(Decimal("1")) * 5 + Decimal("0.00")
    return value.quantize(Decimal("0.01"))


class Care(Step):
    """Services and expenses of each case, written batch by batch."""

    def __init__(self, rng: random.Random, now: datetime, people: People, partner_by_country: dict[str, int]) -> None:
        super().__init__(rng, now, people)
        self.partner_by_country = partner_by_country  # the demo organisation of each country, for repatriations
        self.services = Rows(Service)
        self.expenses = Rows(Expense)

    def record_services(self, case: CaseInfo, located_abroad: bool) -> None:
        """Services to the family while searching and after, and to her once found alive."""
        rng = self.rng
        today = self.today
        currency = CURRENCY.get(case.org_country, "USD")
        carer = self.people.signer(case, Role.CASEWORKER, Role.COORDINATOR)
        health = self.people.signer(case, Role.HEALTH, Role.COORDINATOR)

        def add(service_type: str, recipient: str, start: date, end: date, phase: str, sessions: int = 1) -> None:
            day = start
            for _n in range(sessions):
                if day > end:
                    return
                provider, partner = ProviderKind.OWN, None
                roll = rng.random()
                partner_there = self.partner_by_country.get(case.place_country)
                if service_type == ServiceType.REPATRIATION and partner_there not in (None, case.organisation_id):
                    if roll < 0.5:
                        provider, partner = ProviderKind.PARTNER, partner_there
                elif roll < 0.08:
                    provider = ProviderKind.UNKNOWN
                cost: Decimal | None = None
                if service_type in COSTED_SERVICES and rng.random() < 0.4:
                    cost = (
                        Decimal("0.00") if rng.random() < 0.15 else amount(rng, COSTED_SERVICES[service_type], currency)
                    )
                self.services.add(
                    case_id=case.id,
                    service_type=service_type,
                    recipient=recipient,
                    family_relationship=case.family_relationship if recipient == ServiceRecipient.FAMILY else "",
                    phase=Phase.UNKNOWN if rng.random() < 0.08 else phase,
                    given_on=day,
                    provider=provider,
                    partner_id=partner,
                    cost=cost,
                    currency=currency if cost is not None else "",
                    recorded_by_id=health
                    if service_type in (ServiceType.MEDICAL, ServiceType.PSYCHOLOGICAL)
                    else carer,
                    created_at=self.moment(day),
                )
                day = days_after(rng, day, 7, 35)

        care_end = case.care_end(today)
        if case.located_on is None:
            if case.status not in NOT_YET_OPEN:
                search_end = case.end(today)
                for service_type, share, most in FAMILY_SERVICES["searching"]:
                    if rng.random() < share:
                        first = day_between(rng, case.reported_on, search_end)
                        add(
                            service_type,
                            ServiceRecipient.FAMILY,
                            first,
                            search_end,
                            Phase.BEFORE_RESCUE,
                            rng.randint(1, most),
                        )
            return
        found = case.located_on
        deceased = case.located_result == S.LOCATED_DECEASED
        # The family is often accompanied during the search too.
        for service_type, share, most in FAMILY_SERVICES["searching"]:
            if rng.random() < share * 0.6 and case.reported_on < found:
                add(
                    service_type,
                    ServiceRecipient.FAMILY,
                    day_between(rng, case.reported_on, found),
                    found,
                    Phase.BEFORE_RESCUE,
                    rng.randint(1, most),
                )
        for service_type, share, most in FAMILY_SERVICES["deceased" if deceased else "alive"]:
            if rng.random() < share:
                first = min(days_after(rng, found, 0, 30), care_end)
                add(service_type, ServiceRecipient.FAMILY, first, care_end, Phase.AFTER_RESCUE, rng.randint(1, most))
        if deceased:
            return
        for service_type, share, most in VICTIM_SERVICES:
            if rng.random() < share:
                first = min(days_after(rng, found, 0, 60 if most > 1 else 20), care_end)
                add(service_type, ServiceRecipient.VICTIM, first, care_end, Phase.AFTER_RESCUE, rng.randint(1, most))
        if located_abroad and rng.random() < 0.75:
            add(
                ServiceType.REPATRIATION,
                ServiceRecipient.VICTIM,
                min(days_after(rng, found, 1, 30), care_end),
                care_end,
                Phase.AFTER_RESCUE,
            )

    def record_expenses(self, case: CaseInfo) -> None:
        """Humanitarian expenses while searching and after she was found, in the organisation's currency."""
        rng = self.rng
        today = self.today
        currency = CURRENCY.get(case.org_country, "USD")
        recorder = self.people.signer(case, Role.CASEWORKER, Role.COORDINATOR)
        lines: list[tuple[str, date]] = []
        if case.status in NOT_YET_OPEN:
            return
        if case.located_on is None:
            if rng.random() < 0.25:
                end = case.end(today)
                for _n in range(rng.randint(1, 3)):
                    lines.append((EXPENSES_SEARCHING.pick(rng), day_between(rng, case.reported_on, end)))
        else:
            deceased = case.located_result == S.LOCATED_DECEASED
            if rng.random() < (0.4 if deceased else 0.6):
                end = case.care_end(today)
                table = EXPENSES_SEARCHING if deceased else EXPENSES_FOUND
                for _n in range(rng.randint(1, 3 if deceased else 6)):
                    lines.append((table.pick(rng), min(days_after(rng, case.located_on, 0, 90), end)))
        for category, day in lines:
            _found, _searching, pesos, description = EXPENSES[category]
            self.expenses.add(
                case_id=case.id,
                category=category,
                spent_on=day,
                amount=amount(rng, pesos, currency),
                currency=currency,
                description=description if rng.random() < 0.5 else "",
                recorded_by_id=recorder,
                created_at=self.moment(day),
            )

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        tally(counts, "services", self.services.write(batch_size))
        tally(counts, "expenses", self.expenses.write(batch_size))
