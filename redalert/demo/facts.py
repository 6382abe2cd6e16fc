"""What happened in the demo cases after the report: trafficking facts and route, outcome, legal proceedings,
services and expenses, and Red Alerts to authorities. Everything here is invented.

`seed_case_facts(rng, cases, now)` adds these rows to case files written by redalert.demo.generate (or any cases
that keep the same invariants), consistent with each case's status and dates:

- a located case (located_on set) has one Outcome dated located_on, alive or deceased as its status history says;
- trafficking facts for a share of the cases past verification, more often for those located; a woman still
  missing is at most a possible victim (mostly), and what is not known stays not known ([] for "not recorded",
  ["NotKnown"], "unknown"), so that the statistics show their "no data" rows;
- route stops (recruitment where she was last seen, transit, exploitation mostly in another state or country,
  places from the loaded gazetteer) dated between the day she was last seen and the day she was located (or the
  case was closed, or today), some undated, some without a place;
- legal proceedings only for cases whose current consent to legal representation is granted, the complaint after
  that consent, a status history that follows the proceeding's statuses (a decline with its reason), accused
  persons convicted or acquitted on the day of the sentence;
- services to the victim after she was located; to the family before (while searching) and after; humanitarian
  expenses in the currency of the organisation's country (Decimal, never summed across currencies);
- Red Alerts only for cases whose consent to share with authorities is granted, issued during the active search
  to authorities of a small directory per organisation, cancelled once she was located. Their messages are
  recorded as already sent, and every deadline of the escalation rules that passed without an acknowledgement has
  its escalation recorded, so the worker finds nothing to send or escalate.

Nothing is dated after `now`. The same rng state, cases and `now` give the same rows (only the secret nonce of
each alert recipient is drawn from `secrets`). Rows are written batch by batch of cases with
redalert.demo.generate.Rows; the ids the next table needs are read back by their natural keys. As in generate, no
per-object service is called (each would audit every object): the caller audits the seeding as a whole.
"""

from __future__ import annotations

import bisect
import itertools
import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from redalert.accounts.models import Organisation, RoleAssignment
from redalert.accounts.roles import Role
from redalert.alerts.models import (
    Acknowledgement,
    Alert,
    AlertKind,
    Authority,
    AuthorityContact,
    AuthorityType,
    ContactChannel,
    Delivery,
    Escalation,
    Level,
    Recipient,
)
from redalert.care.choices import ExpenseCategory, Phase, ProviderKind, ServiceType
from redalert.care.choices import Recipient as ServiceRecipient
from redalert.care.models import Expense, Service
from redalert.cases.choices import CaseStatus, Relationship, YesNoUnknown
from redalert.cases.models import Case, FamilyContact, TeamMembership, TimelineEvent, TimelineKind
from redalert.consent.models import CurrentConsent, Decision, Purpose
from redalert.demo.generate import BATCH_SIZE, Rows
from redalert.demo.words import FEMALE_NAMES, MALE_NAMES, SURNAMES
from redalert.investigation.choices import (
    NOT_KNOWN,
    EventType,
    HowLocated,
    MethodOfControl,
    MethodOfRecruitment,
    OutcomeResult,
    RelationshipToTrafficker,
    TraffickingStatus,
    TypeOfExploitation,
    TypeOfSexExploitation,
    WebsiteOrApp,
)
from redalert.investigation.models import Outcome, TraffickingEvent, TraffickingFacts
from redalert.legal.choices import AccusedOutcome, DeclineReason, ProceedingStatus
from redalert.legal.choices import Authority as ProsecutorLevel
from redalert.legal.models import Accused, Proceeding, StatusChange
from redalert.outbox.models import Channel, OutboundMessage, Status
from redalert.places.models import Place, PlaceKind
from redalert.public.cap_xml import CapReference, cap_datetime, cap_sender, site_host

S = CaseStatus
LOCATED = (S.LOCATED_ALIVE, S.LOCATED_DECEASED)
NOT_YET_OPEN = (S.REPORTED, S.VERIFICATION)
CURRENCY = {"MX": "MXN", "GT": "GTQ", "HN": "HNL", "SV": "USD", "NI": "NIO"}
# Amounts are drawn in Mexican pesos and converted with round figures: the demo needs plausible sizes, not rates.
PESO_IN = {"MXN": Decimal("1"), "GTQ": Decimal("0.45"), "HNL": Decimal("1.4"), "USD": Decimal("0.058")}
NIO_PER_PESO = Decimal("2.1")
ALERT_SHARE = 0.3  # of the cases that may be alerted (consent to share with authorities, searched long enough)


class Weighted:
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, table: dict[Any, float] | Sequence[tuple[Any, float]]) -> None:
        pairs = list(table.items()) if isinstance(table, dict) else list(table)
        self.items = [item for item, _weight in pairs]
        self.cum = list(itertools.accumulate(weight for _item, weight in pairs))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]

    def sample(self, rng: random.Random, n: int) -> list[Any]:
        """Up to n distinct items, each drawn by weight."""
        chosen: list[Any] = []
        for _attempt in range(n * 4):
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
            if len(chosen) == n:
                break
        return chosen


# ---------------------------------------------------------------------------------------------------------------
# Value tables (shares are weights, not percentages)
# ---------------------------------------------------------------------------------------------------------------

HOW_ALIVE = Weighted(
    {
        HowLocated.RESCUE_OPERATION: 24,
        HowLocated.AUTHORITIES: 18,
        HowLocated.RETURNED: 15,
        HowLocated.TIP: 13,
        HowLocated.FAMILY: 12,
        HowLocated.OTHER: 4,
        HowLocated.UNKNOWN: 14,
    }
)
HOW_DECEASED = Weighted(
    {HowLocated.AUTHORITIES: 55, HowLocated.FAMILY: 9, HowLocated.TIP: 10, HowLocated.OTHER: 5, HowLocated.UNKNOWN: 21}
)
OUTCOME_DETAILS = {
    HowLocated.RESCUE_OPERATION: "Rescatada en un operativo de la fiscalía en un bar.",
    HowLocated.RETURNED: "Regresó a casa por sus propios medios y se comunicó con su madre.",
    HowLocated.TIP: "Localizada tras una pista enviada por el sitio público.",
    HowLocated.FAMILY: "La familia la encontró en casa de una conocida.",
    HowLocated.AUTHORITIES: "La policía la localizó en una revisión de rutina.",
}

STATUS_LOCATED_ALIVE = Weighted(
    {
        TraffickingStatus.ACTUAL: 64,
        TraffickingStatus.POSSIBLE: 16,
        TraffickingStatus.NOT_A_VICTIM: 12,
        TraffickingStatus.UNKNOWN: 8,
    }
)
STATUS_LOCATED_DECEASED = Weighted(
    {
        TraffickingStatus.ACTUAL: 42,
        TraffickingStatus.POSSIBLE: 26,
        TraffickingStatus.NOT_A_VICTIM: 10,
        TraffickingStatus.UNKNOWN: 22,
    }
)
STATUS_MISSING = Weighted({TraffickingStatus.POSSIBLE: 58, TraffickingStatus.UNKNOWN: 37, TraffickingStatus.ACTUAL: 5})

