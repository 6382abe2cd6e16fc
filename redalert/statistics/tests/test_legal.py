"""Legal assistance and impunity on five hand-built cases (figures worked out in the docstring of each test).

P1 reported 2013-03-01: complaint 2013-05-01 (a responsible lawyer), declined 2014-02-01; nobody convicted.
P2 reported 2014-01-10: complaint 2014-02-01, charged 2014-06-01, sentenced 2015-04-01; A convicted 2015-04-01,
   B acquitted.
P3 reported 2014-03-01: a proceeding under way since 2014-04-01 whose complaint date is not known.
P4 reported 2014-05-01: complaint 2014-06-01; one person convicted, date of the conviction not known.
P5 reported 2014-07-01: no proceeding.
All five stay open, so all are worked in 2014 and 2015.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from redalert.consent.choices import Purpose
from redalert.legal.models import Accused
from redalert.legal.services import change_status, open_proceeding
from redalert.statistics.loading import YearData
from redalert.statistics.periods import proceeding_periods
from redalert.statistics.report import TABLES
from redalert.statistics.scope import organisation_scope
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def legal_cases(build, coordinator, make_user, org_a):
    lawyer = make_user(org_a, "lawyer")
    cases = {}

    def proceeding(case, **fields):
        record_consent(case, Purpose.LEGAL_REPRESENTATION, coordinator)
        return open_proceeding(case, actor=coordinator, authority="state_prosecutor", **fields)

    cases["P1"] = build.case(date(2013, 3, 1))
    p1 = proceeding(cases["P1"], complaint_filed_on=date(2013, 5, 1), lawyer=lawyer)
    change_status(p1, "declined", on=date(2014, 2, 1), actor=coordinator, reason="perpetrator_unknown")

    cases["P2"] = build.case(date(2014, 1, 10))
    p2 = proceeding(cases["P2"], complaint_filed_on=date(2014, 2, 1))
    change_status(p2, "charged", on=date(2014, 6, 1), actor=coordinator)
    change_status(p2, "sentenced", on=date(2015, 4, 1), actor=coordinator)
    Accused.objects.create(proceeding=p2, outcome="convicted", outcome_on=date(2015, 4, 1))
    Accused.objects.create(proceeding=p2, outcome="acquitted", outcome_on=date(2015, 4, 1))

    cases["P3"] = build.case(date(2014, 3, 1))
    proceeding(cases["P3"], status_changed_on=date(2014, 4, 1))

    cases["P4"] = build.case(date(2014, 5, 1))
    p4 = proceeding(cases["P4"], complaint_filed_on=date(2014, 6, 1))
    Accused.objects.create(proceeding=p4, outcome="convicted", outcome_on=None)

    cases["P5"] = build.case(date(2014, 7, 1))
    return cases


def table(org, key, year):
    with translation.override("en"):
        return TABLES[key](YearData(organisation_scope(org), year, today=TODAY))


def ids(cases, *names):
    return {cases[n].pk for n in names}


def test_legal_assistance_in_2014(legal_cases, org_a):
    """Representation: P1 (until its decline in February), P2, P3, P4 → 4 of 5, 4 proceedings, 3 without a
    lawyer. Complaints dated in 2014: P2, P4 (P3's date is not known: no data 1). Convictions dated in 2014:
    none; P4's conviction has no date: no data 1."""
    built = table(org_a, "legal", 2014)
    representation = built.row("representation").cells
    assert (representation["cases"].value, representation["cases"].denominator) == (4, 5)
    assert representation["cases"].cases == ids(legal_cases, "P1", "P2", "P3", "P4")
    assert representation["records"].value == 4
    complaints = built.row("complaints").cells
    assert (complaints["cases"].value, complaints["cases"].no_data, complaints["records"].value) == (2, 1, 2)
    assert complaints["cases"].cases == ids(legal_cases, "P2", "P4")
    convictions = built.row("convictions").cells
    assert (convictions["cases"].value, convictions["cases"].no_data, convictions["records"].value) == (0, 1, 0)
    assert built.footnotes == ["3 of the proceedings under way have no responsible lawyer recorded."]
    assert built.case_section == "legal"


def test_legal_assistance_in_2015(legal_cases, org_a):
    """P1 was declined in 2014: not under way in 2015. P2 until its sentence (2015-04-01), P3, P4: 3 of 5.
    One person convicted in 2015 (P2's A; B was acquitted)."""
    built = table(org_a, "legal", 2015)
    assert built.row("representation").cells["cases"].cases == ids(legal_cases, "P2", "P3", "P4")
    convictions = built.row("convictions").cells
    assert (convictions["cases"].value, convictions["records"].value) == (1, 1)
    assert convictions["cases"].cases == ids(legal_cases, "P2")


def test_impunity(legal_cases, org_a):
    """Complaints filed by 31 Dec 2014: P1, P2, P4 (3 of 5 worked). As of the report date P2 and P4 have a
    conviction, P1 none: impunity 1 of 3 = 33.3 %. P3's complaint date is not known: no data."""
    built = table(org_a, "impunity", 2014)
    complaints = built.row("complaints").cells["cases"]
    assert (complaints.value, complaints.denominator) == (3, 5)
    impunity = built.row("impunity").cells["cases"]
    assert (impunity.value, impunity.denominator, str(impunity.percent)) == (1, 3, "33.3")
    assert impunity.cases == ids(legal_cases, "P1")
    convicted = built.row("convicted").cells["cases"]
    assert (convicted.value, convicted.denominator) == (2, 3)
    no_data = built.row("no-data")
    assert no_data.kind == "no_data" and no_data.cells["cases"].cases == ids(legal_cases, "P3")


def test_a_conviction_after_the_report_date_does_not_count(legal_cases, org_a):
    with translation.override("en"):
        built = TABLES["impunity"](YearData(organisation_scope(org_a), 2014, today=date(2015, 1, 1)))
    # P2's conviction (2015-04-01) had not happened on 2015-01-01; P4's undated conviction counts.
    assert built.row("impunity").cells["cases"].cases == ids(legal_cases, "P1", "P2")


def test_proceeding_periods():
    start = date(2014, 1, 1)
    assert proceeding_periods(start, [(start, "investigation"), (date(2014, 5, 1), "sentenced")]) == [
        (start, date(2014, 5, 1))
    ]
    assert proceeding_periods(
        start, [(start, "investigation"), (date(2014, 5, 1), "sentenced"), (date(2015, 2, 1), "appeal")]
    ) == [(start, date(2014, 5, 1)), (date(2015, 2, 1), None)]
