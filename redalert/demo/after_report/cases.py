"""What every step after the report reads and shares: the cases of one batch (`CaseInfo`, `load_cases`), the staff
who sign what was recorded (`People`), and the random generator and clock of the seeding (`Step`)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from redalert.accounts.models import RoleAssignment
from redalert.accounts.roles import Role
from redalert.cases.choices import CaseStatus, Relationship
from redalert.cases.models import Case, FamilyContact, TeamMembership, TimelineEvent, TimelineKind
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import CurrentConsent
from redalert.demo.draws import local_date
from redalert.places.models import PlaceKind

S = CaseStatus
LOCATED = (S.LOCATED_ALIVE, S.LOCATED_DECEASED)
NOT_YET_OPEN = (S.REPORTED, S.VERIFICATION)
# The relatives whose relationship the services to the family record (the first such contact of the case).
FAMILY_RELATIONSHIPS = {
    Relationship.MOTHER,
    Relationship.FATHER,
    Relationship.SIBLING,
    Relationship.GRANDPARENT,
    Relationship.OTHER_RELATIVE,
    Relationship.PARTNER,
    Relationship.CHILD,
}


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
        return local_date(self.reported_at)

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


class Step:
    """One kind of record drawn for each case. Every step draws from the same random generator, in the order
    redalert.demo.after_report.run calls them, and dates nothing after `now`."""

    def __init__(self, rng: random.Random, now: datetime, people: People) -> None:
        self.rng = rng
        self.now = now
        self.today = local_date(now)
        self.tz = timezone.get_current_timezone()  # read once: the lookup costs more than the date arithmetic
        self.people = people

    def moment(self, day: date) -> datetime:
        """A time of the working day, local time, never after now."""
        at = datetime.combine(day, time(self.rng.randint(8, 19), self.rng.choice((0, 15, 30, 45))), tzinfo=self.tz)
        return min(at, self.now)


def load_cases(case_qs: QuerySet[Case], ids: list[int]) -> list[CaseInfo]:
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