EXPLOITATION = Weighted(
    {
        TypeOfExploitation.SEXUAL: 70,
        TypeOfExploitation.FORCED_LABOUR: 10,
        TypeOfExploitation.DOMESTIC_SERVITUDE: 5,
        TypeOfExploitation.FORCED_BEGGING: 4,
        TypeOfExploitation.FORCED_MARRIAGE: 4,
        TypeOfExploitation.CRIMINAL_ACTIVITIES: 4,
        TypeOfExploitation.SERVITUDE: 1,
        TypeOfExploitation.FORCED_ADOPTION: 1,
        TypeOfExploitation.OTHER: 1,
    }
)
SEX_EXPLOITATION = Weighted(
    {
        TypeOfSexExploitation.PROSTITUTION: 70,
        TypeOfSexExploitation.PRIVATE: 12,
        TypeOfSexExploitation.PORNOGRAPHY: 10,
        TypeOfSexExploitation.REMOTE: 8,
    }
)
RECRUITMENT = Weighted(
    {
        MethodOfRecruitment.ONLINE_SOCIAL: 30,
        MethodOfRecruitment.FRIENDS: 18,
        MethodOfRecruitment.ONLINE_AD: 8,
        MethodOfRecruitment.FAMILY: 8,
        MethodOfRecruitment.AT_WORK: 6,
        MethodOfRecruitment.PLACE_OF_BUSINESS: 5,
        MethodOfRecruitment.EDUCATIONAL: 4,
        MethodOfRecruitment.NEWSPAPER_AD: 1,
        MethodOfRecruitment.OTHER: 3,
    }
)
ONLINE = {MethodOfRecruitment.ONLINE_SOCIAL, MethodOfRecruitment.ONLINE_AD}
APPS = Weighted(
    {
        WebsiteOrApp.FACEBOOK: 35,
        WebsiteOrApp.WHATSAPP: 25,
        WebsiteOrApp.INSTAGRAM: 15,
        WebsiteOrApp.TIKTOK: 10,
        WebsiteOrApp.MESSENGER: 10,
        WebsiteOrApp.TELEGRAM: 3,
        WebsiteOrApp.OTHER: 2,
    }
)
CONTROL = Weighted(
    {
        MethodOfControl.FALSE_PROMISES: 22,
        MethodOfControl.PHYSICAL_THREATS: 16,
        MethodOfControl.THREATENS_FAMILY: 14,
        MethodOfControl.PSYCHOLOGICAL_ABUSE: 12,
        MethodOfControl.DEBT_BONDAGE: 9,
        MethodOfControl.TAKES_EARNINGS: 9,
        MethodOfControl.PHYSICAL_ABUSE: 9,
        MethodOfControl.SEXUAL_ABUSE: 8,
        MethodOfControl.PSYCHOACTIVE: 7,
        MethodOfControl.WITHHOLDS_DOCUMENTS: 7,
        MethodOfControl.EXCESSIVE_HOURS: 4,
        MethodOfControl.THREATS_LAW: 4,
        MethodOfControl.RESTRICTS_FINANCIAL: 3,
        MethodOfControl.WITHHOLDS_NECESSITIES: 3,
        MethodOfControl.RESTRICTS_MEDICAL: 2,
    }
)
RELATIONSHIP = Weighted(
    {
        RelationshipToTrafficker.ACQUAINTED: 33,
        RelationshipToTrafficker.UNACQUAINTED: 22,
        RelationshipToTrafficker.FAMILIAL: 8,
        RelationshipToTrafficker.UNKNOWN: 37,
    }
)
ORGANISED_CRIME = {
    TraffickingStatus.ACTUAL: Weighted({YesNoUnknown.YES: 30, YesNoUnknown.NO: 12, YesNoUnknown.UNKNOWN: 58}),
    TraffickingStatus.POSSIBLE: Weighted({YesNoUnknown.YES: 10, YesNoUnknown.NO: 5, YesNoUnknown.UNKNOWN: 85}),
    TraffickingStatus.NOT_A_VICTIM: Weighted({YesNoUnknown.NO: 60, YesNoUnknown.UNKNOWN: 40}),
    TraffickingStatus.UNKNOWN: Weighted({YesNoUnknown.UNKNOWN: 1}),
}
RECRUITMENT_DETAILS = (
    "Le ofrecieron trabajo como mesera en otra ciudad.",
    "Un hombre que conoció por redes sociales la convenció de irse con él.",
    "Una conocida le prometió empleo en un restaurante.",
    "Respondió a un anuncio de trabajo de edecán.",
    "Su novio la llevó a otro estado con promesas de una vida mejor.",
    "Le ofrecieron trabajo en el servicio doméstico con buen sueldo.",
    "Le prometieron cruzarla a Estados Unidos y conseguirle empleo.",
)
NOT_A_VICTIM_NOTES = (
    "Se fue por voluntad propia con su pareja; no hay indicios de trata.",
    "Salió de casa tras un conflicto familiar; no se identificaron indicios de explotación.",
)
EVENT_DESCRIPTIONS = {
    EventType.RECRUITMENT: (
        "Salió de casa para una supuesta entrevista de trabajo.",
        "La recogieron en una camioneta.",
    ),
    EventType.TRANSIT: ("Trasladada en autobús con otras jóvenes.", "La retuvieron unos días en un hotel."),
    EventType.EXPLOITATION: ("Explotada en un bar de la zona centro.", "Obligada a trabajar en una casa particular."),
}
PLACE_DETAILS = ("Bar en la zona de tolerancia", "Hotel cerca de la central de autobuses", "Casa en las afueras")

# Subdivisions (ISO 3166-2) where exploitation is recorded most often; absent ones are skipped.
MX_DESTINATIONS: dict[str, float] = {
    "MX-CMX": 16,
    "MX-MEX": 14,
    "MX-JAL": 10,
    "MX-NLE": 9,
    "MX-ROO": 9,
    "MX-BCN": 8,
    "MX-CHH": 6,
    "MX-PUE": 6,
    "MX-CHP": 6,
    "MX-TLA": 5,
    "MX-GRO": 4,
    "MX-VER": 4,
    "MX-GUA": 3,
}
CENTRAL_AMERICA_TO_MX: dict[str, float] = {
    "MX-CHP": 30,
    "MX-CMX": 12,
    "MX-ROO": 10,
    "MX-NLE": 8,
    "MX-MEX": 8,
    "MX-TAM": 6,
    "MX-BCN": 6,
    "MX-VER": 6,
}
US_DESTINATIONS: dict[str, float] = {"US-TX": 4, "US-CA": 3, "US-NY": 2, "US-GA": 1}
MAIN_SUBDIVISIONS = {
    "GT": ("GT-01", "GT-09", "GT-05", "GT-17"),
    "HN": ("HN-FM", "HN-CR", "HN-AT"),
    "SV": ("SV-SS", "SV-LI"),
    "NI": ("NI-MN",),
}
BORDER_TRANSIT = {"to_mx": ("MX-CHP", "GT-12", "GT-13"), "to_us": ("MX-TAM", "MX-CHH", "MX-SON", "MX-BCN")}

CRIMES = {
    "trafficking": ("Trata de personas", "Privación ilegal de la libertad", "Corrupción de menores"),
    "deceased": ("Feminicidio", "Homicidio", "Desaparición cometida por particulares"),
    "missing": ("Desaparición cometida por particulares", "Privación ilegal de la libertad"),
}
PROSECUTOR_NAMES = {
    "MX": ("FEVIMTRA, Fiscalía General de la República", "Fiscalía Especializada en Trata de Personas, {state}"),
    "GT": ("Fiscalía contra la Trata de Personas, Ministerio Público", "Fiscalía Distrital, {state}"),
    "HN": ("Fiscalía Especial contra el Crimen Organizado (Trata), Ministerio Público", "Fiscalía Regional, {state}"),
}
DECLINE = Weighted(
    {
        DeclineReason.PERPETRATOR_UNKNOWN: 35,
        DeclineReason.INSUFFICIENT_EVIDENCE: 35,
        DeclineReason.COMPLAINT_WITHDRAWN: 15,
        DeclineReason.OTHER: 5,
        DeclineReason.UNKNOWN: 10,
    }
)
ACCUSED_ROLES = ("Reclutador", "Tratante", "Encargada del lugar de explotación", "Chofer", "Enganchador", "Cómplice")

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
FAMILY_RELATIONSHIPS = {
    Relationship.MOTHER,
    Relationship.FATHER,
    Relationship.SIBLING,
    Relationship.GRANDPARENT,
    Relationship.OTHER_RELATIVE,
    Relationship.PARTNER,
    Relationship.CHILD,
}

