"""The organisation's open cases that may be the same person as some facts (stable API, issue 15).

Indexed lookups, not a scan: the facts' blocking-key digests are looked up in CandidateKey by
(organisation_id, digest); the cases sharing the most keys are loaded (only they are read and decrypted) and
scored with `compare`.

A key shared by more than KEY_FANOUT cases of the organisation (a common given name × a common surname × the most
populous state) is skipped, as the batch job's blocking skips broad keys: reading it would cost thousands of index
rows and its cases would crowd the shortlist with namesakes. Among the cases sharing the same number of keys, those
sharing the rarer keys come first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

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


# A key shared by more cases than this is not looked up (see above).
KEY_FANOUT = 300

# PostgreSQL: each wanted key's fan-out counted up to KEY_FANOUT + 1 (an index-only scan of at most that many
# entries), then only the narrow keys' cases aggregated, in one round trip.
_SHORTLIST_SQL = """
WITH wanted AS (
    SELECT w.digest, n.fanout
    FROM unnest(%(digests)s::bigint[]) AS w(digest)
    CROSS JOIN LATERAL (
        SELECT count(*) AS fanout FROM (
            SELECT 1 FROM matching_candidatekey k
            WHERE k.organisation_id = %(organisation_id)s AND k.digest = w.digest
            LIMIT %(over)s
        ) AS capped
    ) AS n
)
SELECT k.case_id
FROM wanted w
JOIN matching_candidatekey k ON k.organisation_id = %(organisation_id)s AND k.digest = w.digest
WHERE w.fanout BETWEEN 1 AND %(fanout)s AND k.case_id <> ALL(%(exclude)s::bigint[])
GROUP BY k.case_id
ORDER BY count(*) DESC, sum(1.0 / w.fanout) DESC, k.case_id DESC
LIMIT %(limit)s
"""


def shortlist(organisation_id: int, facts: PersonFacts, *, exclude_case_ids: Iterable[int] = ()) -> list[int]:
    """Ids of the open cases sharing the most blocking keys with the facts, keys shared by more than KEY_FANOUT
    cases left out (no decryption, one indexed query)."""
    wanted = digests(facts, query=True)
    if not wanted:
        return []
    excluded = sorted(set(exclude_case_ids))
    if connection.vendor == "postgresql":
        params: dict[str, Any] = {
            "digests": sorted(wanted),
            "organisation_id": organisation_id,
            "over": KEY_FANOUT + 1,
            "fanout": KEY_FANOUT,
            "exclude": excluded,
            "limit": SHORTLIST,
        }
        with connection.cursor() as cursor:
            cursor.execute(_SHORTLIST_SQL, params)
            return [row[0] for row in cursor.fetchall()]
    # Elsewhere (SQLite: development and tests) the same rule over the keys' rows read whole.
    cases_of: dict[int, list[int]] = defaultdict(list)
    rows = CandidateKey.objects.filter(organisation_id=organisation_id, digest__in=wanted)
    for digest, case_id in rows.values_list("digest", "case_id"):
        cases_of[digest].append(case_id)
    shared: dict[int, int] = defaultdict(int)
    rarity: dict[int, float] = defaultdict(float)
    skip = set(excluded)
    for case_ids in cases_of.values():
        if len(case_ids) > KEY_FANOUT:
            continue
        for case_id in case_ids:
            if case_id not in skip:
                shared[case_id] += 1
                rarity[case_id] += 1.0 / len(case_ids)
    ranked = sorted(shared, key=lambda c: (-shared[c], -rarity[c], -c))
    return ranked[:SHORTLIST]


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
