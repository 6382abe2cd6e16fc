"""Synthetic demo data: organisations, users for every role, and case files with consistent histories.

Everything here is invented. Names are drawn from common Spanish given names and surnames, phones use the
fictional 5555 block (+52 55 5555 xxxx, +502 5555 xxxx…), e-mails use example.org, addresses are "Calle Ejemplo".

The generator writes in batches (bulk_create for cases and notes, whose ids it needs; redalert.demo.rows.Rows, a
leaner bulk insert, for the other tables) and does not call the per-case service functions: those write one audit
entry per object, which would make 100,000 demo cases take hours. Instead the seeding as a whole is recorded in one
audit entry (actor "system:seed_demo"). It therefore has to keep the invariants the services and the lifecycle keep:

- references CODE-YYYY-NNNN are numbered per organisation and year in the order reports were received, continuing
  any existing CaseCounter, and the counters are set at the end so that later intakes continue the numbering;
- MissingPerson.search_name is the fold of the full name and aliases, and organisation_id the case's (what
  MissingPerson.save() would set; it is not called);
- statuses follow redalert.cases.lifecycle.TRANSITIONS, with one STATUS timeline event per step, located_on on or
  after last_seen_on, closed_on set for closed cases, status_changed_at at the last step;
- every case past verification has a current OPEN_FILE grant; withdrawals are newer records, never changes.

The same seed gives the same data within the same hour: dates are drawn relative to the start of the current hour
(or to `now` when given). What happened in the cases after the report is redalert.demo.after_report.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from redalert.accounts.models import Organisation, RoleAssignment, User
from redalert.accounts.roles import Role
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import (
    CaseStatus,
    Gender,
    NoteSection,
    Relationship,
    ReportChannel,
    Sex,
    YesNoUnknown,
)
from redalert.cases.models import (
    Case,
    CaseCounter,
    FamilyContact,
    MissingPerson,
    Note,
    TeamMembership,
    TimelineEvent,
    TimelineKind,
    age_in_years,
)
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import cases_consenting_to, rebuild_current_consents
from redalert.demo.draws import Weighted, female_name, local_date, male_name
from redalert.demo.rows import BATCH_SIZE, Rows
from redalert.demo.words import (
    AUTHORITY_REPORTERS,
    CIRCUMSTANCES,
    CLOSURE_AFTER_FOLLOW_UP,
    CLOSURE_DECEASED,
    CLOSURE_LOCATED,
    CLOSURE_NOT_LOCATED,
    CLOTHING,
    CONTACT_NOTES,
    GENERIC_ALIASES,
    INDIGENOUS,
    MARKS,
    NICKNAMES,
    NOTES,
    PHONE_PREFIX,
    PHYSICAL,
    PLACE_DETAILS,
    PUBLIC_SUMMARIES,
    REFUSAL_FEAR,
    SURNAMES,
    WITHDRAWAL_FEAR,
    WITHDRAWAL_LOCATED,
)
from redalert.lib.text import fold
from redalert.places.models import Place, PlaceKind
from redalert.public.listing import rebuild_listing
from redalert.public.models import Publication
from redalert.statistics.facts import refresh_facts as refresh_statistics_facts

DEMO_PASSWORD = "alerta-roja-demo"  # noqa: S105 - the published password of the demo accounts
DEFAULT_CASES = 300
DEFAULT_SEED = 2026
AUDIT_ACTOR = "system:seed_demo"
YEARS_OF_HISTORY = 9

S = CaseStatus

# ---------------------------------------------------------------------------------------------------------------
# Organisations and users
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    name: str
    country: str
    public_contact: str
    case_share: float
    # Where its cases were last seen: weights of the place buckets (see PlacePicker).
    place_weights: dict[str, float]


DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        code="RAMX",
        name="Red Alerta Roja México (demo)",
        country="MX",
        public_contact="Línea ficticia de demostración: +52 55 5555 0100",
        case_share=0.60,
        place_weights={"mx_focus": 0.78, "mx_other": 0.16, "GT": 0.025, "HN": 0.02, "SV": 0.01, "NI": 0.005},
    ),
    DemoOrganisation(
        code="RAGT",
        name="Colectivo Búsqueda y Esperanza Guatemala (demo)",
        country="GT",
        public_contact="Línea ficticia de demostración: +502 5555 0100",
        case_share=0.22,
        place_weights={"GT": 0.62, "mx_focus": 0.22, "mx_other": 0.06, "HN": 0.05, "SV": 0.05},
    ),
    DemoOrganisation(
        code="RAHN",
        name="Mujeres Buscando Honduras (demo)",
        country="HN",
        public_contact="Línea ficticia de demostración: +504 5555 0100",
        case_share=0.18,
        place_weights={"HN": 0.52, "SV": 0.14, "NI": 0.10, "GT": 0.05, "mx_focus": 0.14, "mx_other": 0.05},
    ),
)

# One user per role in the first organisation: (username, first name, last name).
ROLE_USERS: dict[str, tuple[str, str, str]] = {
    Role.COORDINATOR: ("coordinadora", "Lucía", "Ramírez Ortega"),
    Role.CASEWORKER: ("trabajadora", "Guadalupe", "Martínez Soto"),
    Role.FIELD_INVESTIGATOR: ("investigadora", "Xóchitl", "Hernández Cruz"),
    Role.LAWYER: ("abogada", "Ana Sofía", "Domínguez Lara"),
    Role.HEALTH: ("psicologa", "Citlali", "Reyes Mendoza"),
    Role.SHELTER_STAFF: ("albergue", "Rosa María", "Juárez Ávila"),
    Role.ANALYST: ("analista", "Paola", "Guzmán Ríos"),
    Role.PUBLIC_EDITOR: ("editora", "Itzel", "Vargas Luna"),
    Role.ADMINISTRATOR: ("admin", "Mónica", "Salazar Ortiz"),
    Role.CALL_TAKER: ("operadora", "Yesenia", "Cruz Morales"),  # the hotline desk (issue 18)
    Role.COALITION_DATA_STEWARD: ("coalicion", "Marisol", "Pineda Torres"),  # edits the shared reparation rates
}
# A coordinator and a caseworker in each other organisation: "coordinadora.gt", "trabajadora.hn"…
OTHER_ORG_USERS: dict[str, dict[str, tuple[str, str]]] = {
    "GT": {Role.COORDINATOR: ("Ingrid", "Coc Caal"), Role.CASEWORKER: ("Glenda", "Orellana Pérez")},
    "HN": {Role.COORDINATOR: ("Delmy", "Maradiaga Zelaya"), Role.CASEWORKER: ("Keyla", "Mejía Funes")},
}


def username_for(role: str, country: str = "") -> str:
    """ "coordinadora" in the first organisation, "coordinadora.gt" in the Guatemalan one."""
    name = ROLE_USERS[role][0] if role in ROLE_USERS else str(role)
    return f"{name}.{country.lower()}" if country else name


STATUS_ORDER = tuple(S)  # the first cases cycle through every status, so that small demos show them all
LOCATED = (S.LOCATED_ALIVE, S.LOCATED_DECEASED)
# Share of statuses by how long ago the report came in.
STATUS_BY_AGE: tuple[tuple[int, dict[str, float]], ...] = (
    (2, {S.REPORTED: 0.45, S.VERIFICATION: 0.35, S.ACTIVE_SEARCH: 0.20}),
    (
        21,
        {
            S.REPORTED: 0.08,
            S.VERIFICATION: 0.12,
            S.ACTIVE_SEARCH: 0.55,
            S.LOCATED_ALIVE: 0.17,
            S.LOCATED_DECEASED: 0.03,
            S.FOLLOW_UP: 0.05,
        },
    ),
    (
        365,
        {S.ACTIVE_SEARCH: 0.42, S.LOCATED_ALIVE: 0.15, S.LOCATED_DECEASED: 0.03, S.FOLLOW_UP: 0.22, S.CLOSED: 0.18},
    ),
    (
        10**6,
        {S.ACTIVE_SEARCH: 0.33, S.LOCATED_ALIVE: 0.05, S.LOCATED_DECEASED: 0.03, S.FOLLOW_UP: 0.17, S.CLOSED: 0.42},
    ),
)


class SeedError(Exception):
    """The demo data cannot be created; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------------------------