# The directory of authorities a demo organisation alerts: (name, level, type, country, state code, share acknowledged)
DIRECTORY: dict[str, tuple[tuple[str, str, str, str, str, float], ...]] = {
    "MX": (
        (
            "Fiscalía Especial para los Delitos de Violencia contra las Mujeres y Trata de Personas (FEVIMTRA)",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "MX",
            "",
            0.7,
        ),
        ("Comisión Nacional de Búsqueda de Personas", Level.FEDERAL, AuthorityType.SEARCH_COMMISSION, "MX", "", 0.6),
        ("Instituto Nacional de Migración", Level.FEDERAL, AuthorityType.MIGRATION, "MX", "", 0.35),
        ("Comisión Nacional de los Derechos Humanos", Level.FEDERAL, AuthorityType.HUMAN_RIGHTS, "MX", "", 0.5),
    ),
    "GT": (
        (
            "Ministerio Público, Fiscalía contra la Trata de Personas",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "GT",
            "",
            0.7,
        ),
        (
            "Policía Nacional Civil, División Especializada en Investigación Criminal",
            Level.FEDERAL,
            AuthorityType.POLICE,
            "GT",
            "",
            0.5,
        ),
        (
            "Secretaría contra la Violencia Sexual, Explotación y Trata de Personas (SVET)",
            Level.FEDERAL,
            AuthorityType.OTHER,
            "GT",
            "",
            0.55,
        ),
        ("Procuraduría de los Derechos Humanos", Level.FEDERAL, AuthorityType.HUMAN_RIGHTS, "GT", "", 0.45),
        ("Consulado de Guatemala en Tapachula", Level.INTERNATIONAL, AuthorityType.CONSULATE, "MX", "MX-CHP", 0.6),
    ),
    "HN": (
        (
            "Ministerio Público, Fiscalía Especial contra la Trata de Personas",
            Level.FEDERAL,
            AuthorityType.PROSECUTOR,
            "HN",
            "",
            0.65,
        ),
        (
            "Policía Nacional, Dirección Policial de Investigaciones",
            Level.FEDERAL,
            AuthorityType.POLICE,
            "HN",
            "",
            0.45,
        ),
        (
            "Comisión Interinstitucional contra la Explotación Sexual Comercial y Trata de Personas (CICESCT)",
            Level.FEDERAL,
            AuthorityType.OTHER,
            "HN",
            "",
            0.55,
        ),
        (
            "Comisionado Nacional de los Derechos Humanos (CONADEH)",
            Level.FEDERAL,
            AuthorityType.HUMAN_RIGHTS,
            "HN",
            "",
            0.45,
        ),
        ("Consulado de Honduras en Tapachula", Level.INTERNATIONAL, AuthorityType.CONSULATE, "MX", "MX-CHP", 0.6),
    ),
}
# Mexican demo organisations also alert the prosecutor of the state where she was last seen.
STATE_PROSECUTOR = "Fiscalía General del Estado de {state}"
STATE_PROSECUTOR_NAMES = {"MX-CMX": "Fiscalía General de Justicia de la Ciudad de México"}
STATE_PROSECUTOR_ACK = 0.55
ALERT_RESTRICTION = "Solo para las autoridades destinatarias: datos compartidos con el consentimiento de la familia."
ACK_ACTIONS = (
    "Se inició carpeta de investigación.",
    "Se difundió la ficha entre las corporaciones.",
    "Se activó el protocolo de búsqueda.",
    "",
    "",
)


# ---------------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------------


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _days_after(rng: random.Random, start: date, low: int, high: int) -> date:
    return start + timedelta(days=rng.randint(low, high))


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _amount(rng: random.Random, pesos: tuple[int, int], currency: str) -> Decimal:
    """An amount drawn in pesos, converted with a round factor, rounded like a receipt (to 5 or to cents)."""
    factor = NIO_PER_PESO if currency == "NIO" else PESO_IN.get(currency, Decimal("1"))
    value = Decimal(rng.randint(*pesos)) * factor
    if rng.random() < 0.7:
        return (value / 5).quantize(Decimal("1")) * 5 + Decimal("0.00")
    return value.quantize(Decimal("0.01"))


def _person_name(rng: random.Random) -> str:
    given = rng.choice(MALE_NAMES) if rng.random() < 0.75 else rng.choice(FEMALE_NAMES)
    return f"{given} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


# ---------------------------------------------------------------------------------------------------------------
# What the generator reads: cases, people, places, the directory
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class CaseInfo:
    """One case, with what its facts must agree with."""

    id: int
    reference: str
    organisation_id: int
    org_country: str
    status: str
    reported_at: datetime
    last_seen_on: date
    located_on: date | None
    closed_on: date | None
    place_id: int | None
    place_country: str
    subdivision_id: int | None
    nationalities: list[str]
    team: list[int] = field(default_factory=list)
    consents: dict[str, date] = field(default_factory=dict)  # purpose → day of the current grant
    active_at: datetime | None = None
    located_at: datetime | None = None
    located_result: str | None = None
    family_relationship: str = Relationship.UNKNOWN

    @property
    def reported_on(self) -> date:
        return _local_date(self.reported_at)

    def end(self, today: date) -> date:
        """The last day things happened in the search: located, else closed, else today."""
        return min(self.located_on or self.closed_on or today, today)

    def care_end(self, today: date) -> date:
        """The last day of care: the closure, else today."""
        return min(self.closed_on or today, today)


class People:
    """The staff of each organisation by role, to sign what they recorded."""

    def __init__(self, organisation_ids: Iterable[int]) -> None:
        self.roles: dict[int, set[str]] = defaultdict(set)
        self.by_org: dict[int, dict[str, int]] = defaultdict(dict)
        self.any_member: dict[int, int] = {}
        rows = (
            RoleAssignment.objects.filter(user__organisation_id__in=list(organisation_ids), user__is_active=True)
            .order_by("user_id", "role")
            .values_list("user_id", "user__organisation_id", "role")
        )
        for user_id, org_id, role in rows:
            self.roles[user_id].add(role)
            self.by_org[org_id].setdefault(role, user_id)
            self.any_member.setdefault(org_id, user_id)

    def coordinator(self, org_id: int) -> int | None:
        staff = self.by_org.get(org_id, {})
        return staff.get(Role.COORDINATOR) or staff.get(Role.CASEWORKER) or self.any_member.get(org_id)

    def on_team(self, case: CaseInfo, role: str) -> int | None:
        return next((u for u in case.team if role in self.roles.get(u, ())), None)

    def signer(self, case: CaseInfo, *roles: str) -> int | None:
        """The first team member with one of these roles, else the organisation's coordinator."""
        for role in roles:
            user = self.on_team(case, role)
            if user is not None:
                return user
        return self.coordinator(case.organisation_id)


