"""Sex, age, nationality, indigenous peoples, place last seen: unknown is a no-data row, never a zero category."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from redalert.statistics.loading import YearData
from redalert.statistics.report import TABLES
from redalert.statistics.scope import organisation_scope

pytestmark = pytest.mark.django_db


def table(org, key, year=2014):
    with translation.override("en"):
        return TABLES[key](YearData(organisation_scope(org), year, today=date(2026, 6, 1)))


def figures(built, column="cases"):
    return {row.key: (row.cells[column].value, row.cells[column].denominator) for row in built.rows}


def test_unknown_sex_is_counted_as_no_data_not_as_a_category(build, org_a):
    women = [build.case(date(2014, 3, d), sex="female") for d in (1, 2, 3)]
    man = build.case(date(2014, 3, 4), sex="male")
    unknown = build.case(date(2014, 3, 5), sex="unknown")
    built = table(org_a, "sex")
    assert figures(built) == {
        "female": (3, 5),
        "male": (1, 5),
        "intersex": (0, 5),
        "no-data": (1, 5),
    }
    assert "unknown" not in figures(built)
    no_data = built.row("no-data")
    assert no_data.kind == "no_data" and no_data.cells["cases"].cases == {unknown.pk}
    female = built.row("female").cells["cases"]
    assert str(female.percent) == "60.0" and female.no_data == 1 and female.cases == {w.pk for w in women}
    assert built.row("male").cells["cases"].cases == {man.pk}


def test_age_groups_and_ctdc_bins_at_their_boundaries(build, org_a):
    ages = [8, 9, 17, 18, 20, 21, 29, 30, 38, 39, 47, 48, 70]
    for n, age in enumerate(ages):
        build.case(date(2014, 2, 1 + n), estimated_age=age)
    build.case(date(2014, 2, 20), estimated_age=None)
    # Age from the date of birth on the day last seen (2014-02-20, the day before the report): 17, not 18.
    build.case(date(2014, 2, 21), estimated_age=None, birth_date=date(1996, 2, 21))
    total = len(ages) + 2
    groups = figures(table(org_a, "age_group"))
    assert groups == {"minors": (4, total), "adults": (10, total), "no-data": (1, total)}
    bins = figures(table(org_a, "age_bins"))
    assert bins == {
        "0-8": (1, total),
        "9-17": (3, total),
        "18-20": (2, total),
        "21-23": (1, total),
        "24-26": (0, total),
        "27-29": (1, total),
        "30-38": (2, total),
        "39-47": (2, total),
        "48-plus": (2, total),
        "no-data": (1, total),
    }


def test_nationality_counts_each_nationality_and_unknown_apart(build, org_a):
    build.case(date(2014, 1, 2), nationalities=["MX"])
    build.case(date(2014, 1, 3), nationalities=["MX", "GT"])
    build.case(date(2014, 1, 4), nationalities=["HN"])
    build.case(date(2014, 1, 5), nationalities=[])
    built = table(org_a, "nationality")
    assert figures(built) == {"MX": (2, 4), "GT": (1, 4), "HN": (1, 4), "no-data": (1, 4)}
    assert built.row("MX").label == "Mexico"
    assert built.footnotes  # says the rows may add up to more than the cases


def test_indigenous_and_the_peoples(build, org_a):
    build.case(date(2014, 1, 2), indigenous="yes", indigenous_people="Mazahua")
    build.case(date(2014, 1, 3), indigenous="yes", indigenous_people="mazahua ")
    build.case(date(2014, 1, 4), indigenous="yes", indigenous_people="Tsotsil")
    build.case(date(2014, 1, 5), indigenous="yes", indigenous_people="")
    build.case(date(2014, 1, 6), indigenous="no")
    build.case(date(2014, 1, 7), indigenous="unknown")
    assert figures(table(org_a, "indigenous")) == {"yes": (4, 6), "no": (1, 6), "no-data": (1, 6)}
    peoples = table(org_a, "indigenous_people")
    assert figures(peoples) == {"mazahua": (2, 4), "tsotsil": (1, 4), "no-data": (1, 4)}
    assert peoples.row("mazahua").label == "Mazahua"


def test_last_seen_by_state(build, org_a, places):
    build.case(date(2014, 1, 2), last_seen_place=places["qro_city"])
    build.case(date(2014, 1, 3), last_seen_place=places["qro"])
    build.case(date(2014, 1, 4), last_seen_place=places["tlax_city"])
    build.case(date(2014, 1, 5), last_seen_place=places["gt"])
    built = table(org_a, "places_last_seen")
    qro, tlax = places["qro"].pk, places["tlax"].pk
    assert figures(built) == {f"s{qro}": (2, 4), f"s{tlax}": (1, 4), "cGT": (1, 4), "no-data": (0, 4)}
    assert built.row(f"s{qro}").label == "Querétaro, Mexico"
    assert built.row("cGT").label == "Guatemala (state not known)"