DEMO_COUNTRIES = ("MX", "GT", "HN", "SV", "NI")
# The Mexican states named in CATW-LAC's Red Alert report (seed 000).
FOCUS_STATES = ("MX-MIC", "MX-COA", "MX-TAM", "MX-SLP", "MX-MEX", "MX-HID", "MX-CHP", "MX-GRO", "MX-OAX", "MX-NLE")


@dataclass(frozen=True)
class Locality:
    id: int
    name: str
    country: str
    subdivision: str  # ISO 3166-2 code, or "" where not known
    latitude: float | None
    longitude: float | None


class PlacePicker:
    """Localities of Mexico and Central America, in buckets: the focus states, the rest of Mexico, each country."""

    def __init__(self, localities: list[Locality], populations: list[int | None]) -> None:
        self.count = len(localities)
        by_bucket: dict[str, list[tuple[Locality, float]]] = {}
        for loc, pop in zip(localities, populations, strict=True):
            weight = max(pop or 10_000, 1_000) ** 0.5
            if loc.country == "MX":
                bucket = "mx_focus" if loc.subdivision in FOCUS_STATES else "mx_other"
            else:
                bucket = loc.country
            by_bucket.setdefault(bucket, []).append((loc, weight))
        self.buckets: dict[str, Weighted] = {}
        for bucket, rows in by_bucket.items():
            if bucket == "mx_focus":
                # Every focus state about as likely, whatever the size of its towns.
                per_state: dict[str, float] = {}
                for loc, weight in rows:
                    per_state[loc.subdivision] = per_state.get(loc.subdivision, 0.0) + weight
                rows = [(loc, weight / per_state[loc.subdivision]) for loc, weight in rows]
            self.buckets[bucket] = Weighted(rows)
        self.anywhere = Weighted((loc, 1.0) for loc in localities)

    @classmethod
    def from_database(cls) -> PlacePicker:
        rows = (
            Place.objects.filter(kind=PlaceKind.LOCALITY, country_code__in=DEMO_COUNTRIES)
            .order_by("id")
            .values_list("id", "name", "country_code", "subdivision__code", "latitude", "longitude", "population")
        )
        localities, populations = [], []
        for pk, name, country, subdivision, lat, lon, population in rows:
            localities.append(Locality(pk, name, country, subdivision or "", lat, lon))
            populations.append(population)
        return cls(localities, populations)

    def for_organisation(self, demo: DemoOrganisation) -> Weighted:
        items = [self.buckets[b] for b in demo.place_weights if b in self.buckets]
        weights = [demo.place_weights[b] for b in demo.place_weights if b in self.buckets]
        if not items:
            return Weighted([(self.anywhere, 1.0)])
        return Weighted(zip(items, weights, strict=True))