class RoutePlaces:
    """Gazetteer places for route stops: localities by subdivision (bigger towns more likely), subdivisions by code."""

    def __init__(self) -> None:
        self.subdivision_by_code: dict[str, int] = {}
        self.subdivision_country: dict[int, str] = {}
        self.subdivision_name: dict[int, str] = {}
        self.subdivision_code: dict[int, str] = {}
        self.subdivisions_of: dict[str, list[int]] = defaultdict(list)
        self.country_place: dict[str, int] = {}
        self.country_of: dict[int, str] = {}
        countries = set(CURRENCY) | {"US"}
        for pk, kind, code, name, country in (
            Place.objects.filter(kind__in=[PlaceKind.COUNTRY, PlaceKind.SUBDIVISION], country_code__in=countries)
            .order_by("pk")
            .values_list("pk", "kind", "code", "name", "country_code")
        ):
            self.country_of[pk] = country
            if kind == PlaceKind.COUNTRY:
                self.country_place[country] = pk
            else:
                self.subdivision_by_code[code] = pk
                self.subdivision_country[pk] = country
                self.subdivision_name[pk] = name
                self.subdivision_code[pk] = code
                self.subdivisions_of[country].append(pk)
        towns: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for pk, subdivision_id, population, country in (
            Place.objects.filter(kind=PlaceKind.LOCALITY, country_code__in=countries, subdivision__isnull=False)
            .order_by("pk")
            .values_list("pk", "subdivision_id", "population", "country_code")
        ):
            self.country_of[pk] = country
            towns[subdivision_id].append((pk, max(population or 10_000, 1_000) ** 0.5))
        self.towns = {sub: Weighted(rows) for sub, rows in towns.items()}
        self._present: dict[tuple[tuple[str, ...], int | None], Weighted] = {}

    def subdivision(self, code: str) -> int | None:
        return self.subdivision_by_code.get(code)

    def in_subdivision(self, rng: random.Random, subdivision_id: int | None, *, town_share: float = 0.8) -> int | None:
        """A town of the subdivision, sometimes only the subdivision (the state is known, not the town)."""
        if subdivision_id is None:
            return None
        towns = self.towns.get(subdivision_id)
        if towns and rng.random() < town_share:
            return int(towns.pick(rng))
        return subdivision_id

    def pick_code(self, rng: random.Random, table: dict[str, float], exclude: int | None = None) -> int | None:
        """A subdivision of `table` (code → weight) that the gazetteer has, other than `exclude`; None if none."""
        key = (tuple(table), exclude)
        choices = self._present.get(key)
        if choices is None:
            present = [(self.subdivision_by_code[c], w) for c, w in table.items() if c in self.subdivision_by_code]
            choices = self._present[key] = Weighted([(pk, w) for pk, w in present if pk != exclude])
        return int(choices.pick(rng)) if choices else None

    def destination(self, rng: random.Random, case: CaseInfo) -> int | None:
        """The subdivision where she was exploited: mostly another state or country than where she was last seen."""
        home = case.subdivision_id
        roll = rng.random()
        if case.place_country == "MX":
            if roll < 0.10:
                return home
            if roll < 0.16:
                return self.pick_code(rng, US_DESTINATIONS) or self.pick_code(rng, MX_DESTINATIONS, exclude=home)
            return self.pick_code(rng, MX_DESTINATIONS, exclude=home) or home
        if roll < 0.45:
            return self.pick_code(rng, CENTRAL_AMERICA_TO_MX) or home
        if roll < 0.75:
            main = MAIN_SUBDIVISIONS.get(case.place_country, ())
            return self.pick_code(rng, dict.fromkeys(main, 1.0), exclude=home) if main else home
        if roll < 0.90:
            others = [c for country, codes in MAIN_SUBDIVISIONS.items() if country != case.place_country for c in codes]
            return self.pick_code(rng, dict.fromkeys(others, 1.0)) or home
        return self.pick_code(rng, US_DESTINATIONS) or home

    def transit(self, rng: random.Random, case: CaseInfo, destination: int | None) -> int | None:
        """A subdivision she was moved through on the way, or None when the route had no recorded stop."""
        to_country = self.subdivision_country.get(destination or 0, case.place_country)
        if to_country == case.place_country:
            if rng.random() < 0.75:
                return None
            pool = self.subdivisions_of.get(to_country, [])
            choices = [pk for pk in pool if pk not in (case.subdivision_id, destination)]
            return rng.choice(choices) if choices else None
        if rng.random() < 0.25:
            return None
        codes = BORDER_TRANSIT["to_us"] if to_country == "US" else BORDER_TRANSIT["to_mx"]
        return self.pick_code(rng, dict.fromkeys(codes, 1.0), exclude=destination)


@dataclass
class Contact:
    authority_id: int
    contact_id: int
    address: str
    ack_share: float
    kind: str


class Directory:
    """The authorities each organisation alerts (created once, kept on later runs), by role in an alert."""

    def __init__(self, organisations: Iterable[Organisation], places: RoutePlaces) -> None:
        self.prosecutor: dict[int, Contact] = {}
        self.state_prosecutors: dict[tuple[int, int], Contact] = {}
        self.others: dict[int, list[Contact]] = defaultdict(list)
        for org in organisations:
            entries = DIRECTORY.get(org.country)
            if not entries:
                continue
            for name, level, kind, country, state_code, ack in entries:
                contact = self._entry(org, name, level, kind, country, places.subdivision(state_code), ack)
                if kind == AuthorityType.PROSECUTOR and org.pk not in self.prosecutor:
                    self.prosecutor[org.pk] = contact
                else:
                    self.others[org.pk].append(contact)
            if org.country == "MX":
                for subdivision_id in places.subdivisions_of.get("MX", []):
                    state = places.subdivision_name[subdivision_id]
                    self.state_prosecutors[(org.pk, subdivision_id)] = self._entry(
                        org,
                        STATE_PROSECUTOR_NAMES.get(places.subdivision_code[subdivision_id])
                        or STATE_PROSECUTOR.format(state=state),
                        Level.STATE,
                        AuthorityType.PROSECUTOR,
                        "MX",
                        subdivision_id,
                        STATE_PROSECUTOR_ACK,
                    )

    @staticmethod
    def _entry(
        org: Organisation, name: str, level: str, kind: str, country: str, subdivision_id: int | None, ack: float
    ) -> Contact:
        authority, _created = Authority.objects.get_or_create(
            organisation=org,
            name=name,
            defaults={"level": level, "kind": kind, "country_code": country, "subdivision_id": subdivision_id},
        )
        address = f"alertas.{authority.pk}.{org.code.lower()}@example.org"
        contact = authority.contacts.filter(channel=ContactChannel.EMAIL).order_by("pk").first()
        if contact is None:
            contact = AuthorityContact.objects.create(
                authority=authority, label="Oficialía de partes", channel=ContactChannel.EMAIL, address=address
            )
        return Contact(authority.pk, contact.pk, contact.address, ack, kind)

    def recipients(self, rng: random.Random, case: CaseInfo) -> list[Contact]:
        """The prosecutor (of her state, where the directory has it), then some of the other authorities."""
        chosen: list[Contact] = []
        state = self.state_prosecutors.get((case.organisation_id, case.subdivision_id or 0))
        national = self.prosecutor.get(case.organisation_id)
        if state is not None:
            chosen.append(state)
            if national is not None and rng.random() < 0.5:
                chosen.append(national)
        elif national is not None:
            chosen.append(national)
        shares: dict[str, float] = {
            AuthorityType.SEARCH_COMMISSION: 0.7,
            AuthorityType.POLICE: 0.7,
            AuthorityType.OTHER: 0.4,
            AuthorityType.CONSULATE: 0.8 if case.place_country == "MX" else 0.0,
            AuthorityType.MIGRATION: 0.5 if case.org_country not in case.nationalities else 0.1,
        }
        for contact in self.others.get(case.organisation_id, []):
            share = shares.get(contact.kind, 0.15)
            if rng.random() < share:
                chosen.append(contact)
        return chosen


def _load(case_qs: QuerySet[Case], ids: list[int]) -> list[CaseInfo]:
    """The cases of one batch (ids in order), with their team, consents, status history and first relative."""
    lo, hi = ids[0], ids[-1]
    wanted = set(ids)
    rows = (
        case_qs.filter(pk__gte=lo, pk__lte=hi)
        .order_by("pk")
        .values_list(
            "pk",
            "reference",
            "organisation_id",
            "organisation__country",
            "status",
            "reported_at",
            "last_seen_on",
            "located_on",
            "closed_on",
            "last_seen_place_id",
            "last_seen_place__country_code",
            "last_seen_place__subdivision_id",
            "last_seen_place__kind",
            "person__nationalities",
        )
    )
    cases: dict[int, CaseInfo] = {}
    for pk, ref, org, org_country, status, reported, seen, located, closed, place, country, sub, kind, nat in rows:
        if pk not in wanted:
            continue
        if kind == PlaceKind.SUBDIVISION:
            sub = place
        cases[pk] = CaseInfo(
            pk,
            ref,
            org,
            org_country,
            status,
            reported,
            seen,
            located,
            closed,
            place,
            country or org_country,
            sub,
            list(nat or []),
        )
    for case_id, user_id in (
        TeamMembership.objects.filter(case_id__gte=lo, case_id__lte=hi).order_by("pk").values_list("case_id", "user_id")
    ):
        if case_id in cases:
            cases[case_id].team.append(user_id)
    for case_id, purpose, decided_on in CurrentConsent.objects.filter(
        case_id__gte=lo,
        case_id__lte=hi,
        decision=Decision.GRANTED,
        purpose__in=[Purpose.LEGAL_REPRESENTATION, Purpose.SHARE_AUTHORITIES],
    ).values_list("case_id", "purpose", "record__decided_on"):
        if case_id in cases:
            cases[case_id].consents[purpose] = decided_on
    for case_id, at, data in (
        TimelineEvent.objects.filter(case_id__gte=lo, case_id__lte=hi, kind=TimelineKind.STATUS)
        .order_by("at", "pk")
        .values_list("case_id", "at", "summary_data")
    ):
        case = cases.get(case_id)
        to = (data or {}).get("to")
        if case is None:
            continue
        if to == S.ACTIVE_SEARCH and case.active_at is None:
            case.active_at = at
        elif to in LOCATED:
            case.located_at, case.located_result = at, to
    for case_id, relationship in (
        FamilyContact.objects.filter(case_id__gte=lo, case_id__lte=hi)
        .order_by("pk")
        .values_list("case_id", "relationship")
    ):
        case = cases.get(case_id)
        if (
            case is not None
            and case.family_relationship == Relationship.UNKNOWN
            and relationship in FAMILY_RELATIONSHIPS
        ):
            case.family_relationship = relationship
    return [cases[pk] for pk in ids if pk in cases]


