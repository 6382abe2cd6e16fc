"""Keeping the candidate index (CandidateKey) in step with the cases: one function, used by the follower and by
the rebuild command alike, so that both compute exactly the same thing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from redalert.cases.models import Case
from redalert.matching.facts import OPEN_STATUSES, facts_for_case
from redalert.matching.keys import digests
from redalert.matching.models import CandidateKey


def is_indexed(case: Case) -> bool:
    """Open cases are indexed; a case merged into another (redalert.duplicates) is not."""
    return case.status in OPEN_STATUSES and not getattr(case, "merged_into_id", None)


def refresh_cases(case_ids: Iterable[int]) -> int:
    """Recompute the keys of these cases; returns how many key rows were added or removed."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    wanted: dict[int, set[int]] = {}
    organisation: dict[int, int] = {}
    for case in Case.objects.filter(pk__in=ids).select_related("person", "last_seen_place__subdivision"):
        organisation[case.pk] = case.organisation_id
        has_person = hasattr(case, "person")
        wanted[case.pk] = digests(facts_for_case(case)) if has_person and is_indexed(case) else set()
    stored: dict[int, set[int]] = defaultdict(set)
    for case_id, value in CandidateKey.objects.filter(case_id__in=ids).values_list("case_id", "digest"):
        stored[case_id].add(value)
    changed = 0
    to_add: list[CandidateKey] = []
    for case_id in ids:
        want, have = wanted.get(case_id, set()), stored.get(case_id, set())
        gone = have - want
        if gone:
            changed += CandidateKey.objects.filter(case_id=case_id, digest__in=gone).delete()[0]
        to_add.extend(
            CandidateKey(organisation_id=organisation[case_id], case_id=case_id, digest=d) for d in want - have
        )
    CandidateKey.objects.bulk_create(to_add, batch_size=1000)
    return changed + len(to_add)