# ---------------------------------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    organisations: list[Organisation]
    users: list[User]
    counts: dict[str, int] = field(default_factory=dict)


def demo_organisations_exist() -> bool:
    return Organisation.objects.filter(is_demo=True).exists()


@contextmanager
def historical_timestamps() -> Iterator[None]:
    """Let bulk_create store the invented creation times instead of "now" in auto_now(_add) fields.

    Only the models written with bulk_create need this (`Rows` never fills those fields itself). Changes the shared
    field objects for the duration: fine in a management command, which is what this module serves.
    """
    fields: list[models.DateTimeField[Any, Any]] = []
    for model in (Case, Note):
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                fields.append(f)
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def create_organisations() -> list[Organisation]:
    orgs = []
    for demo in DEMO_ORGANISATIONS:
        org = Organisation.objects.filter(code=demo.code).first()
        if org is None:
            org = Organisation.objects.create(
                code=demo.code, name=demo.name, country=demo.country, public_contact=demo.public_contact, is_demo=True
            )
        elif not org.is_demo:
            raise SeedError(f"An organisation with the code {demo.code} exists and is not a demo organisation.")
        orgs.append(org)
    return orgs


def create_users(orgs: list[Organisation]) -> dict[int, dict[str, User]]:
    """Users by organisation id and role; existing demo users are kept as they are."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    wanted: list[tuple[Organisation, str, str, str, str]] = []
    for role in Role:
        username, first, last = ROLE_USERS.get(role, (str(role), str(role.label), "(demo)"))
        wanted.append((orgs[0], role, username, first, last))
    for org in orgs[1:]:
        for other_role, (first, last) in OTHER_ORG_USERS.get(org.country, {}).items():
            wanted.append((org, other_role, username_for(other_role, org.country), first, last))
    users: dict[int, dict[str, User]] = {org.pk: {} for org in orgs}
    for org, role_name, username, first, last in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.example.org",
                organisation=org,
                password=password,
            )
            user.save()
        elif user.organisation_id != org.pk:
            raise SeedError(f"A user named {username} exists outside the demo organisation {org.code}.")
        RoleAssignment.objects.get_or_create(user=user, role=role_name)
        users[org.pk][role_name] = user
    return users


@dataclass
class _Context:
    rng: random.Random
    now: datetime
    orgs: list[Organisation]
    users: dict[int, dict[str, User]]
    places: list[Weighted]
    references: dict[tuple[int, int], int]
    email_serial: Iterator[int] = field(default_factory=itertools.count)


def _random_reported(rng: random.Random, now: datetime) -> datetime:
    if rng.random() < 0.06:  # a steady trickle of new reports in the last three weeks
        return now - timedelta(seconds=rng.uniform(600, 21 * 86400))
    # Older reports, more of them in recent years as the network grew.
    return now - timedelta(days=YEARS_OF_HISTORY * 365 * rng.random() ** 1.4, seconds=rng.uniform(600, 86400))


def _reported_for_status(rng: random.Random, status: str, now: datetime) -> datetime:
    if status == S.REPORTED:
        return now - timedelta(seconds=rng.uniform(600, 36 * 3600))
    if status == S.VERIFICATION:
        return now - timedelta(seconds=rng.uniform(12 * 3600, 10 * 86400))
    return now - timedelta(days=rng.uniform(30, YEARS_OF_HISTORY * 365))


_STATUS_TABLES = [(limit, Weighted(table)) for limit, table in STATUS_BY_AGE]


def _status_for_age(rng: random.Random, age: timedelta) -> str:
    for limit, table in _STATUS_TABLES:
        if age.days < limit:
            return str(table.pick(rng))
    raise AssertionError("unreachable")


def plan_cases(rng: random.Random, n: int, now: datetime) -> list[tuple[float, int, int]]:
    """(report time stamp, organisation index, status index) of every case, in the order of the reports.

    A few bytes per case, so that references can follow the order reports came in while the case files themselves
    are generated batch by batch.
    """
    orgs = Weighted((i, d.case_share) for i, d in enumerate(DEMO_ORGANISATIONS))
    statuses = list(S)
    plan = []
    status: str
    for i in range(n):
        org = int(orgs.pick(rng))
        if i < len(STATUS_ORDER):
            status = STATUS_ORDER[i]
            reported = _reported_for_status(rng, status, now)
        else:
            reported = _random_reported(rng, now)
            status = _status_for_age(rng, now - reported)
        plan.append((reported.timestamp(), org, statuses.index(S(status))))
    plan.sort()
    return plan


def _history(
    rng: random.Random, status: str, reported_at: datetime, now: datetime
) -> list[tuple[str, str, datetime, str]]:
    """The steps that led to `status`: (from, to, when, reason), following the lifecycle's transitions.

    Delays are drawn first; when they would run past now (a recent report already closed), they are shrunk in
    proportion so that every step happened, in order, between the report and now.
    """
    plan: list[tuple[str, timedelta, str]] = []
    if status == S.REPORTED:
        return []
    plan.append((S.VERIFICATION, timedelta(hours=rng.uniform(0.5, 30)), ""))
    if status != S.VERIFICATION:
        plan.append((S.ACTIVE_SEARCH, timedelta(hours=rng.uniform(1, 6 * 24)), ""))
    if status in (S.VERIFICATION, S.ACTIVE_SEARCH):
        pass  # nothing more happened yet
    elif status == S.CLOSED and rng.random() < 0.3:
        plan.append((S.CLOSED, timedelta(days=rng.uniform(30, 900)), rng.choice(CLOSURE_NOT_LOCATED)))
    else:
        # The share found dead follows the Red Alert report (15 of the 84 located in one year).
        located = status if status in LOCATED else S.LOCATED_DECEASED if rng.random() < 0.17 else S.LOCATED_ALIVE
        r = rng.random()
        if r < 0.3:
            delay = timedelta(hours=rng.uniform(2, 7 * 24))
        elif r < 0.6:
            delay = timedelta(days=rng.uniform(7, 60))
        elif r < 0.85:
            delay = timedelta(days=rng.uniform(60, 365))
        else:
            delay = timedelta(days=rng.uniform(365, 5 * 365))
        plan.append((located, delay, ""))
        if status == S.FOLLOW_UP or (status == S.CLOSED and rng.random() < 0.8):
            plan.append((S.FOLLOW_UP, timedelta(days=rng.uniform(0, 10)), ""))
            reasons = CLOSURE_DECEASED if located == S.LOCATED_DECEASED else CLOSURE_AFTER_FOLLOW_UP
        else:
            reasons = CLOSURE_LOCATED
        if status == S.CLOSED:
            plan.append((S.CLOSED, timedelta(days=rng.uniform(60, 800)), rng.choice(reasons)))
    total = sum((delay for _to, delay, _reason in plan), timedelta())
    room = (now - reported_at) * 0.98
    scale = min(1.0, room / total) if total else 1.0
    steps: list[tuple[str, str, datetime, str]] = []
    at, previous = reported_at, str(S.REPORTED)
    for to, delay, reason in plan:
        at = min(now, at + delay * scale)
        steps.append((previous, to, at, reason))
        previous = to
    return steps


def _phone(rng: random.Random, country: str) -> str:
    return f"{PHONE_PREFIX.get(country, PHONE_PREFIX['MX'])}{rng.randrange(10000):04d}"


def _email(ctx: _Context, given: str, surname: str) -> str:
    local = fold(f"{given.split()[0]}.{surname}").replace(" ", "")
    return f"{local}{next(ctx.email_serial) % 1000}@example.org"


@dataclass
class _Draft:
    """One case being generated, with what its related rows need to know."""

    case: Case
    person: dict[str, Any]
    country: str
    locality: Locality
    steps: list[tuple[str, str, datetime, str]]
    creator: User
    team: list[User]
    contact_name: str
    contact_relationship: str
    end: datetime


def _draft_case(ctx: _Context, reported_ts: float, org_index: int, status: str) -> _Draft:
    rng = ctx.rng
    org = ctx.orgs[org_index]
    staff = ctx.users[org.pk]
    reported_at = datetime.fromtimestamp(reported_ts, tz=timezone.get_current_timezone())
    reported_on = reported_at.date()
    locality: Locality = ctx.places[org_index].pick(rng).pick(rng)
    country = locality.country

    # The person
    r = rng.random()
    sex = Sex.FEMALE if r < 0.94 else Sex.MALE if r < 0.96 else Sex.UNKNOWN
    given = male_name(rng) if sex == Sex.MALE else female_name(rng)
    first_surname, second_surname = rng.choice(SURNAMES), rng.choice(SURNAMES)
    if rng.random() < 0.05:
        second_surname = ""  # one surname only
    aliases = ""
    if rng.random() < 0.2:
        aliases = NICKNAMES.get(given) or rng.choice(GENERIC_ALIASES)
    if sex == Sex.FEMALE:
        r = rng.random()
        gender = Gender.FEMININE if r < 0.85 else Gender.TRANSGENDER_FEMININE if r < 0.87 else Gender.UNKNOWN
    elif sex == Sex.MALE:
        gender = Gender.MASCULINE if rng.random() < 0.9 else Gender.UNKNOWN
    else:
        gender = Gender.UNKNOWN

    age = _age(rng)
    r = rng.random()
    r_last_seen = rng.random()
    if r_last_seen < 0.45:
        back = 0
    elif r_last_seen < 0.75:
        back = 1
    elif r_last_seen < 0.9:
        back = rng.randint(2, 7)
    elif r_last_seen < 0.97:
        back = rng.randint(8, 60)
    else:
        back = rng.randint(61, 700)
    last_seen_on = reported_on - timedelta(days=back)
    birth_date: date | None = None
    estimated_age: int | None = None
    if r < 0.70:
        birth_date = last_seen_on - timedelta(days=age * 365 + rng.randint(0, 364))
    elif r < 0.92:
        estimated_age = age

    nationality_roll = rng.random()
    if nationality_roll < 0.12:
        nationalities: list[str] = []
    elif country == "MX" and nationality_roll < 0.20:
        nationalities = [rng.choice(("GT", "HN", "SV"))]  # a migrant from Central America, last seen in Mexico
    else:
        nationalities = [country]

    indigenous_roll = rng.random()
    indigenous_share = 0.35 if locality.subdivision in ("MX-CHP", "MX-OAX", "MX-GRO") or country == "GT" else 0.08
    indigenous, people, languages = YesNoUnknown.UNKNOWN, "", []
    if indigenous_roll < indigenous_share:
        indigenous = YesNoUnknown.YES
        people, language = rng.choice(INDIGENOUS.get(locality.subdivision) or INDIGENOUS.get(country) or (("", ""),))
        languages = [language, "spa"] if language else ["spa"]
    elif indigenous_roll < 0.55:
        indigenous = YesNoUnknown.NO
        languages = ["spa"] if rng.random() < 0.6 else []

    # The report
    r = rng.random()
    if r < 0.65:
        channel = ReportChannel.FAMILY
    elif r < 0.73:
        channel = ReportChannel.PUBLIC
    elif r < 0.85:
        channel = ReportChannel.AUTHORITY
    elif r < 0.97:
        channel = ReportChannel.HOTLINE
    else:
        channel = ReportChannel.OTHER
    relative = rng.choice(
        (Relationship.MOTHER,) * 5
        + (Relationship.FATHER, Relationship.SIBLING, Relationship.SIBLING, Relationship.GRANDPARENT)
        + (Relationship.OTHER_RELATIVE, Relationship.PARTNER)
    )
    relative_name = _relative_name(rng, relative, first_surname, second_surname)
    reporter_phone = reporter_email = ""
    if channel == ReportChannel.FAMILY:
        reporter_name, reporter_relationship = relative_name, relative
        reporter_phone = _phone(rng, country)
        if rng.random() < 0.3:
            reporter_email = _email(ctx, relative_name, relative_name.split()[-2])
    elif channel == ReportChannel.PUBLIC:
        anonymous = rng.random() < 0.5
        reporter_name = "" if anonymous else f"{female_name(rng)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        reporter_relationship = (
            Relationship.UNKNOWN if anonymous else rng.choice((Relationship.FRIEND, Relationship.OTHER))
        )
        reporter_phone = "" if anonymous else _phone(rng, country)
    elif channel == ReportChannel.AUTHORITY:
        reporter_name, reporter_relationship = rng.choice(AUTHORITY_REPORTERS), Relationship.OTHER
    else:
        reporter_name, reporter_relationship = "", Relationship.UNKNOWN

    steps = _history(rng, status, reported_at, ctx.now)
    located_on = closed_on = None
    closure_reason = ""
    for _from, to, at, reason in steps:
        if to in LOCATED:
            located_on = max(local_date(at), last_seen_on)
        if to == S.CLOSED:
            closed_on, closure_reason = local_date(at), reason
    status_changed_at = steps[-1][2] if steps else reported_at

    creator_role = Role.CASEWORKER if rng.random() < 0.6 else Role.COORDINATOR
    creator = staff.get(creator_role) or staff[Role.COORDINATOR]
    team = [creator]
    if status not in (S.REPORTED, S.VERIFICATION):
        reached = {to for _f, to, _a, _r in steps}
        wishes = [
            (Role.COORDINATOR, 0.5),
            (Role.CASEWORKER, 0.4),
            (Role.FIELD_INVESTIGATOR, 0.65),
            (Role.LAWYER, 0.4),
            (Role.HEALTH, 0.4 if reached & {S.LOCATED_ALIVE, S.LOCATED_DECEASED} else 0.15),
            (Role.SHELTER_STAFF, 0.4 if S.LOCATED_ALIVE in reached else 0.0),
        ]
        for role, share in wishes:
            user = staff.get(role)
            if user is not None and user not in team and rng.random() < share:
                team.append(user)

    lat = lon = ""
    if locality.latitude is not None and locality.longitude is not None and rng.random() < 0.4:
        lat = f"{locality.latitude + rng.uniform(-0.02, 0.02):.5f}"
        lon = f"{locality.longitude + rng.uniform(-0.02, 0.02):.5f}"

    year = reported_at.year
    number = ctx.references.get((org.pk, year), 0) + 1
    ctx.references[(org.pk, year)] = number
    case = Case(
        organisation_id=org.pk,
        reference=f"{org.code.upper()}-{year}-{number:04d}",
        status=status,
        status_changed_at=status_changed_at,
        reported_at=reported_at,
        report_channel=channel,
        reporter_name=reporter_name,
        reporter_relationship=reporter_relationship,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        last_seen_on=last_seen_on,
        last_seen_time=time(rng.randint(6, 23), rng.choice((0, 15, 30, 45))) if rng.random() < 0.6 else None,
        last_seen_place_id=locality.id,
        last_seen_place_detail=rng.choice(PLACE_DETAILS) if rng.random() < 0.7 else "",
        last_seen_latitude=lat,
        last_seen_longitude=lon,
        circumstances=rng.choice(CIRCUMSTANCES) if rng.random() < 0.85 else "",
        located_on=located_on,
        closed_on=closed_on,
        closure_reason=closure_reason,
        created_by_id=creator.pk,
        created_at=reported_at,
        updated_at=status_changed_at,
    )
    person = dict(
        given_names=given,
        first_surname=first_surname,
        second_surname=second_surname,
        aliases=aliases,
        sex=sex,
        gender=gender,
        birth_date=birth_date,
        estimated_age=estimated_age,
        nationalities=nationalities,
        indigenous=indigenous,
        indigenous_people=people,
        languages=languages,
        height_cm=rng.randint(140, 172) if rng.random() < 0.6 else None,
        physical_description=rng.choice(PHYSICAL) if rng.random() < 0.7 else "",
        distinguishing_marks=rng.choice(MARKS) if rng.random() < 0.4 else "",
        clothing=rng.choice(CLOTHING) if rng.random() < 0.6 else "",
    )
    full_name = " ".join(p for p in (given, first_surname, second_surname) if p)  # as MissingPerson.full_name
    person["search_name"] = fold(f"{full_name} {aliases}")  # what MissingPerson.save() would do
    person["age_at_disappearance"] = age_in_years(birth_date, last_seen_on) if birth_date else estimated_age
    return _Draft(
        case=case,
        person=person,
        country=country,
        locality=locality,
        steps=steps,
        creator=creator,
        team=team,
        contact_name=relative_name,
        contact_relationship=relative,
        end=status_changed_at,
    )


def _age(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.40:
        return rng.randint(12, 17)
    if r < 0.75:
        return rng.randint(18, 24)
    if r < 0.93:
        return rng.randint(25, 35)
    if r < 0.98:
        return rng.randint(36, 50)
    return rng.randint(6, 11)


def _relative_name(rng: random.Random, relationship: str, first_surname: str, second_surname: str) -> str:
    """A relative's name that shares the right surname: the father passes on the first, the mother the second."""
    if relationship in (Relationship.FATHER,):
        return f"{male_name(rng)} {first_surname} {rng.choice(SURNAMES)}"
    if relationship == Relationship.MOTHER:
        return f"{female_name(rng)} {second_surname or rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    if relationship in (Relationship.SIBLING, Relationship.OTHER_RELATIVE):
        return f"{female_name(rng)} {first_surname} {second_surname or rng.choice(SURNAMES)}"
    if relationship == Relationship.PARTNER:
        return f"{male_name(rng)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    return f"{female_name(rng)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def _between(rng: random.Random, start: datetime, end: datetime, now: datetime) -> datetime:
    end = max(start, min(end, now))
    return start + (end - start) * rng.random()


@dataclass
class _Batch:
    """What one batch of cases writes besides the cases themselves."""

    persons: Rows = field(default_factory=lambda: Rows(MissingPerson))
    contacts: Rows = field(default_factory=lambda: Rows(FamilyContact))
    memberships: Rows = field(default_factory=lambda: Rows(TeamMembership))
    consents: Rows = field(default_factory=lambda: Rows(ConsentRecord))
    timeline: Rows = field(default_factory=lambda: Rows(TimelineEvent))
    notes: list[Note] = field(default_factory=list)


def _related_rows(ctx: _Context, draft: _Draft, out: _Batch) -> None:
    """Team, family contacts, consent records, notes and timeline of one case (whose pk is set)."""
    rng, case, now = ctx.rng, draft.case, ctx.now
    case_id = case.pk
    status = case.status
    reported_at = case.reported_at
    coordinator = ctx.users[case.organisation_id].get(Role.COORDINATOR, draft.creator)

    def event(at: datetime, actor: User, kind: str, **data: str) -> None:
        out.timeline.add(case_id=case_id, at=at, actor_id=actor.pk, kind=kind, summary_data=data)

    # The report, then each status change (in the format of redalert.cases.lifecycle.transition).
    event(reported_at, draft.creator, TimelineKind.REPORTED, channel=case.report_channel)
    for previous, to, at, reason in draft.steps:
        actor = draft.creator if to == S.VERIFICATION else coordinator
        on = local_date(at).isoformat()
        event(at, actor, TimelineKind.STATUS, **{"from": str(previous), "to": str(to), "on": on, "reason": reason})

    # The team: whoever took the report, then the people the coordinator added.
    for user in draft.team:
        if user == draft.creator:
            out.memberships.add(case_id=case_id, user_id=user.pk, added_by_id=user.pk, added_at=reported_at)
            continue
        added_at = _between(rng, reported_at, draft.end, now)
        out.memberships.add(case_id=case_id, user_id=user.pk, added_by_id=coordinator.pk, added_at=added_at)
        event(added_at, coordinator, TimelineKind.TEAM, added=user.get_username())

    # Family contacts: the relative who gives consent, sometimes another one.
    if rng.random() < 0.75:
        contacts: list[tuple[str, str]] = [(draft.contact_name, draft.contact_relationship)]
        if rng.random() < 0.25:
            other = rng.choice((Relationship.SIBLING, Relationship.GRANDPARENT, Relationship.OTHER_RELATIVE))
            contacts.append(
                (_relative_name(rng, other, draft.person["first_surname"], draft.person["second_surname"]), other)
            )
        for name, rel in contacts:
            contact = out.contacts.add(
                case_id=case_id,
                name=name,
                relationship=rel,
                phone=_phone(rng, draft.country),
                email=_email(ctx, name, name.split()[-2]) if rng.random() < 0.3 else "",
                address=(
                    f"Calle Ejemplo {rng.randint(1, 400)}, Col. Centro, {draft.locality.name}"
                    if rng.random() < 0.5
                    else ""
                ),
                notes=rng.choice(CONTACT_NOTES),
                created_at=_between(rng, reported_at, reported_at + timedelta(days=2), now),
            )
            event(contact["created_at"], draft.creator, TimelineKind.CONTACT, relationship=rel)

    # Consent: every case past verification had the file opened with consent; some verifications already have it.
    steps = draft.steps
    active_at = next((at for _f, to, at, _r in steps if to == S.ACTIVE_SEARCH), None)
    consents: list[dict[str, Any]] = []
    if active_at is not None or (status == S.VERIFICATION and rng.random() < 0.4):
        if active_at is not None:  # consent came first, then the search started
            decided_at = max(reported_at, active_at - timedelta(minutes=rng.randint(5, 180)))
        else:
            decided_at = _between(rng, reported_at, now, now)
        decided_on = local_date(decided_at)
        given_by, given_rel = draft.contact_name, draft.contact_relationship
        signed = rng.random() < 0.6
        witness = "" if signed else f"{female_name(rng)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"

        def consent(purpose: str, decision: str, on: date, at: datetime, notes: str = "") -> None:
            record = out.consents.add(
                case_id=case_id,
                purpose=purpose,
                decision=decision,
                given_by_name=given_by,
                given_by_relationship=given_rel,
                method=ConsentMethod.SIGNED_FORM if signed else ConsentMethod.VERBAL_WITNESSED,
                witness_name=witness,
                decided_on=on,
                notes=notes,
                recorded_by_id=draft.creator.pk,
                recorded_at=at,
            )
            consents.append(record)
            event(at, draft.creator, TimelineKind.CONSENT, purpose=purpose, decision=decision)

        consent(Purpose.OPEN_FILE, Decision.GRANTED, decided_on, decided_at)
        if active_at is not None:
            publish = rng.random()
            if publish < 0.65:
                consent(Purpose.PUBLISH, Decision.GRANTED, decided_on, decided_at)
                if rng.random() < 0.7:
                    consent(Purpose.SOCIAL_MEDIA, Decision.GRANTED, decided_on, decided_at)
            elif publish < 0.75:
                consent(Purpose.PUBLISH, Decision.REFUSED, decided_on, decided_at, REFUSAL_FEAR)
            if rng.random() < 0.85:
                consent(Purpose.SHARE_AUTHORITIES, Decision.GRANTED, decided_on, decided_at)
            if any(u.has_role(Role.LAWYER) for u in draft.team) or rng.random() < 0.1:
                consent(Purpose.LEGAL_REPRESENTATION, Decision.GRANTED, decided_on, decided_at)
            stats = rng.random()
            if stats < 0.7:
                consent(Purpose.STATISTICS, Decision.GRANTED, decided_on, decided_at)
            elif stats < 0.75:
                consent(Purpose.STATISTICS, Decision.REFUSED, decided_on, decided_at)
            # Withdrawals: the family takes the search pages down once she is found, or for fear of reprisals.
            granted_publish = any(
                c["purpose"] == Purpose.PUBLISH and c["decision"] == Decision.GRANTED for c in consents
            )
            located_at = next((at for _f, to, at, _r in steps if to in LOCATED), None)
            if granted_publish and (
                (located_at is not None and rng.random() < 0.3) or (located_at is None and rng.random() < 0.03)
            ):
                start = located_at or decided_at
                withdrawn_at = _between(rng, start + timedelta(hours=1), start + timedelta(days=20), now)
                if decided_at < withdrawn_at <= now:  # newer than the grant, so it is the current decision
                    reason = WITHDRAWAL_LOCATED if located_at else WITHDRAWAL_FEAR
                    for purpose in (Purpose.PUBLISH, Purpose.SOCIAL_MEDIA):
                        if any(c["purpose"] == purpose for c in consents):
                            consent(purpose, Decision.WITHDRAWN, local_date(withdrawn_at), withdrawn_at, reason)

    # Notes: a general one now and then; the sensitive sections by the team members whose role writes them.
    note_end = draft.end + timedelta(days=30)
    by_role = {role: user for user in draft.team for role in user.role_set}
    wanted: list[tuple[str, User]] = []
    if rng.random() < 0.7:
        wanted.append((NoteSection.GENERAL, draft.creator))
    if status not in (S.REPORTED, S.VERIFICATION):
        if rng.random() < 0.25:
            wanted.append((NoteSection.GENERAL, draft.creator))
        for section, role, share in (
            (NoteSection.INVESTIGATION, Role.FIELD_INVESTIGATOR, 0.8),
            (NoteSection.LEGAL, Role.LAWYER, 0.8),
            (NoteSection.HEALTH, Role.HEALTH, 0.7),
            (NoteSection.SHELTER, Role.SHELTER_STAFF, 0.7),
        ):
            author = by_role.get(role)
            if author is None and role == Role.FIELD_INVESTIGATOR:
                author = by_role.get(Role.COORDINATOR)  # small organisations investigate themselves
            if author is not None and rng.random() < share:
                wanted.append((section, author))
    for note_section, author in wanted:
        note = Note(
            case_id=case_id,
            section=note_section,
            body=rng.choice(NOTES[note_section]),
            author_id=author.pk,
            created_at=_between(rng, reported_at, note_end, now),
        )
        out.notes.append(note)


def _flush(out: _Batch, counts: dict[str, int], batch_size: int) -> None:
    """Write the related rows of a batch of cases; notes before their timeline lines, which point at them."""
    Note.objects.bulk_create(out.notes, batch_size=batch_size)  # bulk_create sets the ids the timeline needs
    for note in out.notes:
        out.timeline.add(
            case_id=note.case_id,
            at=note.created_at,
            actor_id=note.author_id,
            kind=TimelineKind.NOTE,
            section=note.section,
            summary_data={},
            note_id=note.pk,
        )
    counts["notes"] = counts.get("notes", 0) + len(out.notes)
    out.notes.clear()
    for name in ("persons", "contacts", "memberships", "consents", "timeline"):
        rows: Rows = getattr(out, name)
        counts[name] = counts.get(name, 0) + rows.write(batch_size)


def publish_consenting_cases(orgs: list[Organisation], rng: random.Random, now: datetime) -> int:
    """Put most demo cases that consent to publication (and can be shown) on the public site."""
    showable = cases_consenting_to(Case.objects.filter(organisation__in=orgs), Purpose.PUBLISH).filter(
        Q(status=S.ACTIVE_SEARCH) | Q(located_on__isnull=False)
    )
    already = set(Publication.objects.filter(case__organisation__in=orgs).values_list("case_id", flat=True))
    rows = [
        Publication(
            case_id=case_id,
            is_public=True,
            published_at=now - timedelta(days=rng.randint(0, 400)),
            published_by_id=created_by,
            public_summary=rng.choice(PUBLIC_SUMMARIES),
        )
        for case_id, created_by in showable.values_list("pk", "created_by_id").iterator()
        if case_id not in already and rng.random() < 0.8
    ]
    Publication.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_demo(
    *,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> SeedResult:
    """Create (or add to) the demo organisations, their users and `cases` case files. One transaction."""
    if cases < 0:
        raise SeedError("The number of cases cannot be negative.")
    picker = PlacePicker.from_database()
    if not picker.count:
        raise SeedError(
            "The places table has no localities of Mexico or Central America. Run `manage.py load_places` first."
        )
    rng = random.Random(seed)
    if now is None:
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        orgs = create_organisations()
        users = create_users(orgs)
        # Lock the counters of the demo organisations and start from them, as next_reference would.
        references = {
            (c.organisation_id, c.year): c.last_number
            for c in CaseCounter.objects.select_for_update().filter(organisation__in=orgs)
        }
        ctx = _Context(
            rng=rng,
            now=now,
            orgs=orgs,
            users=users,
            places=[picker.for_organisation(d) for d in DEMO_ORGANISATIONS],
            references=references,
        )
        plan = plan_cases(rng, cases, now)
        statuses = list(S)
        out = _Batch()
        counts: dict[str, int] = {"cases": 0}
        with historical_timestamps():
            for start in range(0, len(plan), batch_size):
                drafts = [
                    _draft_case(ctx, ts, org_index, statuses[status_index])
                    for ts, org_index, status_index in plan[start : start + batch_size]
                ]
                Case.objects.bulk_create([d.case for d in drafts], batch_size=batch_size)
                for draft in drafts:
                    out.persons.add(case_id=draft.case.pk, organisation_id=draft.case.organisation_id, **draft.person)
                    _related_rows(ctx, draft, out)
                _flush(out, counts, batch_size)
                reset_queries()  # with DEBUG on, Django keeps every query's SQL: memory would grow with N
                counts["cases"] += len(drafts)
                if progress is not None:
                    progress(counts["cases"], cases)
        # The consent rows went in by COPY, past the consent service: derive the current decisions in one go.
        rebuild_current_consents(Case.objects.filter(organisation__in=orgs))
        counts["publications"] = publish_consenting_cases(orgs, rng, now)
        rebuild_listing()  # the publications went in by bulk_create, past public.services.set_public
        # The cases went in by bulk_create, past the intake's announcement: derive the yearly report's rows.
        refresh_statistics_facts(Case.objects.filter(organisation__in=orgs).values_list("pk", flat=True))
        for (org_id, year), last in references.items():
            CaseCounter.objects.update_or_create(organisation_id=org_id, year=year, defaults={"last_number": last})
        counts["users"] = sum(len(u) for u in users.values())
        counts["organisations"] = len(orgs)
        audit_record(
            AUDIT_ACTOR,
            AuditAction.CREATE,
            detail={"demo_data": True, "seed": seed, "organisations": [o.code for o in orgs], **counts},
        )
    all_users = [u for by_role in users.values() for u in by_role.values()]
    return SeedResult(organisations=orgs, users=list(dict.fromkeys(all_users)), counts=counts)