# ---------------------------------------------------------------------------------------------------------------
# One batch of rows
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Out:
    facts: Rows = field(default_factory=lambda: Rows(TraffickingFacts))
    events: Rows = field(default_factory=lambda: Rows(TraffickingEvent))
    outcomes: Rows = field(default_factory=lambda: Rows(Outcome))
    services: Rows = field(default_factory=lambda: Rows(Service))
    expenses: Rows = field(default_factory=lambda: Rows(Expense))
    proceedings: Rows = field(default_factory=lambda: Rows(Proceeding))
    # Per proceeding (by case id): its status history and accused, written once the proceeding has an id.
    histories: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    accused: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    alerts: list[_DraftAlert] = field(default_factory=list)


@dataclass
class _DraftAlert:
    case: CaseInfo
    issued_by: int
    issued_at: datetime
    contacts: list[Contact]
    acks: list[datetime | None]
    cancelled_at: datetime | None


class _Generator:
    def __init__(self, rng: random.Random, now: datetime, people: People, places: RoutePlaces) -> None:
        self.rng = rng
        self.now = now
        self.today = _local_date(now)
        self.tz = timezone.get_current_timezone()  # read once: the lookup costs more than the date arithmetic
        self.people = people
        self.places = places
        self.directory: Directory | None = None
        self.partner_by_country: dict[str, int] = {}
        self.escalation_hours: list[int] = []

    def moment(self, day: date) -> datetime:
        """A time of the working day, local time, never after now."""
        at = datetime.combine(day, time(self.rng.randint(8, 19), self.rng.choice((0, 15, 30, 45))), tzinfo=self.tz)
        return min(at, self.now)

    def case(self, case: CaseInfo, out: _Out) -> None:
        """Every row of one case, in a fixed order of draws."""
        status = self.trafficking_status(case)
        types = self.facts(case, status, out) if status is not None else []
        exploitation_place = self.route(case, status, types, out) if status is not None else None
        located_abroad = False
        if case.located_on is not None:
            place = self.outcome(case, exploitation_place, out)
            country = self.places.country_of.get(place or 0) if place != case.place_id else case.place_country
            located_abroad = country is not None and country not in (case.nationalities or [case.org_country])
        self.proceeding(case, status, out)
        self.services(case, located_abroad, out)
        self.expenses(case, out)
        self.alert(case, out)

    # Outcome and facts -----------------------------------------------------------------------------------------

    def outcome(self, case: CaseInfo, exploitation_place: int | None, out: _Out) -> int | None:
        """Write how she was located; returns the place recorded, if any."""
        rng = self.rng
        assert case.located_on is not None
        result = case.located_result or (case.status if case.status in LOCATED else OutcomeResult.ALIVE)
        alive = result == OutcomeResult.ALIVE
        how = (HOW_ALIVE if alive else HOW_DECEASED).pick(rng)
        roll = rng.random()
        place: int | None
        if exploitation_place is not None and alive and roll < 0.65:
            place = exploitation_place
        elif roll < 0.75:
            place = self.places.in_subdivision(rng, case.subdivision_id) or case.place_id
        else:
            place = None  # not recorded
        located_at = case.located_at or self.moment(case.located_on)
        out.outcomes.add(
            case_id=case.id,
            result=result,
            on=case.located_on,
            place_id=place,
            how=how,
            details=OUTCOME_DETAILS.get(how, "") if alive and rng.random() < 0.3 else "",
            family_support_open=not alive,
            recorded_by_id=self.people.signer(case, Role.COORDINATOR),
            recorded_at=min(located_at + timedelta(hours=rng.uniform(1, 72)), self.now),
        )
        return place

    def trafficking_status(self, case: CaseInfo) -> str | None:
        """The assessment recorded for the case, or None when no facts were recorded at all."""
        rng = self.rng
        if case.located_on is not None:
            deceased = case.located_result == S.LOCATED_DECEASED
            if rng.random() >= (0.70 if deceased else 0.80):
                return None
            return str((STATUS_LOCATED_DECEASED if deceased else STATUS_LOCATED_ALIVE).pick(rng))
        if rng.random() >= (0.20 if case.status == S.CLOSED else 0.35):
            return None
        return str(STATUS_MISSING.pick(rng))

    def facts(self, case: CaseInfo, status: str, out: _Out) -> list[str]:
        """Write the case's trafficking facts; returns the exploitation types known (for the route)."""
        rng = self.rng
        types: list[str] = []
        sex_types: list[str] = []
        recruitment: list[str] = []
        control: list[str] = []
        apps: list[str] = []
        relationship = RelationshipToTrafficker.UNKNOWN
        notes = detail = ""
        if status == TraffickingStatus.ACTUAL:
            if rng.random() < 0.07:
                types = [NOT_KNOWN]
            else:
                types = [EXPLOITATION.pick(rng)]
                if rng.random() < 0.15:
                    second = EXPLOITATION.pick(rng)
                    types += [second] if second not in types else []
        elif status == TraffickingStatus.POSSIBLE:
            roll = rng.random()
            types = [NOT_KNOWN] if roll < 0.5 else [] if roll < 0.7 else [EXPLOITATION.pick(rng)]
        elif status == TraffickingStatus.UNKNOWN:
            types = [NOT_KNOWN] if rng.random() < 0.4 else []
        if TypeOfExploitation.SEXUAL in types and rng.random() < 0.75:
            sex_types = SEX_EXPLOITATION.sample(rng, 2 if rng.random() < 0.1 else 1)
        if status in (TraffickingStatus.ACTUAL, TraffickingStatus.POSSIBLE):
            roll = rng.random()
            if roll < 0.12:
                recruitment = [NOT_KNOWN]
            elif roll < 0.80:
                recruitment = RECRUITMENT.sample(rng, 2 if rng.random() < 0.1 else 1)
                if rng.random() < 0.35:
                    detail = rng.choice(RECRUITMENT_DETAILS)
            if ONLINE & set(recruitment):
                apps = [NOT_KNOWN] if rng.random() < 0.15 else APPS.sample(rng, rng.choice((1, 1, 2)))
            roll = rng.random()
            if status == TraffickingStatus.ACTUAL and roll < 0.70:
                control = CONTROL.sample(rng, rng.choice((1, 2, 2, 3, 4)))
            elif roll < 0.85:
                control = [NOT_KNOWN]
            relationship = RELATIONSHIP.pick(rng)
        elif status == TraffickingStatus.NOT_A_VICTIM and rng.random() < 0.5:
            notes = rng.choice(NOT_A_VICTIM_NOTES)
        updated_from = case.located_at or case.active_at or case.reported_at
        updated_at = updated_from + (self.now - updated_from) * rng.random() * 0.3
        out.facts.add(
            case_id=case.id,
            trafficking_status=status,
            methods_of_recruitment=recruitment,
            recruitment_detail=detail,
            websites_apps=apps,
            methods_of_control=control,
            exploitation_types=types,
            sex_exploitation_types=sex_types,
            relationship_to_trafficker=relationship,
            organised_crime=ORGANISED_CRIME[TraffickingStatus(status)].pick(rng),
            notes=notes,
            updated_by_id=self.people.signer(case, Role.FIELD_INVESTIGATOR, Role.COORDINATOR),
            updated_at=min(updated_at, self.now),
        )
        return [t for t in types if t != NOT_KNOWN]

    def route(self, case: CaseInfo, status: str, types: list[str], out: _Out) -> int | None:
        """Write the route stops; returns the place where she was exploited (a town or state), if recorded."""
        rng = self.rng
        located = case.located_on is not None
        if status == TraffickingStatus.ACTUAL:
            share = 0.85
        elif status == TraffickingStatus.POSSIBLE:
            share = 0.5 if located else 0.3
        else:
            share = 0.0
        if rng.random() >= share:
            return None
        start, end = case.last_seen_on, case.end(self.today)
        recorded_by = self.people.signer(case, Role.FIELD_INVESTIGATOR, Role.COORDINATOR)
        # Recorded as the investigation learnt it: after she was found, else during the search.
        learnt_from = case.located_at or case.active_at or case.reported_at
        recorded_at = min(learnt_from + timedelta(days=rng.uniform(1, 60)), self.now)
        destination = self.places.destination(rng, case)
        transit = self.places.transit(rng, case, destination)
        # A woman still missing: the recruitment is often all that is known, sometimes a suspected destination.
        with_exploitation = located or rng.random() < 0.35
        stops: list[tuple[str, int | None]] = [
            (
                EventType.RECRUITMENT,
                case.place_id if rng.random() < 0.7 else self.places.in_subdivision(rng, case.subdivision_id),
            )
        ]
        if transit is not None:
            stops.append((EventType.TRANSIT, self.places.in_subdivision(rng, transit, town_share=0.6)))
        exploitation_place = None
        if with_exploitation:
            exploitation_place = self.places.in_subdivision(rng, destination, town_share=0.75)
            stops.append((EventType.EXPLOITATION, exploitation_place))
        day = start
        for event_type, place in stops:
            if event_type == EventType.RECRUITMENT:
                day = start
            elif event_type == EventType.TRANSIT:
                day = min(_days_after(rng, day, 1, 12), end)
            else:
                day = min(_days_after(rng, day, 0, 40), end)
            if place is not None and rng.random() < 0.08:
                place = None  # the place was not recorded
            detail = rng.choice(PLACE_DETAILS) if event_type == EventType.EXPLOITATION and rng.random() < 0.3 else ""
            description = ""
            if rng.random() < 0.25:
                labour = bool(types) and TypeOfExploitation.SEXUAL not in types
                choices = EVENT_DESCRIPTIONS[EventType(event_type)]
                description = choices[1] if labour and event_type == EventType.EXPLOITATION else rng.choice(choices)
            out.events.add(
                case_id=case.id,
                event_type=event_type,
                place_id=place,
                place_detail=detail,
                on=day if rng.random() < 0.8 else None,
                description=description,
                recorded_by_id=recorded_by,
                recorded_at=recorded_at,
            )
        return exploitation_place

    # Legal ----------------------------------------------------------------------------------------------------

    def proceeding(self, case: CaseInfo, status: str | None, out: _Out) -> None:
        """A proceeding for a case whose family consented to legal representation (one per case at most)."""
        rng = self.rng
        consented_on = case.consents.get(Purpose.LEGAL_REPRESENTATION)
        if consented_on is None:
            return
        deceased = case.located_result == S.LOCATED_DECEASED
        located = case.located_on is not None
        # Not located: a complaint for the disappearance.
        share = (0.70 if status == TraffickingStatus.ACTUAL or deceased else 0.35) if located else 0.30
        if rng.random() >= share:
            return
        today = self.today
        if located:
            assert case.located_on is not None
            start = max(_days_after(rng, case.located_on, 0, 45), consented_on)
        else:
            start = max(_days_after(rng, case.reported_on, 0, 20), consented_on)
        start = min(start, today)
        filed = start if rng.random() < 0.92 else None  # else the date of the complaint is not known
        lawyer = self.people.on_team(case, Role.LAWYER)
        actor = lawyer or self.people.signer(case, Role.COORDINATOR)
        country = case.org_country
        names = PROSECUTOR_NAMES.get(country, PROSECUTOR_NAMES["MX"])
        roll = rng.random()
        if roll < 0.10:
            authority, authority_name = ProsecutorLevel.UNKNOWN, ""
        elif roll < 0.45 or country != "MX":
            authority, authority_name = ProsecutorLevel.FEDERAL_PROSECUTOR, names[0]
        else:
            state = self.places.subdivision_name.get(case.subdivision_id or 0, "")
            authority = ProsecutorLevel.STATE_PROSECUTOR
            authority_name = names[1].format(state=state) if state else ""
        if deceased:
            crimes = [rng.choice(CRIMES["deceased"])]
        elif status == TraffickingStatus.ACTUAL:
            crimes = ["Trata de personas"] + (["Privación ilegal de la libertad"] if rng.random() < 0.3 else [])
        else:
            crimes = [rng.choice(CRIMES["missing"])]
        if rng.random() < 0.15:
            crimes = []  # not recorded
        number = rng.randint(100, 99999)
        file_number = {
            "MX": f"CI-FGE/{start.year}/{number:05d}",
            "GT": f"MP001-{start.year}-{number:05d}",
            "HN": f"{number:05d}-{start.year}-FETCCOP",
        }.get(country, f"{number:05d}/{start.year}")

        history: list[dict[str, Any]] = []
        accused: list[dict[str, Any]] = []

        def step(to: str, on: date, reason: str = "") -> None:
            history.append(
                {
                    "from_status": history[-1]["to_status"] if history else "",
                    "to_status": to,
                    "changed_on": on,
                    "reason": reason,
                    "actor_id": actor,
                    "recorded_at": self.moment(on),
                }
            )

        step(ProceedingStatus.INVESTIGATION, start)
        day = start
        roll = rng.random()
        if not located:
            if roll < 0.25 and (nxt := _days_after(rng, day, 180, 700)) <= today:
                step(ProceedingStatus.DECLINED, nxt, str(DECLINE.pick(rng)))
        elif roll < 0.20:
            if (nxt := _days_after(rng, day, 90, 500)) <= today:
                step(ProceedingStatus.DECLINED, nxt, str(DECLINE.pick(rng)))
        elif roll < 0.75 and (nxt := _days_after(rng, day, 45, 300)) <= today:
            step(ProceedingStatus.CHARGED, nxt)
            day = nxt
            for _n in range(rng.choice((1, 1, 1, 2, 2, 3))):
                accused.append(
                    {
                        "name": _person_name(rng) if rng.random() < 0.75 else "",
                        "role": rng.choice(ACCUSED_ROLES) if rng.random() < 0.8 else "",
                        "outcome": AccusedOutcome.FUGITIVE
                        if accused and rng.random() < 0.1
                        else AccusedOutcome.PENDING,
                    }
                )
            if rng.random() < 0.8 and (nxt := _days_after(rng, day, 45, 240)) <= today:
                step(ProceedingStatus.TRIAL, nxt)
                day = nxt
                if rng.random() < 0.75 and (nxt := _days_after(rng, day, 60, 300)) <= today:
                    step(ProceedingStatus.SENTENCED, nxt)
                    day = nxt
                    self._sentence(accused, day, deceased)
                    if rng.random() < 0.2 and (nxt := _days_after(rng, day, 30, 120)) <= today:
                        step(ProceedingStatus.APPEAL, nxt)
        last = history[-1]
        out.proceedings.add(
            case_id=case.id,
            lawyer_id=lawyer,
            complaint_filed_on=filed,
            authority=authority,
            authority_name=authority_name,
            investigation_file=file_number if rng.random() < 0.65 else "",
            crimes_charged="\n".join(crimes),
            status=last["to_status"],
            status_changed_on=last["changed_on"],
            decline_reason=last["reason"],
            created_by_id=actor,
            created_at=self.moment(start),
        )
        out.histories[case.id] = history
        out.accused[case.id] = accused

    def _sentence(self, accused: list[dict[str, Any]], on: date, deceased: bool) -> None:
        """The judgement: most accused convicted, some acquitted; the date is sometimes not recorded."""
        rng = self.rng
        for n, person in enumerate(accused):
            if person["outcome"] == AccusedOutcome.FUGITIVE:
                continue
            roll = rng.random()
            convicted = roll < (0.85 if n == 0 else 0.65)
            person["outcome"] = AccusedOutcome.CONVICTED if convicted else AccusedOutcome.ACQUITTED
            person["outcome_on"] = on if rng.random() < 0.95 else None
            if convicted and rng.random() < 0.9:
                years = rng.randint(40, 60) if deceased else rng.randint(10, 35)
                person["sentence_years"] = Decimal(years)
                person["sentence"] = f"{years} años de prisión y multa"

    # Care -----------------------------------------------------------------------------------------------------

    def services(self, case: CaseInfo, located_abroad: bool, out: _Out) -> None:
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
                        Decimal("0.00")
                        if rng.random() < 0.15
                        else _amount(rng, COSTED_SERVICES[service_type], currency)
                    )
                out.services.add(
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
                day = _days_after(rng, day, 7, 35)

        care_end = case.care_end(today)
        if case.located_on is None:
            if case.status not in NOT_YET_OPEN:
                search_end = case.end(today)
                for service_type, share, most in FAMILY_SERVICES["searching"]:
                    if rng.random() < share:
                        first = _day_between(rng, case.reported_on, search_end)
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
                    _day_between(rng, case.reported_on, found),
                    found,
                    Phase.BEFORE_RESCUE,
                    rng.randint(1, most),
                )
        for service_type, share, most in FAMILY_SERVICES["deceased" if deceased else "alive"]:
            if rng.random() < share:
                first = min(_days_after(rng, found, 0, 30), care_end)
                add(service_type, ServiceRecipient.FAMILY, first, care_end, Phase.AFTER_RESCUE, rng.randint(1, most))
        if deceased:
            return
        for service_type, share, most in VICTIM_SERVICES:
            if rng.random() < share:
                first = min(_days_after(rng, found, 0, 60 if most > 1 else 20), care_end)
                add(service_type, ServiceRecipient.VICTIM, first, care_end, Phase.AFTER_RESCUE, rng.randint(1, most))
        if located_abroad and rng.random() < 0.75:
            add(
                ServiceType.REPATRIATION,
                ServiceRecipient.VICTIM,
                min(_days_after(rng, found, 1, 30), care_end),
                care_end,
                Phase.AFTER_RESCUE,
            )

    def expenses(self, case: CaseInfo, out: _Out) -> None:
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
                    lines.append((EXPENSES_SEARCHING.pick(rng), _day_between(rng, case.reported_on, end)))
        else:
            deceased = case.located_result == S.LOCATED_DECEASED
            if rng.random() < (0.4 if deceased else 0.6):
                end = case.care_end(today)
                table = EXPENSES_SEARCHING if deceased else EXPENSES_FOUND
                for _n in range(rng.randint(1, 3 if deceased else 6)):
                    lines.append((table.pick(rng), min(_days_after(rng, case.located_on, 0, 90), end)))
        for category, day in lines:
            _found, _searching, pesos, description = EXPENSES[category]
            out.expenses.add(
                case_id=case.id,
                category=category,
                spent_on=day,
                amount=_amount(rng, pesos, currency),
                currency=currency,
                description=description if rng.random() < 0.5 else "",
                recorded_by_id=recorder,
                created_at=self.moment(day),
            )

    # Alerts ---------------------------------------------------------------------------------------------------

    def alert(self, case: CaseInfo, out: _Out) -> None:
        """A Red Alert issued during the active search (and its cancellation once located), where allowed."""
        rng = self.rng
        consented_on = case.consents.get(Purpose.SHARE_AUTHORITIES)
        if self.directory is None or consented_on is None or case.active_at is None or rng.random() >= ALERT_SHARE:
            return
        issued_at = case.active_at + timedelta(hours=rng.uniform(1, 48))
        if _local_date(issued_at) < consented_on:
            return
        if case.located_at is not None and issued_at >= case.located_at:
            return  # found before an alert went out
        settled = self.now - timedelta(hours=(self.escalation_hours[-1] if self.escalation_hours else 0) + 1)
        if issued_at > settled:
            return  # too recent: its deadlines have not passed, and the worker would escalate demo data
        contacts = self.directory.recipients(rng, case)
        issuer = self.people.signer(case, Role.COORDINATOR)
        if not contacts or issuer is None:
            return
        cancelled_at = None
        if case.located_at is not None and rng.random() < 0.8:
            cancelled_at = min(case.located_at + timedelta(hours=rng.uniform(2, 96)), self.now)
        acks: list[datetime | None] = []
        for contact in contacts:
            acked = issued_at + timedelta(hours=rng.uniform(0.5, 120))
            limit = min(cancelled_at or self.now, self.now)
            acks.append(acked if rng.random() < contact.ack_share and acked < limit else None)
        out.alerts.append(_DraftAlert(case, issuer, issued_at, contacts, acks, cancelled_at))


