"""The organisation's open cases that may be the same person as some facts (stable API, issue 15).

Indexed lookups, not a scan: the facts' blocking-key digests are looked up in CandidateKey by
(organisation_id, digest); the cases sharing the most keys are loaded (only they are read and decrypted) and
scored with `compare`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from redalert.cases.models import Case
from redalert.matching.compare import SHOW_THRESHOLD, Comparison, compare
from redalert.matching.facts import PersonFacts, facts_for_case
from redalert.matching.index import is_indexed
from redalert.matching.keys import digests
from redalert.matching.models import CandidateKey

FACT_FIELDS = (
    "organisation_id",
    "status",
    "last_seen_on",
    "person__given_names",
    "person__first_surname",
    "person__second_surname",
    "person__aliases",
    "person__sex",
    "person__birth_date",
    "person__estimated_age",
    "person__case_id",
    "last_seen_place__kind",
    "last_seen_place__code",
    "last_seen_place__country_code",
    "last_seen_place__latitude",
    "last_seen_place__longitude",
    "last_seen_place__subdivision__code",
    "last_seen_place__subdivision__kind",
    # A case merged into another is not a candidate (redalert.duplicates adds the field; read it when present).
    *(["merged_into"] if any(f.name == "merged_into" for f in Case._meta.concrete_fields) else []),
)

# How many cases sharing keys are scored at most (those sharing the most keys first).
SHORTLIST = 80


@dataclass(frozen=True)
class Candidate:
    case_id: int
    comparison: Comparison

    @property
    def score(self) -> float:
        return self.comparison.score


def shortlist(organisation_id: int, facts: PersonFacts, *, exclude_case_ids: Iterable[int] = ()) -> list[int]:
    """Ids of the open cases sharing the most blocking keys with the facts (no decryption, one indexed query)."""
    wanted = digests(facts, query=True)
    if not wanted:
        return []
    rows = (
        CandidateKey.objects.filter(organisation_id=organisation_id, digest__in=wanted)
        .exclude(case_id__in=list(exclude_case_ids))
        .values("case_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "-case_id")[:SHORTLIST]
    )
    return [row["case_id"] for row in rows]


def candidates_for(
    organisation: Any,
    facts: PersonFacts,
    *,
    exclude_case_ids: Iterable[int] = (),
    limit: int = 10,
    threshold: float = SHOW_THRESHOLD,
) -> list[Candidate]:
    """The organisation's open cases that may be this person, best first, scoring at least `threshold`.

    `organisation` is an Organisation or its id. Nothing here checks who asks: callers show a candidate's fields
    only to someone who may open the case (redalert.access.policy), see redalert.matching.views.
    """
    organisation_id = getattr(organisation, "pk", organisation)
    ids = shortlist(organisation_id, facts, exclude_case_ids=exclude_case_ids)
    if not ids:
        return []
    # Only what the comparison reads: none of the case's encrypted fields is fetched or decrypted here.
    cases = (
        Case.objects.filter(pk__in=ids, organisation_id=organisation_id)
        .select_related("person", "last_seen_place__subdivision")
        .only(*FACT_FIELDS)
    )
    found = []
    for case in cases:
        if not hasattr(case, "person") or not is_indexed(case):
            continue
        comparison = compare(facts, facts_for_case(case))
        if comparison.score >= threshold:
            found.append(Candidate(case.pk, comparison))
    found.sort(key=lambda c: (-c.comparison.score, -c.case_id))
    return found[:limit]
