"""Which open missing cases the register proposes for a person found, and why.

Two sources, merged (the higher score of a case wins):

1. **By name** — redalert.matching's `candidates_for`: the names or nicknames she gives, with her sex, age range,
   date and place found, against the organisation's indexed open cases (nicknames, phonetic keys, edit distance…).
   Nothing about names is decided here.
2. **By description** — for the many people found who give no name, or a false one (a deceased unidentified
   woman, a girl who will not speak): `described_alike`, a rule on the parts redalert.matching's `compare` scores
   without names. A case is proposed when she was found on or after the day the case's person was last seen, the
   sex recorded does not differ, the age is within matching's tolerance (both known) and the place found is the
   place last seen, nearby or in the same state (both known). Its score is the mean of the age and place
   similarities weighted as matching weighs them, times 0.9 (a description alone is weaker evidence than a name),
   and the team sees "compared without names" among the reasons.

A case proposed by name keeps matching's score and reasons; the description only adds cases the names missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from redalert.cases.models import Case
from redalert.found.choices import FoundReason
from redalert.found.facts import facts_for_found
from redalert.found.models import FoundPerson
from redalert.matching import candidates_for
from redalert.matching.compare import AGE_TOLERANCE_YEARS, SHOW_THRESHOLD, WEIGHTS, Reason, compare
from redalert.matching.facts import OPEN_STATUSES, PersonFacts, facts_for_case

LIMIT = 10
DESCRIPTION_THRESHOLD = SHOW_THRESHOLD  # the same bar as a proposal by name
MIN_AGE_SIMILARITY = 0.5  # within matching's age tolerance
MIN_PLACE_SIMILARITY = 0.6  # same state, or within 100 km, or the same place
DESCRIPTION_FACTOR = 0.9  # a description alone is weaker evidence than a name: its best score is 0.9
DESCRIPTION_SCAN = 2000  # at most this many open cases are read for one record (newest disappearances first)


@dataclass(frozen=True)
class Proposal:
    case_id: int
    score: float
    reasons: tuple[str, ...]


def described_alike(found: PersonFacts, case: PersonFacts) -> Proposal | None:
    """The description rule (module docstring) for one pair of facts; None when it does not hold.

    Rule: found on or after the day last seen; sex not recorded differently; age and place both known and close.
    """
    if found.event_date is not None and case.event_date is not None and found.event_date < case.event_date:
        return None
    if found.known_sex and case.known_sex and found.known_sex != case.known_sex:
        return None
    parts = compare(found, case).parts
    age, place = parts.get("age"), parts.get("place")
    if age is None or place is None or age < MIN_AGE_SIMILARITY or place < MIN_PLACE_SIMILARITY:
        return None
    mean = (WEIGHTS["age"] * age + WEIGHTS["place"] * place) / (WEIGHTS["age"] + WEIGHTS["place"])
    score = round(DESCRIPTION_FACTOR * mean, 4)
    if score < DESCRIPTION_THRESHOLD:
        return None
    reasons = [FoundReason.DESCRIPTION_ONLY.value, Reason.AGE_WITHIN_TOLERANCE.value]
    reasons.append(FoundReason.SAME_PLACE.value if place >= 1.0 else FoundReason.PLACE_CLOSE.value)
    return Proposal(0, score, tuple(reasons))


def _description_candidates(found: FoundPerson, facts: PersonFacts, exclude: set[int]) -> list[Proposal]:
    """Open cases of the organisation that a description alone could fit (a narrow database filter, then the rule)."""
    if found.found_place is None or (found.age_min is None and found.age_max is None):
        return []
    cases = (
        Case.objects.filter(
            organisation_id=found.organisation_id,
            status__in=OPEN_STATUSES,
            last_seen_on__lte=found.found_on,
            last_seen_place__country_code=found.found_place.country_code,
            person__age_at_disappearance__isnull=False,
        )
        .exclude(pk__in=exclude)
        .select_related("person", "last_seen_place__subdivision")
    )
    if facts.known_sex:
        cases = cases.filter(person__sex__in=[facts.known_sex, "unknown"])
    high = found.age_max if found.age_max is not None else found.age_min
    assert high is not None
    cases = cases.filter(person__age_at_disappearance__lte=high + AGE_TOLERANCE_YEARS)
    proposals = []
    for case in cases.order_by("-last_seen_on", "-pk")[:DESCRIPTION_SCAN]:
        if getattr(case, "merged_into_id", None):
            continue
        proposal = described_alike(facts, facts_for_case(case))
        if proposal is not None:
            proposals.append(Proposal(case.pk, proposal.score, proposal.reasons))
    return proposals


def proposals_for(found: FoundPerson, exclude_case_ids: Iterable[int] = ()) -> list[Proposal]:
    """The open cases to propose for this record, best first (at most LIMIT), leaving out `exclude_case_ids`."""
    exclude = set(exclude_case_ids)
    facts = facts_for_found(found)
    best: dict[int, Proposal] = {}
    for match in candidates_for(found.organisation_id, facts, exclude_case_ids=sorted(exclude), limit=LIMIT):
        reasons = tuple(str(getattr(r, "value", r)) for r in match.comparison.reasons)
        best[match.case_id] = Proposal(match.case_id, round(float(match.comparison.score), 4), reasons)
    for proposal in _description_candidates(found, facts, exclude):
        best.setdefault(proposal.case_id, proposal)
    ranked = sorted(best.values(), key=lambda p: (-p.score, -p.case_id))
    return ranked[:LIMIT]