def _cap_xml(identifier: str, sent: str, msg_type: str, references: Sequence[CapReference] = ()) -> str:
    """A header-only CAP 1.2 message (an <info> block is optional in CAP): the demo keeps no personal details in it."""
    sender = cap_sender(settings.SITE_URL)
    refs = f"<references>{escape(' '.join(str(r) for r in references))}</references>" if references else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        f"<identifier>{escape(identifier)}</identifier><sender>{escape(sender)}</sender><sent>{sent}</sent>"
        f"<status>Actual</status><msgType>{msg_type}</msgType><scope>Restricted</scope>"
        f"<restriction>{escape(ALERT_RESTRICTION)}</restriction><note>Datos de demostración.</note>{refs}</alert>\n"
    )


def _write_back(rows: Rows, batch_size: int, key: Callable[[dict[str, Any]], Any], *fields: str) -> dict[Any, int]:
    """Write rows and return their new ids by natural key (`fields` read back, `key` applied to each row)."""
    model = rows.model
    before = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
    rows.write(batch_size)
    ids: dict[Any, int] = {}
    for pk, *values in model._default_manager.filter(pk__gt=before).order_by().values_list("pk", *fields):
        ids[key(dict(zip(fields, values, strict=True)))] = pk
    return ids


def _write_alerts(
    drafts: list[_DraftAlert],
    rng: random.Random,
    hours: list[int],
    now: datetime,
    batch_size: int,
    counts: dict[str, int],
) -> None:
    """Alerts and cancellations with their recipients, sent messages, deliveries, acknowledgements, escalations."""
    if not drafts:
        return
    host = site_host(settings.SITE_URL)
    sender = cap_sender(settings.SITE_URL)
    alerts = Rows(Alert)
    timeline = Rows(TimelineEvent)
    for draft in drafts:
        identifier = f"{host}/red-alert/{draft.case.reference}/1"
        sent = cap_datetime(draft.issued_at)
        alerts.add(
            case_id=draft.case.id,
            number=1,
            kind=AlertKind.ALERT,
            original_id=None,
            note="",
            language="es",
            cap_identifier=identifier,
            cap_sent=sent,
            cap_xml=_cap_xml(identifier, sent, "Alert"),
            issued_by_id=draft.issued_by,
            issued_at=draft.issued_at,
        )
        timeline.add(
            case_id=draft.case.id,
            at=draft.issued_at,
            actor_id=draft.issued_by,
            kind=TimelineKind.ALERT,
            summary_data={"event": "issued", "number": 1, "kind": AlertKind.ALERT, "recipients": len(draft.contacts)},
        )
    alert_ids = _write_back(alerts, batch_size, lambda r: r["cap_identifier"], "cap_identifier")
    first_ids = {d.case.id: alert_ids[f"{host}/red-alert/{d.case.reference}/1"] for d in drafts}
    cancelled = [d for d in drafts if d.cancelled_at is not None]
    for draft in cancelled:
        assert draft.cancelled_at is not None
        identifier = f"{host}/red-alert/{draft.case.reference}/2"
        sent = cap_datetime(draft.cancelled_at)
        original = CapReference(sender, f"{host}/red-alert/{draft.case.reference}/1", cap_datetime(draft.issued_at))
        alerts.add(
            case_id=draft.case.id,
            number=2,
            kind=AlertKind.CANCEL,
            original_id=first_ids[draft.case.id],
            note="",
            language="es",
            cap_identifier=identifier,
            cap_sent=sent,
            cap_xml=_cap_xml(identifier, sent, "Cancel", [original]),
            issued_by_id=draft.issued_by,
            issued_at=draft.cancelled_at,
        )
        timeline.add(
            case_id=draft.case.id,
            at=draft.cancelled_at,
            actor_id=draft.issued_by,
            kind=TimelineKind.ALERT,
            summary_data={"event": "issued", "number": 2, "kind": AlertKind.CANCEL, "recipients": len(draft.contacts)},
        )
    cancel_ids = _write_back(alerts, batch_size, lambda r: r["cap_identifier"], "cap_identifier")
    second_ids = {d.case.id: cancel_ids[f"{host}/red-alert/{d.case.reference}/2"] for d in cancelled}
    counts["alerts"] = counts.get("alerts", 0) + len(drafts) + len(cancelled)
    counts["alert timeline events"] = counts.get("alert timeline events", 0) + timeline.write(batch_size)

    # Recipients: the original's contacts, again for the cancellation.
    recipients = Rows(Recipient)
    for draft in drafts:
        for alert_id in (first_ids[draft.case.id], second_ids.get(draft.case.id)):
            if alert_id is None:
                continue
            for contact in draft.contacts:
                recipients.add(
                    alert_id=alert_id,
                    authority_id=contact.authority_id,
                    contact_id=contact.contact_id,
                    channel=ContactChannel.EMAIL,
                    address=contact.address,
                    language="es",
                    nonce=secrets.token_urlsafe(12),
                )
    recipient_ids = _write_back(
        recipients, batch_size, lambda r: (r["alert_id"], r["contact_id"]), "alert_id", "contact_id"
    )
    counts["alert recipients"] = counts.get("alert recipients", 0) + len(recipient_ids)

    # Messages already sent (nothing is left for the outbox worker), one per recipient, plus the reminders.
    messages = Rows(OutboundMessage)
    deliveries: list[tuple[int, int, str, datetime]] = []  # (recipient id, sequence, idempotency key, when)
    acks = Rows(Acknowledgement)
    escalations = Rows(Escalation)

    def message(recipient_id: int, sequence: int, at: datetime, subject: str, to: str) -> None:
        key = f"alert:demo:{recipient_id}:{sequence}"
        messages.add(
            channel=Channel.EMAIL,
            to=to,
            subject=subject,
            body="",
            idempotency_key=key,
            message_id=f"<demo-{recipient_id}-{sequence}@{host}>",
            status=Status.SENT,
            attempts=1,
            next_attempt_at=at,
            sent_at=min(at + timedelta(minutes=rng.uniform(0.5, 5)), now),
            created_at=at,
        )
        deliveries.append((recipient_id, sequence, key, at))

    for draft in drafts:
        reference = draft.case.reference
        first = first_ids[draft.case.id]
        for contact, acked in zip(draft.contacts, draft.acks, strict=True):
            recipient_id = recipient_ids[(first, contact.contact_id)]
            message(recipient_id, 0, draft.issued_at, f"ALERTA ROJA #1 (caso {reference})", contact.address)
            if acked is not None:
                acks.add(
                    recipient_id=recipient_id,
                    at=acked,
                    name=f"Lic. {_person_name(rng)}",
                    position="Agente del Ministerio Público" if contact.kind == AuthorityType.PROSECUTOR else "",
                    action_taken=rng.choice(ACK_ACTIONS),
                )
            # Every deadline that passed in silence was escalated, as redalert.alerts.escalation.escalate_due does.
            silent_until = min(acked or now, draft.cancelled_at or now, now)
            for level, after in enumerate(hours, start=1):
                deadline = draft.issued_at + timedelta(hours=after)
                if deadline >= silent_until:
                    break
                escalations.add(
                    recipient_id=recipient_id, level=level, after_hours=after, at=deadline, reminded=True, reason=""
                )
                message(
                    recipient_id,
                    level,
                    deadline,
                    f"RECORDATORIO ({level}): ALERTA ROJA #1 (caso {reference})",
                    contact.address,
                )
            second = second_ids.get(draft.case.id)
            if second is not None and draft.cancelled_at is not None:
                cancel_recipient = recipient_ids[(second, contact.contact_id)]
                message(
                    cancel_recipient,
                    0,
                    draft.cancelled_at,
                    f"ALERTA ROJA #2, cancelación de #1 (caso {reference})",
                    contact.address,
                )
    message_ids = _write_back(messages, batch_size, lambda r: r["idempotency_key"], "idempotency_key")
    delivery_rows = Rows(Delivery)
    for recipient_id, sequence, key, at in deliveries:
        delivery_rows.add(recipient_id=recipient_id, sequence=sequence, message_id=message_ids[key], created_at=at)
    counts["alert messages"] = counts.get("alert messages", 0) + delivery_rows.write(batch_size)
    counts["acknowledgements"] = counts.get("acknowledgements", 0) + acks.write(batch_size)
    counts["escalations"] = counts.get("escalations", 0) + escalations.write(batch_size)


