"""Trafficking facts (HTCDS) and the route of each case: the assessment, how she was recruited and controlled, the
exploitation, and the stops from where she was last seen to where she was exploited."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from redalert.accounts.roles import Role
from redalert.cases.choices import CaseStatus, YesNoUnknown
from redalert.demo.after_report.cases import CaseInfo, People, Step
from redalert.demo.after_report.places import RoutePlaces
from redalert.demo.draws import Weighted, days_after
from redalert.demo.rows import Rows, tally
from redalert.investigation.choices import (
    NOT_KNOWN,
    EventType,
    MethodOfControl,
    MethodOfRecruitment,
    RelationshipToTrafficker,
    TraffickingStatus,
    TypeOfExploitation,
    TypeOfSexExploitation,
    WebsiteOrApp,
)
from redalert.investigation.models import TraffickingEvent, TraffickingFacts

S = CaseStatus

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


class Trafficking(Step):
    """The trafficking facts and route stops of each case, written batch by batch."""

    def __init__(self, rng: random.Random, now: datetime, people: People, places: RoutePlaces) -> None:
        super().__init__(rng, now, people)
        self.places = places
        self.facts = Rows(TraffickingFacts)
        self.events = Rows(TraffickingEvent)

    def status(self, case: CaseInfo) -> str | None:
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

    def record_facts(self, case: CaseInfo, status: str) -> list[str]:
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
        self.facts.add(
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

    def record_route(self, case: CaseInfo, status: str, types: list[str]) -> int | None:
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
                day = min(days_after(rng, day, 1, 12), end)
            else:
                day = min(days_after(rng, day, 0, 40), end)
            if place is not None and rng.random() < 0.08:
                place = None  # the place was not recorded
            detail = rng.choice(PLACE_DETAILS) if event_type == EventType.EXPLOITATION and rng.random() < 0.3 else ""
            description = ""
            if rng.random() < 0.25:
                labour = bool(types) and TypeOfExploitation.SEXUAL not in types
                choices = EVENT_DESCRIPTIONS[EventType(event_type)]
                description = choices[1] if labour and event_type == EventType.EXPLOITATION else rng.choice(choices)
            self.events.add(
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

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        tally(counts, "trafficking facts", self.facts.write(batch_size))
        tally(counts, "route events", self.events.write(batch_size))
