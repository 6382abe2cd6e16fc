"""The Splink batch model (redalert.matching.linkage) on a real DuckDB: it finds the labelled duplicates of a
small generated set without labels, an unknown field neither matches nor mismatches, and the same trained model
runs on Spark in local mode where Java is installed."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from redalert.matching import linkage
from redalert.matching.facts import PersonFacts
from redalert.matching.tests.linkage_data import generate


@pytest.fixture(scope="module")
def run() -> tuple[dict[str, Any], set[tuple[int, int]], set[tuple[int, int]]]:
    """The model trained (λ, u by random sampling, m by EM) on 600 generated people without their labels, the
    pairs it proposes among them, and the true pairs."""
    records, truth = generate(600)
    linker = linkage.linker_for(linkage.arrow_table(records), linkage.duckdb_api())
    linkage.train(linker)
    found = {(p.a, p.b) for p in linkage.linked_pairs(linker)}
    return linkage.trained_model(linker), found, truth


@pytest.fixture(scope="module")
def trained(run: Any) -> dict[str, Any]:
    return run[0]


def test_the_model_finds_the_labelled_duplicates(run: Any) -> None:
    _model, found, truth = run
    true_found = len(found & truth)
    assert true_found / len(truth) >= 0.95  # recall
    assert true_found / len(found) >= 0.95  # precision


def test_the_saved_model_is_json_and_scores_alike(trained: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "model.json"
    records, truth = generate(300, seed=9)
    linker = linkage.linker_for(linkage.arrow_table(records), linkage.duckdb_api(), trained)
    linkage.save_model(linker, path)
    again = linkage.load_model(path)
    assert [c["output_column_name"] for c in again["comparisons"]] == [
        "given",
        "surnames",
        "age",
        "date_last_seen",
        "place",
        "sex",
    ]
    found = {(p.a, p.b) for p in linkage.link(records, model=again)}
    assert len(found & truth) / len(truth) >= 0.9


def test_the_frame_built_column_by_column_equals_the_rows() -> None:
    """arrow_table maps each distinct name once and spreads it by index: the same frame as one `row` per person,
    aliases, a one-field compound surname and unknown facts included."""
    records, _truth = generate(150, seed=4)
    first, second = records[0][1], records[1][1]
    records += [
        (9001, replace(first, aliases=("Lupe", "la Güera"), birth_date=None, age_min=14, age_max=16)),
        (9002, replace(first, first_surname="Pérez López", second_surname="", place_id=None, place_code="MX-JAL")),
        (9003, replace(second, given_names="", first_surname="", second_surname="Cruz", sex="unknown")),
        (9004, PersonFacts()),
    ]
    table = linkage.arrow_table(records)
    assert table.column_names == list(linkage.COLUMNS)
    assert table.to_pylist() == [linkage.row(pk, facts) for pk, facts in records]
    assert linkage.arrow_table([]).num_rows == 0


GIRL = PersonFacts(
    given_names="Guadalupe",
    first_surname="Zúñiga",
    second_surname="Espinoza",
    sex="female",
    birth_date=date(2009, 4, 2),
    event_date=date(2025, 6, 10),
    place_id=7,
    subdivision_code="MX-JAL",
    country_code="MX",
    latitude=20.6,
    longitude=-103.3,
)


def _weights(model: dict[str, Any], people: list[PersonFacts]) -> dict[int, float]:
    """Match weight of the first person with each of the others (by index)."""
    linker = linkage.linker_for(linkage.arrow_table(list(enumerate(people))), linkage.duckdb_api(), model)
    return {p.b: p.weight for p in linkage.linked_pairs(linker, threshold=0.0) if p.a == 0}


def test_an_unknown_field_neither_matches_nor_mismatches(trained: dict[str, Any]) -> None:
    same_age = replace(GIRL, given_names="Lupita")
    unknown_age = replace(same_age, birth_date=None)
    other_age = replace(same_age, birth_date=date(2001, 1, 20))
    unknown_place = replace(same_age, place_id=None, subdivision_code="", latitude=None, longitude=None)
    weights = _weights(trained, [GIRL, same_age, unknown_age, other_age])
    assert weights[1] > weights[2] > weights[3]
    # The unknown age adds nothing either way: the known pair's weight less exactly its age level's log2 Bayes factor.
    age = next(c for c in trained["comparisons"] if c["output_column_name"] == "age")
    same_birth_date = age["comparison_levels"][1]
    bayes_factor = same_birth_date["m_probability"] / same_birth_date["u_probability"]
    assert weights[1] - weights[2] == pytest.approx(math.log2(bayes_factor))
    # An unknown place neither: the pair is still found, between a known different place and the same place.
    far = replace(same_age, place_id=99, subdivision_code="MX-CHP", latitude=16.7, longitude=-93.1)
    by_place = _weights(trained, [GIRL, same_age, unknown_place, far])
    assert by_place[1] > by_place[2] > by_place.get(3, float("-inf"))


def test_nicknames_accents_and_swapped_surnames_are_read_as_at_intake(trained: dict[str, Any]) -> None:
    variant = replace(GIRL, given_names="lupita", first_surname="Espinosa", second_surname="Zuniga")
    stranger = replace(GIRL, given_names="Itzel", first_surname="Cruz", second_surname="Flores")
    weights = _weights(trained, [GIRL, variant, stranger])
    assert weights[1] > 0
    assert weights.get(2, float("-inf")) < 0


def _java() -> bool:
    return shutil.which("java") is not None


@pytest.mark.skipif(not _java(), reason="no Java runtime (the Spark path needs `java`, e.g. openjdk-17-jre-headless)")
def test_the_same_model_runs_on_spark_in_local_mode(trained: dict[str, Any], tmp_path: Any) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (requirements-dev.txt pins it)")
    spark = linkage.spark_session(str(tmp_path), "local[1]", memory="1g")
    try:
        records, truth = generate(80, seed=5)
        on_duckdb = {(p.a, p.b): p.probability for p in linkage.link(records, model=trained)}
        on_spark = {
            (p.a, p.b): p.probability for p in linkage.link(records, model=trained, db_api=linkage.spark_api(spark))
        }
        assert on_spark.keys() == on_duckdb.keys()
        assert len(on_spark.keys() & truth) / len(truth) >= 0.9
        for pair, probability in on_duckdb.items():
            assert on_spark[pair] == pytest.approx(probability, abs=1e-6)
    finally:
        spark.stop()
