"""The report's database counts (redalert.statistics.worked.YearCases) checked against the reference: every case
loaded into Python and classed by the periods of worked.py (cases_worked_in, located_results, class_of). Used by
the tests of hand-built histories and by the property test over random histories."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from redalert.cases.models import Case
from redalert.statistics.loading import YearData
from redalert.statistics.report import TABLES
from redalert.statistics.worked import (
    YearCases,
    cases_worked_in,
    is_carried_into_next,
    is_carried_over,
    is_follow_up,
    is_located,
    is_located_earlier,
    is_new,
    is_not_located_at_end,
    is_reopened,
    is_search_closed,
    is_served,
    is_worked,
    located_results,
    located_results_of,
)

# The report's case-level tables: (table, row) → the reference's cases, from the WorkedCases of the year.
PEOPLE_TABLES = ("sex", "age_group", "age_bins", "nationality", "indigenous", "indigenous_people", "places_last_seen")


def assert_counts_match_reference(cases: QuerySet[Case], year: int) -> None:
    """Every set of the year counted by the database equals the reference's, by count and by ids."""
    reference = cases_worked_in(cases, year)
    counted = YearCases(cases, year)
    sets = {
        "worked": (is_worked, reference.ids),
        "new": (is_new, reference.new),
        "carried_over": (is_carried_over, reference.carried_over),
        "reopened": (is_reopened, reference.reopened),
        "located": (is_located, reference.located),
        "not_located_at_end": (is_not_located_at_end, reference.not_located_at_end),
        "carried_into_next": (is_carried_into_next, reference.carried_into_next),
        "search_closed": (is_search_closed, reference.search_closed),
        "follow_up": (is_follow_up, reference.follow_up),
        "located_earlier": (is_located_earlier, reference.follow_up - reference.located),
        "served": (is_served, reference.served),
    }
    # The class of every case, read once (YearCases.ids reads them per figure: tested on hand-built histories).
    classes = dict(counted._simple.values_list("pk", "case_class"))
    classes.update({pk: c for pk, (c, _row, _outcome) in counted._reopened_classes.items()})
    for name, (predicate, expected) in sets.items():
        assert {pk for pk, c in classes.items() if predicate(c)} == expected, (year, name)
        assert counted.count(predicate) == len(expected), (year, name)
    assert set(counted.case_ids(served=False).values_list("id", flat=True)) == reference.ids, year
    assert set(counted.case_ids(served=True).values_list("id", flat=True)) == reference.served, year
    results = located_results(reference)
    by_result: dict[str | None, set[int]] = defaultdict(set)
    for pk, result in results.items():
        by_result[result].add(pk)
    counts, load = located_results_of(counted)
    assert {r: n for r, n in counts.items() if n} == {r: len(ids) for r, ids in by_result.items()}, year
    for result, ids in by_result.items():
        assert load(result) == ids, (year, result)


def assert_people_tables_match_reference(data: YearData) -> None:
    """The people and place tables counted by the database hold, row by row, the cases the reference puts there:
    the reference's rows (CaseRow) grouped in Python as the report did before it counted in the database."""
    from redalert.statistics.figures.people import ADULT_AGE

    rows = data.worked.rows
    with translation.override("en"):
        tables = {key: TABLES[key](data) for key in PEOPLE_TABLES}
    for table in tables.values():
        for row in table.rows:
            cell = row.cells["cases"]
            assert cell.cases is not None and len(frozenset(cell.cases)) == cell.value, (table.key, row.key)
    assert sum(int(r.cells["cases"].value or 0) for r in tables["sex"].rows) == len(rows)
    minors = {pk for pk, r in rows.items() if r.age is not None and r.age < ADULT_AGE}
    minors_row = tables["age_group"].row("minors")
    assert minors_row is not None and frozenset(minors_row.cells["cases"].cases or ()) == minors
    nationality: dict[str, set[int]] = defaultdict(set)
    for pk, r in rows.items():
        for code in {n.upper() for n in r.nationalities if isinstance(n, str) and n}:
            nationality[code].add(pk)
    got = {row.key: frozenset(row.cells["cases"].cases or ()) for row in tables["nationality"].rows}
    for code, ids in nationality.items():
        assert got[code] == ids, code


def table_values(data: YearData) -> dict[str, Any]:
    with translation.override("en"):
        return {
            key: [(r.key, {c: v.value for c, v in r.cells.items()}) for r in builder(data).rows]
            for key, builder in TABLES.items()
        }
