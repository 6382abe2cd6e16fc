"""Legal proceedings of the cases whose family consented to legal representation: the complaint, the prosecutor,
the crimes charged, the status history of the proceeding and the accused with their sentences."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from redalert.accounts.roles import Role
from redalert.cases.choices import CaseStatus
from redalert.consent.choices import Purpose
from redalert.demo.after_report.cases import CaseInfo, People, Step
from redalert.demo.after_report.places import RoutePlaces
from redalert.demo.draws import Weighted, days_after, person_name
from redalert.demo.rows import Rows, tally, write_back
from redalert.investigation.choices import TraffickingStatus
from redalert.legal.choices import AccusedOutcome, DeclineReason, ProceedingStatus
from redalert.legal.choices import Authority as ProsecutorLevel
from redalert.legal.models import Accused, Proceeding, StatusChange

S = CaseStatus

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


class Legal(Step):
    """One proceeding at most per case, with its status history and accused, written batch by batch."""

    def __init__(self, rng: random.Random, now: datetime, people: People, places: RoutePlaces) -> None:
        super().__init__(rng, now, people)
        self.places = places
        self.proceedings = Rows(Proceeding)
        # Per proceeding (by case id): its status history and accused, written once the proceeding has an id.
        self.histories: dict[int, list[dict[str, Any]]] = {}
        self.accused: dict[int, list[dict[str, Any]]] = {}

    def record(self, case: CaseInfo, status: str | None) -> None:
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
            start = max(days_after(rng, case.located_on, 0, 45), consented_on)
        else:
            start = max(days_after(rng, case.reported_on, 0, 20), consented_on)
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
            if roll < 0.25 and (nxt := days_after(rng, day, 180, 700)) <= today:
                step(ProceedingStatus.DECLINED, nxt, str(DECLINE.pick(rng)))
        elif roll < 0.20:
            if (nxt := days_after(rng, day, 90, 500)) <= today:
                step(ProceedingStatus.DECLINED, nxt, str(DECLINE.pick(rng)))
        elif roll < 0.75 and (nxt := days_after(rng, day, 45, 300)) <= today:
            step(ProceedingStatus.CHARGED, nxt)
            day = nxt
            for _n in range(rng.choice((1, 1, 1, 2, 2, 3))):
                accused.append(
                    {
                        "name": person_name(rng) if rng.random() < 0.75 else "",
                        "role": rng.choice(ACCUSED_ROLES) if rng.random() < 0.8 else "",
                        "outcome": AccusedOutcome.FUGITIVE
                        if accused and rng.random() < 0.1
                        else AccusedOutcome.PENDING,
                    }
                )
            if rng.random() < 0.8 and (nxt := days_after(rng, day, 45, 240)) <= today:
                step(ProceedingStatus.TRIAL, nxt)
                day = nxt
                if rng.random() < 0.75 and (nxt := days_after(rng, day, 60, 300)) <= today:
                    step(ProceedingStatus.SENTENCED, nxt)
                    day = nxt
                    self._sentence(accused, day, deceased)
                    if rng.random() < 0.2 and (nxt := days_after(rng, day, 30, 120)) <= today:
                        step(ProceedingStatus.APPEAL, nxt)
        last = history[-1]
        self.proceedings.add(
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
        self.histories[case.id] = history
        self.accused[case.id] = accused

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

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        proceeding_ids = write_back(self.proceedings, batch_size, lambda r: r["case_id"], "case_id")
        tally(counts, "proceedings", len(proceeding_ids))
        history, accused = Rows(StatusChange), Rows(Accused)
        for case_id, proceeding_id in sorted(proceeding_ids.items()):
            for change in self.histories.get(case_id, []):
                history.add(proceeding_id=proceeding_id, note="", **change)
            for person in self.accused.get(case_id, []):
                accused.add(proceeding_id=proceeding_id, **person)
        self.histories, self.accused = {}, {}
        tally(counts, "proceeding status changes", history.write(batch_size))
        tally(counts, "accused", accused.write(batch_size))
