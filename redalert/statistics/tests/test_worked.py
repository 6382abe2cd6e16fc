"""Cases worked, new, carried over, located, not located: the issue's example, boundary dates, reopened cases, a
case located and closed in the same year. Every expected figure is worked out by hand in the test."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import translation

from redalert.cases.models import Case
from redalert.statistics.loading import YearData
from redalert.statistics.periods import Period, open_periods
from redalert.statistics.report import TABLES
from redalert.statistics.scope import organisation_scope
from redalert.statistics.tests.conftest import local
from redalert.statistics.tests.reference import (
    assert_counts_match_reference,
    assert_people_tables_match_reference,
    table_values,
)
from redalert.statistics.worked import COUNTED, LOCATED_ONLY, cases_worked_in, is_located, is_served

pytestmark = pytest.mark.django_db


def worked(org, year):
    return cases_worked_in(Case.objects.filter(organisation=org), year)


def cell(org, year, table, row, column="cases"):
    with translation.override("en"):
        built = TABLES[table](YearData(organisation_scope(org), year, today=date(2026, 6, 1)))
    found = built.row(row)
    assert found is not None, f"no row {row} in {table}"
    return found.cells[column]


def test_the_issue_example(build, org_a):
    """Reported 2013-05-02 and located alive 2014-03-01: in 2014 worked, carried over, located alive. Reported
    2014-11-30 and still missing: in 2014 worked, new, not located; in 2015 carried over."""
    found = build.case(date(2013, 5, 2))
    build.locate(found, date(2014, 3, 1), alive=True)
    missing = build.case(date(2014, 11, 30))
    build.search(missing)

    y2014 = worked(org_a, 2014)
    assert y2014.ids == {found.pk, missing.pk}
    assert y2014.carried_over == {found.pk}
    assert y2014.new == {missing.pk}
    assert y2014.located == {found.pk}
    assert y2014.not_located_at_end == {missing.pk}
    alive = cell(org_a, 2014, "located_result", "alive")
    assert (alive.value, alive.denominator, alive.cases) == (1, 1, {found.pk})

    y2015 = worked(org_a, 2015)
    # The located case is still open (located alive, not closed): the search ended when she was located, so in 2015
    # it is in follow-up, not worked (issue 14: carried into 2015 by the report of 2014 = carried over in 2015).
    assert y2015.ids == {missing.pk}
    assert y2015.carried_over == {missing.pk} == y2014.carried_into_next
    assert y2015.new == set()
    assert y2015.located == set()
    assert y2015.not_located_at_end == {missing.pk}
    assert y2015.follow_up == {found.pk}
    assert y2014.follow_up == {found.pk}  # located during 2014, in follow-up from then

    y2013 = worked(org_a, 2013)
    assert y2013.ids == {found.pk} and y2013.new == {found.pk}
    assert y2013.not_located_at_end == {found.pk}
    assert worked(org_a, 2012).ids == set()


def test_report_at_2359_on_31_december_local_time_is_in_that_year(build, org_a):
    late = build.case(local(2014, 12, 31, 23, 59))
    next_year = build.case(local(2015, 1, 1, 0, 0))
    assert worked(org_a, 2014).new == {late.pk}
    assert worked(org_a, 2015).new == {next_year.pk}
    assert worked(org_a, 2015).carried_over == {late.pk}


def test_located_on_1_january_belongs_to_the_new_year(build, org_a):
    case = build.case(date(2014, 6, 1))
    build.locate(case, date(2015, 1, 1))
    assert worked(org_a, 2014).located == set()
    assert worked(org_a, 2014).not_located_at_end == {case.pk}  # carried into 2015
    assert worked(org_a, 2015).located == {case.pk}
    assert worked(org_a, 2015).not_located_at_end == set()


def test_closed_on_31_december_is_not_worked_the_next_year_but_closed_on_1_january_is(build, org_a):
    closed_31 = build.case(date(2013, 3, 1))
    build.search(closed_31)
    build.close(closed_31, date(2013, 12, 31))
    closed_1 = build.case(date(2013, 3, 2))
    build.search(closed_1)
    build.close(closed_1, date(2014, 1, 1))

    assert worked(org_a, 2013).ids == {closed_31.pk, closed_1.pk}
    # Neither was located: both are not located at the end of 2013; closed_31's search ended on its closing date.
    assert worked(org_a, 2013).not_located_at_end == {closed_31.pk, closed_1.pk}
    assert worked(org_a, 2013).carried_into_next == {closed_1.pk}
    assert worked(org_a, 2013).search_closed == {closed_31.pk}
    assert worked(org_a, 2014).ids == {closed_1.pk} == worked(org_a, 2014).carried_over
    assert worked(org_a, 2014).carried_into_next == set()  # closed during 2014
    assert worked(org_a, 2014).search_closed == {closed_1.pk}


def test_a_case_located_and_closed_in_the_same_year(build, org_a):
    case = build.case(date(2013, 8, 1))
    build.locate(case, date(2014, 3, 1), alive=False)
    build.follow_up(case, date(2014, 3, 5))
    build.close(case, date(2014, 9, 1))
    y2014 = worked(org_a, 2014)
    assert y2014.ids == {case.pk} and y2014.carried_over == {case.pk}
    assert y2014.located == {case.pk}
    assert y2014.not_located_at_end == set()
    deceased = cell(org_a, 2014, "located_result", "deceased")
    assert (deceased.value, deceased.denominator) == (1, 1)  # from the status history: she is "closed" now
    assert worked(org_a, 2015).ids == set()


def test_a_reopened_case_counts_only_in_the_years_it_was_open(build, org_a):
    """Reported 2012, closed (not located) 2013-06-01, reopened 2016-02-01 and still searched for."""
    case = build.case(date(2012, 4, 10))
    build.search(case)
    build.close(case, date(2013, 6, 1))
    build.reopen(case, date(2016, 2, 1))

    assert worked(org_a, 2012).ids == {case.pk}
    y2013 = worked(org_a, 2013)
    assert y2013.ids == {case.pk} and y2013.carried_into_next == set()  # the search ended on 2013-06-01
    assert y2013.search_closed == {case.pk}
    assert worked(org_a, 2014).ids == set()
    assert worked(org_a, 2015).ids == set()
    y2016 = worked(org_a, 2016)
    # Not carried into 2016 by the report of 2015, so not carried over in 2016: new again, as reopened.
    assert y2016.carried_over == set()
    assert y2016.new == {case.pk} == y2016.reopened
    assert y2016.carried_into_next == {case.pk}
    assert worked(org_a, 2017).carried_over == {case.pk}


def test_a_case_closed_and_reopened_within_a_year_stays_worked(build, org_a):
    case = build.case(date(2014, 2, 1))
    build.search(case)
    build.close(case, date(2014, 5, 1))
    build.reopen(case, date(2014, 7, 1))
    assert worked(org_a, 2014).not_located_at_end == {case.pk}
    assert worked(org_a, 2015).carried_over == {case.pk}


def test_a_case_closed_reopened_then_closed_again(build, org_a):
    """Located 2013, closed 2013-10-01, reopened for follow-up 2016-03-01, closed again 2016-11-30."""
    case = build.case(date(2013, 1, 15))
    build.locate(case, date(2013, 2, 1))
    build.close(case, date(2013, 10, 1))
    build.reopen(case, date(2016, 3, 1), to="follow_up")
    build.close(case, date(2016, 11, 30))
    # Located in 2013: searched for in 2013 only; in follow-up in 2013 and again (reopened for it) in 2016.
    assert worked(org_a, 2013).ids == {case.pk} == worked(org_a, 2013).located
    for year in (2014, 2015, 2016, 2017):
        assert worked(org_a, year).ids == set()
    assert worked(org_a, 2013).follow_up == {case.pk}
    assert worked(org_a, 2014).follow_up == set()
    assert worked(org_a, 2015).follow_up == set()
    assert worked(org_a, 2016).follow_up == {case.pk}
    assert worked(org_a, 2017).follow_up == set()


def test_open_periods_from_a_status_history():
    changes = [
        (date(2013, 6, 1), "active_search", "closed"),
        (date(2016, 2, 1), "closed", "active_search"),
        (date(2017, 1, 5), "active_search", "located_alive"),
    ]
    assert open_periods(date(2012, 4, 10), changes) == [(date(2012, 4, 10), date(2013, 6, 1)), (date(2016, 2, 1), None)]
    assert open_periods(date(2012, 4, 10), []) == [(date(2012, 4, 10), None)]
    assert date(2014, 12, 31) in Period(2014) and date(2015, 1, 1) not in Period(2014)


def test_worked_table_shows_its_denominator(build, org_a):
    build.case(date(2013, 5, 2))
    build.case(date(2014, 1, 10))
    build.case(date(2014, 2, 10))
    new = cell(org_a, 2014, "worked", "new")
    assert (new.value, new.denominator, str(new.percent)) == (2, 3, "66.7")
    carried = cell(org_a, 2014, "worked", "carried_over")
    assert (carried.value, str(carried.percent)) == (1, "33.3")
    located = cell(org_a, 2014, "outcome", "located")
    assert (located.value, located.denominator) == (0, 3)


def test_the_database_counts_give_the_reference_figures_and_cases(build, org_a):
    """The report counts in the database (YearCases) and loads the cases behind a figure only when asked: the same
    counts and the same cases as the reference (every case loaded into Python and classed by its periods), for a
    case carried over, one located, one closed, one reopened, and each year around them; with or without the
    context manager, the same tables."""
    for day in (date(2013, 5, 2), date(2014, 3, 1), date(2014, 12, 31)):
        build.case(day)
    located = build.case(date(2014, 2, 2), sex="male", nationalities=["GT", "mx"], indigenous="yes")
    build.locate(located, date(2014, 6, 1))
    closed = build.case(date(2012, 4, 1))
    build.close(closed, date(2013, 2, 1))
    build.reopen(closed, date(2014, 5, 5))
    scope = organisation_scope(org_a)
    for year in (2012, 2013, 2014, 2015):
        assert_counts_match_reference(scope.cases(), year)
        assert_people_tables_match_reference(YearData(scope, year, today=date(2026, 6, 1)))
    plain = table_values(YearData(scope, 2014, today=date(2026, 6, 1)))
    with YearData(scope, 2014, today=date(2026, 6, 1)) as kept:
        assert table_values(kept) == plain


def test_grouping_sets_count_what_one_group_by_each_counts(build, org_a):
    """On PostgreSQL the report's groupings are counted in one scan (GROUPING SETS, hashed): the same counts as one
    GROUP BY for each grouping, for cases of every class; elsewhere (SQLite) that path is not taken."""
    build.case(date(2013, 5, 2), sex="male", nationalities=["GT", "mx"], indigenous="yes")
    located = build.case(date(2014, 2, 2), sex="female", indigenous="no")
    build.locate(located, date(2014, 6, 1))
    earlier = build.case(date(2012, 2, 2))
    build.locate(earlier, date(2013, 6, 1), alive=False)
    closed = build.case(date(2012, 4, 1))
    build.close(closed, date(2014, 2, 1))
    for year in (2013, 2014):
        counts = YearData(organisation_scope(org_a), year).cases
        assert sum(counts.groups[()].values()) == (4 if year == 2014 else 3)
        if connection.vendor != "postgresql":
            continue
        by_sets = counts._count_grouping_sets()
        assert by_sets is not None, "the planner sorted: the grouping sets were not hashed"
        one_by_one = counts._count_groups_one_by_one()
        for grouping in COUNTED:
            keep = is_located if grouping == LOCATED_ONLY else is_served
            assert {k: n for k, n in by_sets[grouping].items() if keep(k[0])} == {
                k: n for k, n in one_by_one[grouping].items() if keep(k[0])
            }, grouping


def test_a_woman_located_years_ago_and_never_closed_is_followed_up_not_searched_for(build, org_a, coordinator):
    """Issue 14: located alive in 2010, the case never closed, a service given in 2014. In 2014 she is not worked,
    not carried over and not counted in "female"; she is in follow-up, and her service counts in the services table
    (of the cases searched for or in follow-up)."""
    from redalert.care.models import Service

    case = build.case(date(2010, 2, 1), sex="female")
    build.locate(case, date(2010, 5, 1))
    Service.objects.create(
        case=case, service_type="legal_advice", given_on=date(2014, 6, 1), recorded_by=coordinator, recipient="victim"
    )
    y2014 = worked(org_a, 2014)
    assert y2014.ids == set() and y2014.carried_over == set()
    assert y2014.follow_up == {case.pk}
    assert worked(org_a, 2010).carried_into_next == set() == worked(org_a, 2011).carried_over
    female = cell(org_a, 2014, "sex", "female")
    assert female.value == 0
    follow_up = cell(org_a, 2014, "follow_up", "follow_up")
    assert (follow_up.value, follow_up.cases) == (1, {case.pk})
    assert cell(org_a, 2014, "follow_up", "located_earlier").cases == {case.pk}
    services = cell(org_a, 2014, "services", "total", "victims")
    assert (services.value, services.cases) == (1, {case.pk})
