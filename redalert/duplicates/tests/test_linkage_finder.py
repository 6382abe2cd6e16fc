"""The background job's batch path (Splink on DuckDB, redalert.matching.linkage) feeds the same review queue:
it proposes the same girl reported twice, with `compare`'s score and reasons, and never a pair decided "different
people" again; the indexed path still runs below DUPLICATES_SPLINK_MIN_CASES."""

from __future__ import annotations

import json
from typing import Any

import pytest

from redalert.duplicates.finder import find_pairs, find_pairs_batch
from redalert.duplicates.models import DuplicatePair, PairStatus
from redalert.matching import linkage
from redalert.matching.tests.linkage_data import generate


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    """A model trained on generated people (an organisation of two cases is too small to learn from)."""
    records, _truth = generate(400)
    linker = linkage.linker_for(linkage.arrow_table(records), linkage.duckdb_api())
    linkage.train(linker)
    return linkage.trained_model(linker)


def test_the_batch_model_proposes_the_same_girl_with_reasons(twins: Any, model: dict[str, Any]) -> None:
    first, second = twins
    assert find_pairs_batch(first.organisation_id, model=model) == 1
    pair = DuplicatePair.objects.get()
    assert (pair.case_a_id, pair.case_b_id) == (first.pk, second.pk)
    assert pair.status == PairStatus.PROPOSED and pair.score >= 0.8 and pair.reasons


def test_a_pair_decided_different_is_never_proposed_again_by_the_batch(
    twins: Any, model: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    first, _second = twins
    find_pairs_batch(first.organisation_id, model=model)
    DuplicatePair.objects.update(status=PairStatus.DIFFERENT)
    assert find_pairs_batch(first.organisation_id, model=model) == 0
    # The same through the job's own entry point: a full scan of an organisation above the size runs the batch,
    # with the model saved as JSON (DUPLICATES_SPLINK_MODEL) instead of training on two cases.
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    settings.DUPLICATES_SPLINK_MIN_CASES = 2
    settings.DUPLICATES_SPLINK_MODEL = str(path)
    assert find_pairs(first.organisation_id) == 0
    assert DuplicatePair.objects.get().status == PairStatus.DIFFERENT


def test_below_the_size_the_indexed_path_runs(twins: Any, settings: Any) -> None:
    first, _second = twins
    settings.DUPLICATES_SPLINK_MIN_CASES = 10
    settings.DUPLICATES_SPLINK_MODEL = "/nonexistent/model.json"  # never read: the batch does not run
    assert find_pairs(first.organisation_id) >= 1  # proposed, then refreshed from the other case's side
    assert DuplicatePair.objects.count() == 1
