"""How each located case ended: one Outcome, alive or deceased as its status history says, dated the day she was
located, with how she was found and, sometimes, where."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from redalert.accounts.roles import Role
from redalert.demo.after_report.cases import LOCATED, CaseInfo, People, Step
from redalert.demo.after_report.places import RoutePlaces
from redalert.demo.draws import Weighted
from redalert.demo.rows import Rows, tally
from redalert.investigation.choices import HowLocated, OutcomeResult
from redalert.investigation.models import Outcome

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


class Outcomes(Step):
    """The outcome of each located case, written batch by batch."""

    def __init__(self, rng: random.Random, now: datetime, people: People, places: RoutePlaces) -> None:
        super().__init__(rng, now, people)
        self.places = places
        self.outcomes = Rows(Outcome)

    def record(self, case: CaseInfo, exploitation_place: int | None) -> int | None:
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
        self.outcomes.add(
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

    def located_abroad(self, case: CaseInfo, place: int | None) -> bool:
        """Whether the place recorded is in a country that is not hers (nor, without a nationality, her
        organisation's): the services then include a repatriation."""
        country = self.places.country_of.get(place or 0) if place != case.place_id else case.place_country
        return country is not None and country not in (case.nationalities or [case.org_country])

    def write(self, batch_size: int, counts: dict[str, int]) -> None:
        tally(counts, "outcomes", self.outcomes.write(batch_size))
