"""Batch linkage with Splink: Fellegi–Sunter, its parameters estimated from the organisation's own cases (issue 15).

The intake check compares one report with an indexed shortlist (redalert.matching.candidates); this compares every
open case of an organisation with every other one that shares a blocking key, in one SQL engine: DuckDB on one
machine, Spark (local mode or a cluster) when a coalition outgrows one. The same settings run on both.

The derived columns come from the SAME normalisations as the intake check (redalert.matching.names and facts):
accents and case folded, particles dropped, nicknames expanded ("Lupita" → guadalupe), the Spanish phonetic key,
both surnames in either order, a range of possible birth years (an estimated age is a range), the day last seen,
the place and state. An unknown fact is NULL, and every comparison below starts with a NULL level: in
Fellegi–Sunter a NULL level has a Bayes factor of 1, so an unknown field neither matches nor mismatches.

Training (per run, on the organisation's cases; no labels): u by random sampling of pairs (almost all random pairs
are different people), m by expectation maximisation on pairs blocked by a rule that leaves the compared fields
free, λ (how often two records match) derived from the blocking. Prediction: pairs sharing one of the blocking
rules below (so the cost grows with the candidates, not with the square of the cases) are scored; pairs whose
match probability reaches `PROPOSE_PROBABILITY` are returned. docs/matching.md has the figures.
"""

from __future__ import annotations

import json
import logging
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from redalert.matching.facts import PersonFacts
from redalert.matching.names import canonical_given, folded, spanish_key, words

logger = logging.getLogger(__name__)

# Pairs at or above this match probability are proposed for review (bench/matching_quality.py --splink).
PROPOSE_PROBABILITY = 0.20
# Pairs drawn at random to estimate u (how often different people agree by chance) and at most that many blocked
# pairs per EM session (Splink samples records so that the blocked pairs stay about this many).
U_MAX_PAIRS = 2_000_000
EM_MAX_PAIRS = 1_000_000
SEED = 42
# λ, the chance that two random records are the same person, is estimated from the pairs agreeing exactly on given
# names, both surnames and date of birth, assumed to be this share of all true pairs (another reporter's report
# agrees on all four about a quarter of the time: typos, a dropped second surname, an estimated age instead of the
# date). The birth date, not the year: namesakes born the same year are common in a large organisation and would
# inflate λ.
RULE_RECALL = 0.25
NEARBY_KM = 25
DATE_CLOSE_DAYS = 7
DATE_NEAR_DAYS = 45
DATE_WINDOW_DAYS = 30  # blocking on the day last seen: two grids of 30 days offset by 15 (pairs ≤ 15 days share one)

COLUMNS = (
    "unique_id",
    "given_canon",  # the first full reading of the given names, nicknames expanded: "guadalupe", "maria jose"
    "given_phon",  # its Spanish phonetic key, word by word
    "given_keys",  # every phonetic key of every given-name word any reading stands for (aliases too)
    "s1",  # first surname, folded (the other one when only the second was given)
    "s2",
    "s1_phon",
    "s2_phon",
    "surname_keys",  # phonetic keys of every surname word
    "given_initial",  # the first letter of the given names' phonetic key
    "surname_initial",  # the first letter of the first surname's phonetic key
    "surname_pair",  # both surnames' phonetic keys in alphabetical order (when both are known)
    "birth_date",  # ISO date, when known
    "by_low",  # possible birth years, inclusive (an estimated age is a range)
    "by_high",
    "sex",
    "event_day",  # day last seen, as a day number (date.toordinal)
    "event_w1",
    "event_w2",
    "place",  # the place last seen (gazetteer id or code)
    "area",  # its state (else the place)
    "lat",
    "lon",
)


def _none(text: str) -> str | None:
    return text or None


# The derived name columns, in COLUMNS order, computed once per distinct name (names repeat a lot: a large
# organisation has far fewer distinct names than cases, so the frame maps each distinct name once and joins).
GIVEN_COLUMNS = ("given_canon", "given_phon", "given_keys", "given_initial")
SURNAME_COLUMNS = ("s1", "s2", "s1_phon", "s2_phon", "surname_keys", "surname_initial", "surname_pair")


