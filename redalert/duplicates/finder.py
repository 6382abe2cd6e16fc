"""The background job that fills the review queue: pairs of an organisation's cases that may be the same person.

Rules, one sentence each:
- Candidates come from redalert.matching (indexed blocking keys of open cases, `candidates_for`, scored by
  `compare`); a pair is proposed when its score reaches matching's REVIEW_THRESHOLD. No name matching is done here.
- Only the cases of one organisation are compared with each other, and never a case merged into another.
- A pair decided "different people", or merged, is never proposed again (its row keeps its status); a pair still
  waiting gets its score and reasons refreshed.
- Each run compares the cases changed since the previous run of that organisation (`ScanState.scanned_up_to`),
  so its cost grows with the cases changed and their candidates, not with the square of the cases.
- A full scan (the first one, or `find_duplicates --full`) of an organisation with at least
  DUPLICATES_SPLINK_MIN_CASES open cases runs the batch model instead (redalert.matching.linkage: Splink on DuckDB,
  trained on that organisation's cases): it proposes the pairs whose match probability reaches its threshold; each
  is stored with `compare`'s score and reasons, the same scale the queue and the intake check show. Below that
  size EM has too few true pairs to learn from, and the indexed lookups are as fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.duplicates.models import DuplicatePair, PairStatus, ScanState
from redalert.matching.candidates import FACT_FIELDS, candidates_for
from redalert.matching.compare import REVIEW_THRESHOLD, compare
from redalert.matching.facts import OPEN_STATUSES, PersonFacts, facts_for_case

# Full scans of organisations with at least this many open cases use the Splink batch model (docs/matching.md).
SPLINK_MIN_CASES = 5000


def splink_min_cases() -> int:
    return int(getattr(settings, "DUPLICATES_SPLINK_MIN_CASES", SPLINK_MIN_CASES))


def _open_cases(organisation_id: int) -> Any:
    return Case.objects.filter(organisation_id=organisation_id, merged_into__isnull=True, status__in=OPEN_STATUSES)


def _decided(organisation_id: int) -> set[tuple[int, int]]:
    decided = DuplicatePair.objects.filter(organisation_id=organisation_id).exclude(status=PairStatus.PROPOSED)
    return set(decided.values_list("case_a_id", "case_b_id"))


def find_pairs(organisation_id: int, *, since: datetime | None = None, batch: int = 500) -> int:
    """Propose the pairs of this organisation's cases changed since `since` (all when None); returns how many
    pairs were added or refreshed."""
    if since is None and _open_cases(organisation_id).count() >= splink_min_cases():
        return find_pairs_batch(organisation_id)
    cases = _open_cases(organisation_id)
    if since is not None:
        cases = cases.filter(updated_at__gte=since)
    closed = _decided(organisation_id)
    touched = 0
    for case in cases.select_related("person", "last_seen_place__subdivision").order_by("pk").iterator(batch):
        if not hasattr(case, "person"):
            continue
        found = candidates_for(
            organisation_id, facts_for_case(case), exclude_case_ids=[case.pk], threshold=REVIEW_THRESHOLD
        )
        for candidate in found:
            a, b = sorted((case.pk, candidate.case_id))
            if (a, b) in closed:
                continue
            reasons = [str(reason) for reason in candidate.comparison.reasons]
            touched += _propose(organisation_id, a, b, candidate.score, reasons)
    return touched


def find_pairs_batch(organisation_id: int, *, db_api: Any = None, model: dict[str, Any] | None = None) -> int:
    """Propose the pairs the Splink model finds among all the organisation's open cases (trained on them unless a
    trained `model` is given; DuckDB unless another Splink `db_api`, e.g. Spark); returns how many pairs were added
    or refreshed. Pairs decided "different people" or merged are skipped, as in `find_pairs`."""
    from redalert.matching import linkage  # Splink and DuckDB load only when a batch runs

    saved = getattr(settings, "DUPLICATES_SPLINK_MODEL", "")
    if model is None and saved:
        model = linkage.load_model(saved)
    people: list[tuple[int, PersonFacts]] = []
    cases = _open_cases(organisation_id).select_related("person", "last_seen_place__subdivision").only(*FACT_FIELDS)
    for case in cases.order_by("pk").iterator(2000):
        if hasattr(case, "person"):
            people.append((case.pk, facts_for_case(case)))
    if len(people) < 2:
        return 0
    facts = dict(people)
    closed = _decided(organisation_id)
    touched = 0
    for pair in linkage.link(people, db_api=db_api, model=model):
        if (pair.a, pair.b) in closed:
            continue
        comparison = compare(facts[pair.a], facts[pair.b])
        reasons = [str(reason) for reason in comparison.reasons]
        touched += _propose(organisation_id, pair.a, pair.b, comparison.score, reasons)
    return touched


def _propose(organisation_id: int, a: int, b: int, score: float, reasons: list[str]) -> int:
    updated = DuplicatePair.objects.filter(case_a_id=a, case_b_id=b, status=PairStatus.PROPOSED).update(
        score=score, reasons=reasons
    )
    if updated:
        return updated
    if DuplicatePair.objects.filter(case_a_id=a, case_b_id=b).exists():
        return 0  # decided meanwhile
    try:
        with transaction.atomic():
            DuplicatePair.objects.create(
                organisation_id=organisation_id, case_a_id=a, case_b_id=b, score=score, reasons=reasons
            )
    except IntegrityError:  # another worker proposed it a moment ago
        return 0
    return 1


def scan_interval() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "DUPLICATES_SCAN_SECONDS", 3600)))


def run_due(now: datetime | None = None) -> int:
    """Run the scan of every organisation whose last run is older than DUPLICATES_SCAN_SECONDS (default an hour).

    Each organisation is claimed with a conditional update, so that any number of workers (run_worker's
    processes, Celery) never scan one twice at the same time. Returns how many pairs were added or refreshed.
    """
    now = now or timezone.now()
    due_before = now - scan_interval()
    total = 0
    recent = ScanState.objects.filter(last_run_at__gt=due_before).values("organisation_id")
    due = Organisation.objects.exclude(pk__in=recent).order_by("pk").values_list("pk", flat=True)  # one query
    for organisation_id in due:
        state, _created = ScanState.objects.get_or_create(organisation_id=organisation_id)
        if state.last_run_at is not None and state.last_run_at > due_before:
            continue
        claimed = ScanState.objects.filter(pk=state.pk).filter(
            Q(last_run_at__isnull=True) | Q(last_run_at=state.last_run_at)
        )
        if not claimed.update(last_run_at=now):
            continue
        total += find_pairs(organisation_id, since=state.scanned_up_to)
        ScanState.objects.filter(pk=state.pk).update(scanned_up_to=now)
    return total


def run_all(organisation_id: int | None = None, *, full: bool = False) -> int:
    """Scan now (the management command): one organisation or all, everything (`full`) or what changed."""
    now = timezone.now()
    ids = (
        [organisation_id] if organisation_id else list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    )
    total = 0
    for pk in ids:
        state, _created = ScanState.objects.get_or_create(organisation_id=pk)
        total += find_pairs(pk, since=None if full else state.scanned_up_to)
        ScanState.objects.filter(pk=state.pk).update(scanned_up_to=now, last_run_at=now)
    return total