# ---------------------------------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------------------------------


def _add(counts: dict[str, int], name: str, n: int) -> None:
    counts[name] = counts.get(name, 0) + n


def seed_case_facts(
    rng: random.Random,
    cases: QuerySet[Case],
    now: datetime,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Add facts, route, outcome, legal, care and alert rows to `cases` (see the module's docstring). One transaction.

    Meant for cases that have none of these yet (the cases seed_demo just wrote). Returns the rows written, by kind.
    """
    from redalert.alerts.escalation import escalation_hours  # lazy: the escalation imports PDF and CAP code

    counts: dict[str, int] = {}
    open_cases = cases.exclude(status__in=NOT_YET_OPEN)
    ids = list(open_cases.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return counts
    organisations = list(Organisation.objects.filter(pk__in=open_cases.values("organisation_id")).order_by("pk"))
    places = RoutePlaces()
    generator = _Generator(rng, now, People(o.pk for o in organisations), places)
    generator.escalation_hours = escalation_hours()
    generator.partner_by_country = {}
    for org in organisations:
        generator.partner_by_country.setdefault(org.country, org.pk)
    with transaction.atomic():
        generator.directory = Directory(organisations, places)
        for start in range(0, len(ids), batch_size):
            out = _Out()
            for case in _load(open_cases, ids[start : start + batch_size]):
                generator.case(case, out)
            _flush(out, generator, batch_size, counts)
            reset_queries()  # with DEBUG on, Django keeps every query's SQL
            if progress is not None:
                progress(min(start + batch_size, len(ids)), len(ids))
    return counts


def _flush(out: _Out, generator: _Generator, batch_size: int, counts: dict[str, int]) -> None:
    _add(counts, "trafficking facts", out.facts.write(batch_size))
    _add(counts, "route events", out.events.write(batch_size))
    _add(counts, "outcomes", out.outcomes.write(batch_size))
    _add(counts, "services", out.services.write(batch_size))
    _add(counts, "expenses", out.expenses.write(batch_size))
    proceeding_ids = _write_back(out.proceedings, batch_size, lambda r: r["case_id"], "case_id")
    _add(counts, "proceedings", len(proceeding_ids))
    history, accused = Rows(StatusChange), Rows(Accused)
    for case_id, proceeding_id in sorted(proceeding_ids.items()):
        for change in out.histories.get(case_id, []):
            history.add(proceeding_id=proceeding_id, note="", **change)
        for person in out.accused.get(case_id, []):
            accused.add(proceeding_id=proceeding_id, **person)
    _add(counts, "proceeding status changes", history.write(batch_size))
    _add(counts, "accused", accused.write(batch_size))
    _write_alerts(out.alerts, generator.rng, generator.escalation_hours, generator.now, batch_size, counts)