def given_columns(given_names: str, aliases: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """given_canon, given_phon, given_keys, given_initial of a person's given names and aliases."""
    readings: list[str] = []
    for name in (given_names, *aliases):
        readings.extend(r for r in canonical_given(name) if r not in readings)
    given_canon = readings[0] if readings else ""
    given_keys = sorted({spanish_key(w) for r in readings for w in r.split() if spanish_key(w)})
    return (
        _none(given_canon),
        _none(" ".join(spanish_key(w) for w in given_canon.split())),
        given_keys or None,
        _none(spanish_key(given_canon)[:1]),
    )


def surname_columns(first_surname: str, second_surname: str) -> tuple[Any, ...]:
    """s1, s2, s1_phon, s2_phon, surname_keys, surname_initial, surname_pair of a person's surnames."""
    surnames = [folded(first_surname), folded(second_surname)]
    if surnames[0] and not surnames[1] and len(surnames[0].split()) == 2:
        surnames = surnames[0].split()  # "Pérez López" typed in one field
    if not surnames[0]:
        surnames = [surnames[1], ""]
    surname_keys = sorted({spanish_key(w) for s in surnames for w in words(s) if spanish_key(w)})
    return (
        _none(surnames[0]),
        _none(surnames[1]),
        _none(spanish_key(surnames[0])),
        _none(spanish_key(surnames[1])),
        surname_keys or None,
        _none(spanish_key(surnames[0])[:1]),
        "|".join(sorted((spanish_key(surnames[0]), spanish_key(surnames[1])))) if surnames[0] and surnames[1] else None,
    )


def _place(facts: PersonFacts) -> tuple[str | None, str | None]:
    place = str(facts.place_id) if facts.place_id is not None else facts.place_code
    return _none(place), _none(facts.subdivision_code or place)


def row(unique_id: int, facts: PersonFacts) -> dict[str, Any]:
    """The derived columns of one person (unknown is None): the linkage frame's row, for reading and tests
    (`arrow_table` builds the same columns column by column)."""
    years = facts.birth_years()
    event_day = facts.event_date.toordinal() if facts.event_date is not None else None
    place, area = _place(facts)
    return {
        "unique_id": unique_id,
        **dict(zip(GIVEN_COLUMNS, given_columns(facts.given_names, tuple(facts.aliases)), strict=True)),
        **dict(zip(SURNAME_COLUMNS, surname_columns(facts.first_surname, facts.second_surname), strict=True)),
        "birth_date": facts.birth_date.isoformat() if facts.birth_date is not None else None,
        "by_low": years[0] if years else None,
        "by_high": years[1] if years else None,
        "sex": _none(facts.known_sex),
        "event_day": event_day,
        "event_w1": event_day // DATE_WINDOW_DAYS if event_day is not None else None,
        "event_w2": (event_day + DATE_WINDOW_DAYS // 2) // DATE_WINDOW_DAYS if event_day is not None else None,
        "place": place,
        "area": area,
        "lat": facts.latitude,
        "lon": facts.longitude,
    }


def _schema() -> Any:
    import pyarrow as pa

    text, keys = pa.string(), pa.list_(pa.string())
    types = {"unique_id": pa.int64(), "given_keys": keys, "surname_keys": keys, "lat": pa.float64()}
    types |= {"lon": pa.float64(), "by_low": pa.int32(), "by_high": pa.int32(), "event_day": pa.int32()}
    types |= {"event_w1": pa.int32(), "event_w2": pa.int32()}
    return pa.schema([(name, types.get(name, text)) for name in COLUMNS])


_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def arrow_table(people: Iterable[tuple[int, PersonFacts]]) -> Any:
    """The linkage frame (a pyarrow Table: Splink registers it in DuckDB or Spark without pandas), built column by
    column: one pass keeps each person's raw facts as numbers and as the index of her distinct given names,
    surnames and place; the derived name columns are computed once per distinct value (`given_columns`,
    `surname_columns`, the same functions `row` uses) and spread to the rows by index (Arrow's `take`). No Python
    object per case survives the pass: the memory is the columns'."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = array("q")
    given_ix, surname_ix, place_ix = array("l"), array("l"), array("l")
    givens: dict[tuple[str, tuple[str, ...]], int] = {}
    surnames: dict[tuple[str, str], int] = {}
    places: dict[tuple[str | None, str | None], int] = {}
    birth: list[int | None] = []
    low: list[int | None] = []
    high: list[int | None] = []
    sexes: list[str | None] = []
    event: list[int | None] = []
    lat: list[float | None] = []
    lon: list[float | None] = []
    for unique_id, facts in people:
        ids.append(unique_id)
        given_ix.append(givens.setdefault((facts.given_names, tuple(facts.aliases)), len(givens)))
        surname_ix.append(surnames.setdefault((facts.first_surname, facts.second_surname), len(surnames)))
        place_ix.append(places.setdefault(_place(facts), len(places)))
        birth.append(facts.birth_date.toordinal() - _UNIX_EPOCH_ORDINAL if facts.birth_date is not None else None)
        years = facts.birth_years()
        low.append(years[0] if years else None)
        high.append(years[1] if years else None)
        sexes.append(facts.known_sex or None)
        event.append(facts.event_date.toordinal() if facts.event_date is not None else None)
        lat.append(facts.latitude)
        lon.append(facts.longitude)
    schema = _schema()

    def spread(distinct: Iterable[tuple[Any, ...]], names: Sequence[str], index: array[int]) -> dict[str, Any]:
        values = list(zip(*distinct, strict=True)) or [() for _ in names]
        indices = pa.array(index, pa.int64())
        return {
            name: pa.array(column, schema.field(name).type).take(indices)
            for name, column in zip(names, values, strict=True)
        }

    columns: dict[str, Any] = {"unique_id": pa.array(ids, pa.int64())}
    columns |= spread((given_columns(*key) for key in givens), GIVEN_COLUMNS, given_ix)
    columns |= spread((surname_columns(*key) for key in surnames), SURNAME_COLUMNS, surname_ix)
    del givens, surnames, given_ix, surname_ix
    columns["birth_date"] = pc.cast(pa.array(birth, pa.int32()).cast(pa.date32()), pa.string())
    columns["by_low"], columns["by_high"] = pa.array(low, pa.int32()), pa.array(high, pa.int32())
    columns["sex"] = pa.array(sexes, pa.string())
    days = pa.array(event, pa.int32())
    columns["event_day"] = days
    columns["event_w1"] = pc.divide(days, DATE_WINDOW_DAYS)  # integer division (day numbers are positive)
    columns["event_w2"] = pc.divide(pc.add(days, DATE_WINDOW_DAYS // 2), DATE_WINDOW_DAYS)
    columns |= spread(places, ("place", "area"), place_ix)
    columns["lat"], columns["lon"] = pa.array(lat, pa.float64()), pa.array(lon, pa.float64())
    return pa.Table.from_arrays([columns[name] for name in COLUMNS], schema=schema)


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def null(column: str, label: str) -> Any:
        return cll.NullLevel(column).configure(label_for_charts=label)

    given = cl.CustomComparison(
        output_column_name="given",
        comparison_levels=[
            null("given_canon", "given names unknown"),
            cll.ExactMatchLevel("given_canon").configure(label_for_charts="same given names (nicknames read)"),
            cll.ExactMatchLevel("given_phon").configure(label_for_charts="given names sound alike"),
            cll.JaroWinklerLevel("given_canon", 0.92),
            cll.ArraySubsetLevel("given_keys").configure(label_for_charts="one of her given names"),
            cll.ArrayIntersectLevel("given_keys", 1).configure(label_for_charts="one given name in common"),
            cll.JaroWinklerLevel("given_canon", 0.80),
            cll.ElseLevel(),
        ],
    )
    surnames = cl.CustomComparison(
        output_column_name="surnames",
        comparison_levels=[
            null("s1", "surnames unknown"),
            cll.And(cll.ExactMatchLevel("s1"), cll.ExactMatchLevel("s2")).configure(label_for_charts="same surnames"),
            cll.Or(
                cll.And(cll.ExactMatchLevel("s1_phon"), cll.ExactMatchLevel("s2_phon")),
                cll.ColumnsReversedLevel("s1_phon", "s2_phon", symmetrical=True),
            ).configure(label_for_charts="both surnames sound alike, either order"),
            cll.ExactMatchLevel("s1_phon").configure(label_for_charts="first surname sounds alike"),
            cll.ArrayIntersectLevel("surname_keys", 1).configure(label_for_charts="one surname in common"),
            cll.JaroWinklerLevel("s1", 0.88),
            cll.ElseLevel(),
        ],
    )
    age = cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            null("by_low", "age unknown"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="same date of birth"),
            cll.CustomLevel(
                "substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4) AND (substr(birth_date_l, 6, 2) = "
                "substr(birth_date_r, 6, 2) OR substr(birth_date_l, 9, 2) = substr(birth_date_r, 9, 2))",
                label_for_charts="date of birth: the year and the month or the day",
            ),
            cll.CustomLevel("by_low_l <= by_high_r AND by_low_r <= by_high_l", label_for_charts="birth years overlap"),
            cll.CustomLevel(
                "by_low_l <= by_high_r + 2 AND by_low_r <= by_high_l + 2", label_for_charts="within 2 years"
            ),
            cll.ElseLevel(),
        ],
    )
    event = cl.CustomComparison(
        output_column_name="date_last_seen",
        comparison_levels=[
            null("event_day", "date unknown"),
            cll.CustomLevel(f"abs(event_day_l - event_day_r) <= {DATE_CLOSE_DAYS}", label_for_charts="within a week"),
            cll.CustomLevel(f"abs(event_day_l - event_day_r) <= {DATE_NEAR_DAYS}", label_for_charts="within 45 days"),
            cll.ElseLevel(),
        ],
    )
    place = cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            null("area", "place unknown"),
            cll.ExactMatchLevel("place").configure(label_for_charts="same municipality"),
            cll.DistanceInKMLevel("lat", "lon", NEARBY_KM).configure(label_for_charts=f"within {NEARBY_KM} km"),
            cll.ExactMatchLevel("area").configure(label_for_charts="same state"),
            cll.ElseLevel(),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[null("sex", "sex unknown"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
    )
    return [given, surnames, age, event, place, sex]


def blocking_rules() -> list[Any]:
    """The pairs scored, as the index's three-fact keys (redalert.matching.keys) but tighter, since every case is
    compared at once: the phonetic keys of every given-name and surname word (exploded, so surnames in either
    order and a compound name cut to one still meet) with the date of birth, or with the state and the month
    last seen (two grids of 30 days offset by 15: two reports of one disappearance a few days apart share one);
    both surnames with the state and month (a given name mistyped or an unknown nickname); one surname with the
    given name's first sound, the state and month (a given name mistyped); a given name with the first surname's
    first sound, the state and month (a surname mistyped). None joins fewer than three facts: "maria|hernandez" alone
    is shared by thousands of cases in a large organisation."""
    from splink import block_on

    given, surname = ["given_keys"], ["surname_keys"]
    rules = [block_on("given_keys", "surname_keys", "birth_date", arrays_to_explode=given + surname)]
    for window in ("event_w1", "event_w2"):
        rules += [
            block_on("given_keys", "surname_keys", "area", window, arrays_to_explode=given + surname),
            block_on("surname_pair", "area", window),
            block_on("surname_keys", "given_initial", "area", window, arrays_to_explode=surname),
            block_on("given_phon", "surname_initial", "area", window),
        ]
    return rules


def settings() -> Any:
    """The Splink model's settings (untrained): comparisons, blocking rules; the same for DuckDB and Spark."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass(frozen=True)
class LinkedPair:
    a: int  # the lower id
    b: int
    probability: float
    weight: float


def duckdb_api(memory_limit: str = "", temp_directory: str = "", threads: int = 0) -> Any:
    """An in-memory DuckDB for Splink; `memory_limit` (e.g. "6GB") makes DuckDB spill to `temp_directory`;
    `threads` caps its worker threads (DuckDB's default: one per core)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    if temp_directory:
        connection.execute(f"SET temp_directory = '{temp_directory}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    return DuckDBAPI(connection)


def spark_api(spark: Any) -> Any:
    """Splink on a Spark session that has Splink's jar of similarity functions (see `spark_session`)."""
    from splink import SparkAPI

    return SparkAPI(spark_session=spark)


def spark_session(scratch: str, master: str = "local[2]", memory: str = "2g") -> Any:
    """A Spark session for the model: local mode by default (a cluster's master URL otherwise), with Splink's jar
    of similarity functions (jaro_winkler…) on its classpath and a checkpoint directory under `scratch`."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName("redalert-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(f"{scratch}/checkpoints")
    return spark


def train(linker: Any) -> None:
    """Estimate the model on the data registered in the linker (no labels)."""
    from splink import block_on

    _clamp_em_zeros()
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_canon", "s1", "s2", "birth_date")], recall=RULE_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    # Pairs with the same surnames and state: m of given names, age, date, sex; the same given names and date of
    # birth: m of surnames, date and place (a session leaves the fields of its own rule untouched).
    sessions = [block_on("s1_phon", "s2_phon", "area"), block_on("given_phon", "birth_date")]
    for rule in sessions:
        training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)


# The smallest m or u EM may set. Splink 5.0.0 refuses (ValueError) an m that EM drove to exactly 0 — a level that
# no pair EM took for a match shows, common on small or clean data — instead of clamping it; a level never seen
# among matches is very unlikely for one, not impossible (a Bayes factor of 0 would veto every other agreement).
M_U_FLOOR = 1e-6


def _clamp_em_zeros() -> None:
    """Wrap Splink's EM step so that an m or u of exactly 0 becomes M_U_FLOOR (once per process)."""
    from splink.internals import expectation_maximisation as em

    original = em.populate_m_u_from_lookup
    if getattr(original, "redalert_clamped", False):
        return

    def clamped(fixed: Any, level: Any, column: str, lookup: dict[str, dict[int, Any]]) -> None:
        for record in lookup.get(column, {}).values():
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, (int, float)) and value < M_U_FLOOR:
                    record[key] = M_U_FLOOR
        original(fixed, level, column, lookup)

    clamped.redalert_clamped = True  # type: ignore[attr-defined]
    em.populate_m_u_from_lookup = clamped  # type: ignore[assignment]


def linker_for(table: Any, db_api: Any, model: dict[str, Any] | None = None) -> Any:
    """A Splink linker on a registered linkage frame: with a trained `model` (a saved JSON dict), else untrained."""
    from splink import Linker

    frame = db_api.register(table)
    chosen = settings() if model is None else with_parameters(model, db_api.sql_dialect.sql_dialect_str)
    return Linker(frame, chosen, log_level=logging.ERROR)


def with_parameters(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """This module's settings written in `dialect`'s SQL ("duckdb", "spark"), with a trained model's parameters
    (λ, m and u of every level). A saved model's SQL is its engine's (DuckDB's list_intersect is not Spark's
    arrays_overlap): only its numbers travel, so one model runs on either engine."""
    rendered: dict[str, Any] = settings().create_settings_dict(dialect)
    comparisons = model["comparisons"]
    if [c["output_column_name"] for c in comparisons] != [c["output_column_name"] for c in rendered["comparisons"]]:
        raise ValueError("the saved model's comparisons are not this version's: train it again")
    for mine, saved in zip(rendered["comparisons"], comparisons, strict=True):
        if len(mine["comparison_levels"]) != len(saved["comparison_levels"]):
            raise ValueError(f"the saved model's levels of {mine['output_column_name']} differ: train it again")
        for level, trained in zip(mine["comparison_levels"], saved["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in trained:
                    level[key] = trained[key]
    rendered["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return rendered


def linked_pairs(linker: Any, threshold: float = PROPOSE_PROBABILITY) -> list[LinkedPair]:
    """The scored pairs at or above `threshold` (match probability), best first."""
    result = linker.inference.predict(threshold_match_probability=threshold)
    pairs = []
    for r in result.as_record_list():
        a, b = sorted((int(r["unique_id_l"]), int(r["unique_id_r"])))
        pairs.append(LinkedPair(a, b, float(r["match_probability"]), float(r["match_weight"])))
    pairs.sort(key=lambda p: (-p.probability, p.a, p.b))
    return pairs


def link(
    people: Sequence[tuple[int, PersonFacts]],
    *,
    db_api: Any = None,
    model: dict[str, Any] | None = None,
    threshold: float = PROPOSE_PROBABILITY,
) -> list[LinkedPair]:
    """Train on these people (unless a trained `model` is given) and return the likely pairs among them."""
    linker = linker_for(arrow_table(people), db_api or duckdb_api(), model)
    if model is None:
        train(linker)
    return linked_pairs(linker, threshold)


def trained_model(linker: Any) -> dict[str, Any]:
    """The trained model as a JSON-able dict (linker.misc.save_model_to_json without a file)."""
    return dict(linker.misc.save_model_to_json())


def save_model(linker: Any, path: Path | str) -> None:
    """Write the trained model as JSON (Splink's own format: settings, m and u of every level, λ)."""
    Path(path).write_text(json.dumps(trained_model(linker), indent=2, sort_keys=True) + "\n")


def load_model(path: Path | str) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(Path(path).read_text())
    return model
